package demo

import (
	"errors"
	"testing"
)

func TestNixSystem(t *testing.T) {
	for goarch, want := range map[string]string{"amd64": "x86_64-linux", "arm64": "aarch64-linux"} {
		if got, err := nixSystem(goarch); err != nil || got != want {
			t.Errorf("nixSystem(%q) = %q, %v, want %q", goarch, got, err, want)
		}
	}
	for _, goarch := range []string{"riscv64", "arm", "mips"} {
		if got, err := nixSystem(goarch); !errors.Is(err, ErrUnsupported) {
			t.Errorf("nixSystem(%q) = %q, %v, want ErrUnsupported", goarch, got, err)
		}
	}
}
