package ollama

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestVerifiedFileStress opens, reads and closes blobs many times, with
// chunk counts around the pipeline's depth, several read sizes, early
// closes and wrong digests, on one and on four threads. A deadlock between
// the reader and the digest goroutine fails the test instead of hanging
// it (see finishes).
func TestVerifiedFileStress(t *testing.T) {
	const readSize = 4 << 10
	dir := t.TempDir()
	type blob struct {
		path, hex string
		size      int64
	}
	var blobs []blob
	for chunks := range 2*pipelineDepth + 4 {
		data := make([]byte, chunks*readSize)
		for i := range data {
			data[i] = byte(i*7 + chunks)
		}
		p := filepath.Join(dir, fmt.Sprint(chunks))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		blobs = append(blobs, blob{p, hex.EncodeToString(sum[:]), int64(len(data))})
	}
	// Read sizes: whole chunks, odd sizes (a partial chunk at the end), and
	// bigger than a chunk.
	sizes := []int{readSize, readSize - 1, readSize + 1, 1000, 3 * readSize}
	// cycle reads b with reads of n bytes, stopping after stop reads (-1:
	// to EOF), and checks what Close says.
	cycle := func(b blob, want string, n, stop int) error {
		r, err := openVerified(b.path, want, b.size)
		if err != nil {
			return err
		}
		buf := make([]byte, n)
		for reads := 0; stop < 0 || reads < stop; reads++ {
			if _, err := r.Read(buf); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
		}
		err = r.Close()
		var de *DigestError
		switch {
		case stop == 0 || stop > 0 && int64(stop*n) < b.size: // stopped early: no verdict
			if err != nil {
				return fmt.Errorf("Close after %d reads of %d = %v, want nil", stop, n, err)
			}
		case want != b.hex:
			if !errors.As(err, &de) {
				return fmt.Errorf("Close with a wrong digest = %v, want a *DigestError", err)
			}
		case err != nil:
			return fmt.Errorf("Close = %v, want nil", err)
		}
		return nil
	}
	const reps = 10
	var runs atomic.Int64 // read by the test goroutine if the work hangs
	var at atomic.Pointer[string]
	work := func() error {
		for _, procs := range []int{1, 4} {
			prev := runtime.GOMAXPROCS(procs)
			for _, b := range blobs {
				for _, n := range sizes {
					for rep := range reps {
						want := b.hex
						if rep == 0 {
							want = "00" + b.hex[2:]
						}
						for _, stop := range []int{-1, 0, 1, pipelineDepth, pipelineDepth + 1} {
							runs.Add(1)
							where := fmt.Sprintf("GOMAXPROCS=%d, %d bytes in reads of %d, stopping after %d", procs, b.size, n, stop)
							at.Store(&where)
							if err := cycle(b, want, n, stop); err != nil {
								runtime.GOMAXPROCS(prev)
								return err
							}
						}
					}
				}
			}
			runtime.GOMAXPROCS(prev)
		}
		return nil
	}
	if err := finishes(work); err != nil {
		t.Fatalf("cycle %d (%s): %v", runs.Load(), *at.Load(), err)
	}
	t.Logf("%d open/read/close cycles", runs.Load())
}

// errHung means work did not return within hangBound.
var errHung = errors.New("hung (a deadlock?)")

// hangBound is how long finishes waits: a bound on a hang, not a timing
// assertion; the work takes well under a second.
const hangBound = 30 * time.Second

// finishes runs work on another goroutine and returns its error, or
// errHung if it does not return within hangBound (the goroutine is then
// left behind, for goleak to report too).
func finishes(work func() error) error {
	done := make(chan error, 1)
	go func() { done <- work() }()
	select {
	case err := <-done:
		return err
	case <-time.After(hangBound):
		return errHung
	}
}
