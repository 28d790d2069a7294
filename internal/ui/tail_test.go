package ui

import (
	"testing"
)

func TestTail(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
		cut    bool
	}{
		{"none", nil, "", false},
		{"under", []string{"ab", "cd"}, "abcd", false},
		{"exact", []string{"abc", "de"}, "abcde", false},
		{"exact in one write", []string{"abcde"}, "abcde", false},
		{"over", []string{"abc", "def", "g"}, "cdefg", true},
		{"one big write", []string{"abcdefghij"}, "fghij", true},
		{"big write after small", []string{"xy", "abcdefgh"}, "defgh", true},
		{"max-sized write after small", []string{"x", "abcde"}, "abcde", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Tail{Max: 5}
			for _, w := range tt.writes {
				if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v, want %d, nil", w, n, err, len(w))
				}
			}
			if got := string(b.Bytes()); got != tt.want || b.Cut() != tt.cut {
				t.Errorf("after writes %q: Bytes() = %q, Cut() = %v; want %q, %v", tt.writes, got, b.Cut(), tt.want, tt.cut)
			}
		})
	}
}
