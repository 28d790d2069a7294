package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBarDisabled(t *testing.T) {
	for _, tt := range []struct {
		name    string
		enabled bool
		total   int64
	}{{"disabled", false, 100}, {"empty", true, 0}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			b := NewBar(&buf, tt.enabled, "pulling", tt.total, Binary)
			b.Add(10)
			b.SetCurrent(20)
			if _, err := io.Copy(b.ProxyWriter(io.Discard), b.ProxyReader(strings.NewReader("abc"))); err != nil {
				t.Fatal(err)
			}
			if got := b.Above(&buf); got != &buf {
				t.Errorf("Above(&buf) = %v, want &buf", got)
			}
			b.Done()
			b.Complete()
			if buf.Len() != 0 {
				t.Errorf("a bar that is not drawn wrote %q", buf.String())
			}
		})
	}
}

// A drawn bar takes the lines printed above it, and Done and Complete stop
// its goroutines (TestMain checks that none is left).
func TestBarDrawn(t *testing.T) {
	for _, complete := range []bool{false, true} {
		for _, u := range []Units{Binary, Decimal} {
			var buf bytes.Buffer
			b := NewBar(&buf, true, "pulling x", 4, u)
			if _, err := io.Copy(b.ProxyWriter(io.Discard), b.ProxyReader(strings.NewReader("ab"))); err != nil {
				t.Fatal(err)
			}
			b.Write([]byte("c"))
			if b.Above(&buf) == &buf {
				t.Errorf("units %d: Above(&buf) = &buf, want the bar's writer", u)
			}
			if complete {
				b.Complete()
			} else {
				b.Done()
			}
		}
	}
}
