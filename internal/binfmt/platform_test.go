package binfmt

import (
	"debug/elf"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type elfType = elf.Type

const (
	etExec = elf.ET_EXEC
	etDyn  = elf.ET_DYN
)

func TestParsePlatforms(t *testing.T) {
	var nonNative []string
	for _, p := range Platforms() {
		if p.Arch != runtime.GOARCH {
			nonNative = append(nonNative, p.Arch)
		}
	}
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{"arm64"}},
		{"  ", []string{"arm64"}},
		{"arm64", []string{"arm64"}},
		{"aarch64,riscv64", []string{"arm64", "riscv64"}},
		{"linux/arm64, ARM64 ,aarch64-linux", []string{"arm64"}},
		{"linux/arm/v7,armhf,armv7l-linux", []string{"arm"}},
		{"powerpc64le-linux,s390x,x86_64", []string{"ppc64le", "s390x", "amd64"}},
		{"all", nonNative},
		{"s390x,all", append([]string{"s390x"}, without(nonNative, "s390x")...)},
	}
	for _, tt := range tests {
		ps, err := ParsePlatforms(tt.in)
		if err != nil {
			t.Errorf("ParsePlatforms(%q) = %v", tt.in, err)
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.Arch)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParsePlatforms(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func TestParsePlatformsUnknown(t *testing.T) {
	for _, in := range []string{"mips", "arm64,", "arm64,i386"} {
		_, err := ParsePlatforms(in)
		if !errors.Is(err, ErrUnknownPlatform) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "arm64, arm, riscv64") {
			t.Errorf("ParsePlatforms(%q) = %v, want one line wrapping ErrUnknownPlatform listing the platforms", in, err)
		}
	}
}

func TestPlatformString(t *testing.T) {
	var got []string
	for _, p := range Platforms() {
		got = append(got, p.String())
	}
	want := []string{"linux/arm64", "linux/arm/v7", "linux/riscv64", "linux/ppc64le", "linux/s390x", "linux/amd64"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
}
