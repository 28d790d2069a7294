package ui

// Tail is a writer that keeps the last Max bytes written to it: the end of
// a long log or command output, to be shown when something fails. It is
// for one writer at a time.
type Tail struct {
	// Max is how many bytes are kept.
	Max int

	buf []byte
	cut bool
}

// Write implements io.Writer; it never fails.
func (t *Tail) Write(p []byte) (int, error) {
	n := len(p)
	if n >= t.Max {
		t.cut = t.cut || n > t.Max || len(t.buf) > 0
		t.buf = append(t.buf[:0], p[n-t.Max:]...)
		return n, nil
	}
	if over := len(t.buf) + n - t.Max; over > 0 {
		t.cut = true
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// Bytes returns the bytes kept.
func (t *Tail) Bytes() []byte { return t.buf }

// Cut reports whether bytes were dropped from the front.
func (t *Tail) Cut() bool { return t.cut }
