package daemon

import (
	"errors"
	"io"
	"sync"
)

// pipeDepth is how many writes the archive writer may run ahead of the
// upload: with the writer's 256 KiB writes, a few MiB. An io.Pipe has no
// buffer, so the writer (reading and hashing files) and the upload (writing
// to the daemon's socket) would take turns instead of working at once.
const pipeDepth = 16

// bufferedPipe is an io.Pipe with a bounded queue of chunks between its
// ends. Memory stays bounded by pipeDepth chunks.
type bufferedPipe struct {
	chunks    chan []byte
	done      chan struct{} // closed when the reader gives up
	drained   chan struct{} // closed when the reader has read everything up to a clean end
	isDrained bool          // drained is closed; only the reader touches it
	closeOnce sync.Once
	readErr   error // why the reader gave up; set before done is closed
	writeErr  error // why the writer stopped; set before chunks is closed
	cur       []byte
	curChunk  []byte    // the chunk cur points into, recycled when consumed
	free      sync.Pool // recycled chunks (*[]byte), so a long upload does not churn the heap
}

func newBufferedPipe() *bufferedPipe {
	return &bufferedPipe{chunks: make(chan []byte, pipeDepth), done: make(chan struct{}), drained: make(chan struct{})}
}

// Write queues a copy of p, waiting while the queue is full.
func (p *bufferedPipe) Write(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var chunk []byte
	if c, ok := p.free.Get().(*[]byte); ok && cap(*c) >= len(b) {
		chunk = (*c)[:len(b)]
	} else {
		chunk = make([]byte, len(b))
	}
	copy(chunk, b)
	select {
	case p.chunks <- chunk:
		return len(b), nil
	case <-p.done:
		return 0, p.readErr
	}
}

// Drained is closed once the reader has read the whole stream and its clean
// end (CloseWrite(nil)): for the upload, the daemon has been sent every byte.
func (p *bufferedPipe) Drained() <-chan struct{} { return p.drained }

// CloseWrite ends the stream: the reader sees err after the queued chunks,
// or io.EOF when err is nil. Call it once.
func (p *bufferedPipe) CloseWrite(err error) {
	p.writeErr = err
	close(p.chunks)
}

// CloseRead makes pending and later writes fail with err.
func (p *bufferedPipe) CloseRead(err error) {
	p.closeOnce.Do(func() {
		if err == nil {
			err = io.ErrClosedPipe
		}
		p.readErr = err
		close(p.done)
	})
}

// Read returns queued bytes.
func (p *bufferedPipe) Read(b []byte) (int, error) {
	if len(p.cur) == 0 {
		if err := p.next(); err != nil {
			return 0, err
		}
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// WriteTo hands whole chunks to w (the HTTP request body copy uses it), so
// each upload write is as large as the archive writer's.
func (p *bufferedPipe) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if len(p.cur) == 0 {
			if err := p.next(); errors.Is(err, io.EOF) {
				return total, nil
			} else if err != nil {
				return total, err
			}
		}
		n, err := w.Write(p.cur)
		total += int64(n)
		p.cur = p.cur[n:]
		if err != nil {
			return total, err
		}
	}
}

func (p *bufferedPipe) next() error {
	if p.curChunk != nil {
		c := p.curChunk[:0]
		p.free.Put(&c)
		p.curChunk = nil
	}
	chunk, ok := <-p.chunks
	if !ok {
		if p.writeErr != nil {
			return p.writeErr
		}
		if !p.isDrained {
			p.isDrained = true
			close(p.drained)
		}
		return io.EOF
	}
	p.cur, p.curChunk = chunk, chunk
	return nil
}
