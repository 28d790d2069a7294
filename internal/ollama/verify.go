package ollama

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
)

// DigestError means a blob's contents do not hash to its digest.
type DigestError struct {
	// Path is the file; empty for a download.
	Path string
	// Want and Got are hex SHA-256s.
	Want, Got string
}

// Error says which contents do not match which digest.
func (e *DigestError) Error() string {
	what := "the contents"
	if e.Path != "" {
		what = "the contents of " + e.Path
	}
	return fmt.Sprintf("%s do not match the digest sha256:%.12s… (they hash to sha256:%.12s…)", what, e.Want, e.Got)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// verifiedFile reads a file and hashes what was read on another goroutine,
// so that checking a blob costs no time next to the NAR hash that reads
// it. Close reports a *DigestError when the whole file (size bytes, or up
// to EOF) was read and the contents do not match.
//
// Exactly pipelineDepth buffers circulate between Read and the digest
// goroutine: each is in free, in chunks, or held by one of them. Both
// channels hold all of them, so no send ever blocks; Read waits in its
// receive from free only while the digest goroutine holds or has queued
// every buffer, and that goroutine works without waiting for Read. So
// neither can deadlock the other, and Close (closing chunks, waiting for
// the goroutine to drain it) always returns.
type verifiedFile struct {
	f      *os.File
	want   string
	size   int64 // expected; reading this many bytes completes the file
	read   int64
	sum    hash.Hash
	chunks chan []byte
	free   chan []byte
	done   chan struct{}
	eof    bool
}

// pipelineDepth is how many chunks may wait for, or be hashed by, the
// digest goroutine.
const pipelineDepth = 4

func openVerified(path, wantHex string, size int64) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	v := &verifiedFile{f: f, want: wantHex, size: size, sum: sha256.New(),
		chunks: make(chan []byte, pipelineDepth), free: make(chan []byte, pipelineDepth), done: make(chan struct{})}
	for range pipelineDepth {
		v.free <- nil // allocated by the first Read that takes it
	}
	go func() {
		defer close(v.done)
		for c := range v.chunks {
			v.sum.Write(c)
			v.free <- c
		}
	}()
	return v, nil
}

func (v *verifiedFile) Read(p []byte) (int, error) {
	n, err := v.f.Read(p)
	if n > 0 {
		buf := <-v.free
		v.chunks <- append(buf[:0], p[:n]...)
	}
	v.read += int64(n)
	if err == io.EOF || v.read >= v.size {
		v.eof = true
	}
	return n, err
}

func (v *verifiedFile) Close() error {
	close(v.chunks)
	<-v.done
	err := v.f.Close()
	if !v.eof {
		return err // the caller stopped early and reports its own error
	}
	if got := hex.EncodeToString(v.sum.Sum(nil)); got != v.want {
		return &DigestError{Path: v.f.Name(), Want: v.want, Got: got}
	}
	return err
}
