package ui

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Plural is "1 layer", "2 layers".
func Plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Duration rounds an elapsed time to the millisecond, as summary lines
// show it: "1.234s", "12ms".
func Duration(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// FirstN joins the first n items with ", " and says how many more there
// are: "a, b, c and 2 more".
func FirstN(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// Abbreviate shortens s to its first max bytes and an ellipsis, for
// quoting unexpected input in an error message.
func Abbreviate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// Or returns w, or io.Discard when w is nil: libraries are silent unless
// given a writer.
func Or(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// CountingWriter counts the bytes written through it to W.
type CountingWriter struct {
	// W receives the bytes.
	W io.Writer
	// N is how many bytes W accepted.
	N int64
}

// Write implements io.Writer.
func (c *CountingWriter) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.N += int64(n)
	return n, err
}

// CapWriter passes the first Left bytes written through it to W and drops
// the rest, reporting them written, so that a stream longer than expected
// still runs to its end (to be hashed and diagnosed) without overfilling W.
type CapWriter struct {
	// W receives at most Left bytes.
	W io.Writer
	// Left is how many more bytes W may receive.
	Left int64
}

// Write implements io.Writer.
func (c *CapWriter) Write(p []byte) (int, error) {
	k := min(int64(len(p)), c.Left)
	if k > 0 {
		n, err := c.W.Write(p[:k])
		c.Left -= int64(n)
		if err != nil {
			return n, err
		}
	}
	return len(p), nil
}
