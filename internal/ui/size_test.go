package ui

import "testing"

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{126976, "124.0 KiB"},
		{300 << 20, "300.0 MiB"},
		{3 << 30 / 2, "1.5 GiB"},
		{8 << 40, "8.0 TiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestDecimalBytes(t *testing.T) {
	tests := map[int64]string{999: "999 B", 1000: "1.0 kB", 4_700_000_000: "4.7 GB", 1_678_456_656: "1.7 GB"}
	for n, want := range tests {
		if got := DecimalBytes(n); got != want {
			t.Errorf("DecimalBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestShort(t *testing.T) {
	if got := Short("9900f028b2c0eb7b68d13a7ac3e02e7d"); got != "9900f028b2c0" {
		t.Errorf("Short() = %q, want 9900f028b2c0", got)
	}
	if got := Short("abc"); got != "abc" {
		t.Errorf("Short(abc) = %q, want abc", got)
	}
}
