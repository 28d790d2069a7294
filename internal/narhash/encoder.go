package narhash

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"

	"github.com/nix-community/go-nix/pkg/wire"
)

// narMagic opens every NAR.
const narMagic = "nix-archive-1"

// encoder writes NAR tokens into a SHA-256, counting the bytes. The tokens
// are go-nix's wire strings (a little-endian u64 length, the bytes, zero
// padding to a multiple of 8); the order of nodes is the caller's job.
//
// go-nix's nar.Writer is not used because it takes an entry whose name
// starts with ".." for a step up the tree and fails ("additional header
// detected"), so it cannot hash every directory Nix can.
type encoder struct {
	ctx context.Context
	sum hash.Hash
	buf *bufio.Writer
	cp  []byte // copy buffer for file contents, allocated once
	tok tokens
	// closer closes files that were read (Path's files; nil for Files).
	closer chan<- io.Closer
	n      int64
	err    error
}

// bufferSize is the size of the write buffer in front of the SHA-256 and of
// the chunks file contents are read in. Chunks that fit the core's L2 cache
// are hashed while they are still there: 128-256 KiB measured fastest, 1
// MiB 10% slower. Reading ahead on a second core measured no faster, since
// the SHA-256 then reads the chunks from the other core's cache.
const bufferSize = 256 << 10

// directMin is the smallest file whose contents bypass the write buffer.
const directMin = 64 << 10

func newEncoder(ctx context.Context) *encoder {
	e := &encoder{ctx: ctx, sum: sha256.New(), tok: newTokens()}
	e.buf = bufio.NewWriterSize(writerFunc(e.hashBytes), bufferSize)
	e.str(narMagic)
	return e
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// hashBytes feeds the SHA-256, and stops the encoding when the context is
// done.
func (e *encoder) hashBytes(p []byte) (int, error) {
	if err := e.ctx.Err(); err != nil {
		return 0, err
	}
	e.n += int64(len(p))
	return e.sum.Write(p)
}

// str writes one NAR string token.
func (e *encoder) str(s string) {
	if e.err == nil {
		e.err = wire.WriteString(e.buf, s)
	}
}

// regular writes a regular file node whose contents are the first size
// bytes r yields. r yielding fewer is an error: the file changed while it
// was read. Like Nix, it reads no further than size.
func (e *encoder) regular(executable bool, size int64, r io.Reader) error {
	if e.err != nil {
		return e.err
	}
	if executable {
		e.raw(e.tok.executable)
	} else {
		e.raw(e.tok.regular)
	}
	bw, err := wire.NewBytesWriter(e.buf, uint64(size))
	if err != nil {
		e.err = err
		return err
	}
	if e.cp == nil {
		e.cp = make([]byte, bufferSize)
	}
	if size >= directMin {
		// Empty the buffer so that the chunks go to the SHA-256 directly
		// instead of being copied through it.
		if err := e.buf.Flush(); err != nil {
			e.err = err
			return err
		}
	}
	var n int64
	for n < size && err == nil {
		var m int
		m, err = r.Read(e.cp[:min(int64(len(e.cp)), size-n)])
		if m > 0 {
			if _, werr := bw.Write(e.cp[:m]); werr != nil {
				err = werr
			}
			n += int64(m)
		}
	}
	if err == io.EOF {
		err = nil
	}
	if err == nil && n < size {
		err = fmt.Errorf("read %d bytes, want %d: the file changed while it was hashed", n, size)
	}
	if err == nil {
		err = bw.Close() // padding
	}
	if err != nil {
		e.err = err
		return err
	}
	e.raw(e.tok.close)
	return e.err
}

// symlink writes a symlink node.
func (e *encoder) symlink(target string) error {
	e.raw(e.tok.symlink)
	e.str(target)
	e.raw(e.tok.close)
	return e.err
}

// openDir starts a directory node; entries follow, then closeDir.
func (e *encoder) openDir() { e.raw(e.tok.directory) }

// openEntry starts the entry name in the current directory; its node
// follows, then closeEntry.
func (e *encoder) openEntry(name string) {
	e.raw(e.tok.entry)
	e.str(name)
	e.raw(e.tok.node)
}

func (e *encoder) closeEntry() { e.raw(e.tok.close) }

func (e *encoder) closeDir() { e.raw(e.tok.close) }

// raw writes pre-encoded tokens.
func (e *encoder) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.buf.Write(b)
	}
}

// tokens are the fixed token sequences of a NAR, encoded once.
type tokens struct {
	regular, executable, symlink, directory, entry, node, close []byte
}

func newTokens() tokens {
	enc := func(strs ...string) []byte {
		var b bytes.Buffer
		for _, s := range strs {
			_ = wire.WriteString(&b, s) // a bytes.Buffer does not fail
		}
		return b.Bytes()
	}
	return tokens{
		regular:    enc("(", "type", "regular", "contents"),
		executable: enc("(", "type", "regular", "executable", "", "contents"),
		symlink:    enc("(", "type", "symlink", "target"),
		directory:  enc("(", "type", "directory"),
		entry:      enc("entry", "(", "name"),
		node:       enc("node"),
		close:      enc(")"),
	}
}

// finish flushes the buffer and returns the hash.
func (e *encoder) finish() (Hash, error) {
	if e.err == nil {
		e.err = e.buf.Flush()
	}
	if e.err != nil {
		return Hash{}, e.err
	}
	var h Hash
	e.sum.Sum(h.Sum[:0])
	h.NARSize = e.n
	return h, nil
}
