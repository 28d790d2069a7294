package ui

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

func TestPlural(t *testing.T) {
	tests := map[int]string{0: "0 layers", 1: "1 layer", 2: "2 layers"}
	for n, want := range tests {
		if got := Plural(n, "layer"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := map[time.Duration]string{1234567890: "1.235s", 12 * time.Millisecond: "12ms", 400 * time.Microsecond: "0s"}
	for d, want := range tests {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%d) = %q, want %q", d, got, want)
		}
	}
}

func TestFirstN(t *testing.T) {
	tests := []struct {
		items []string
		want  string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b", "c"}, "a, b, c"},
		{[]string{"a", "b", "c", "d", "e"}, "a, b, c and 2 more"},
	}
	for _, tt := range tests {
		if got := FirstN(tt.items, 3); got != tt.want {
			t.Errorf("FirstN(%q, 3) = %q, want %q", tt.items, got, tt.want)
		}
	}
}

func TestAbbreviate(t *testing.T) {
	tests := []struct{ s, want string }{{"abc", "abc"}, {"abcd", "abcd"}, {"abcde", "abcd…"}}
	for _, tt := range tests {
		if got := Abbreviate(tt.s, 4); got != tt.want {
			t.Errorf("Abbreviate(%q, 4) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestOr(t *testing.T) {
	if got := Or(nil); got != io.Discard {
		t.Errorf("Or(nil) = %v, want io.Discard", got)
	}
	var b bytes.Buffer
	if got := Or(&b); got != &b {
		t.Errorf("Or(&b) = %v, want &b", got)
	}
}

// shortWriter accepts at most max bytes a call and then fails.
type shortWriter struct{ max int }

func (w shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.max {
		return w.max, errors.New("short write")
	}
	return len(p), nil
}

func TestCountingWriter(t *testing.T) {
	cw := &CountingWriter{W: shortWriter{max: 3}}
	cw.Write([]byte("ab"))
	if _, err := cw.Write([]byte("cdefg")); err == nil {
		t.Error("Write of 5 bytes to a 3-byte writer: no error")
	}
	if cw.N != 5 {
		t.Errorf("N = %d, want 5 (2 + the 3 accepted)", cw.N)
	}
}

func TestCapWriter(t *testing.T) {
	var b bytes.Buffer
	cw := &CapWriter{W: &b, Left: 5}
	for _, s := range []string{"abc", "defg", "hi"} {
		if n, err := cw.Write([]byte(s)); n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v; want every byte reported written", s, n, err)
		}
	}
	if b.String() != "abcde" || cw.Left != 0 {
		t.Errorf("W got %q, Left %d; want abcde, 0", b.String(), cw.Left)
	}
	failing := &CapWriter{W: shortWriter{max: 2}, Left: 10}
	if n, err := failing.Write([]byte("abcd")); n != 2 || err == nil || failing.Left != 8 {
		t.Errorf("Write to a failing writer = %d, %v (Left %d); want 2, its error, 8", n, err, failing.Left)
	}
}
