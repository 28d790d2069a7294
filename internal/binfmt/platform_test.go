package binfmt

import (
	"debug/elf"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/platform"
)

type elfType = elf.Type

const (
	etExec = elf.ET_EXEC
	etDyn  = elf.ET_DYN
)

func TestParsePlatforms(t *testing.T) {
	var nonNative []string
	for _, p := range Platforms() {
		if p.Architecture != runtime.GOARCH {
			nonNative = append(nonNative, p.Architecture)
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
		{"armv7l", []string{"arm"}},
		{"armv7l,ARMv7,arm,linux/arm", []string{"arm"}},
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
			got = append(got, p.Architecture)
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
	// i386 and armv6l are platforms, but not ones binfmt sets up.
	for _, in := range []string{"mips", "arm64,", "arm64,i386", "armv6l"} {
		_, err := ParsePlatforms(in)
		if !errors.Is(err, ErrUnknownPlatform) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParsePlatforms(%q) = %v, want one line wrapping ErrUnknownPlatform", in, err)
			continue
		}
		msg := err.Error()
		for _, s := range []string{"arm64 (aarch64, aarch64-linux", "armv7l", "s390x (s390x-linux)", "amd64 (x86_64", "or all"} {
			if !strings.Contains(msg, s) {
				t.Errorf("ParsePlatforms(%q) = %v, want the platforms' spellings (%s)", in, err, s)
			}
		}
		if strings.Contains(msg, "i686") || strings.Contains(msg, "armv6l-linux") {
			t.Errorf("ParsePlatforms(%q) = %v, want only the spellings of platforms binfmt sets up", in, err)
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

// TestKernelTableKnownPlatforms: every platform binfmt sets up is a
// normalized platform of package platform, with a Nix system, a QEMU name
// and an ELF identity.
func TestKernelTableKnownPlatforms(t *testing.T) {
	for _, p := range Platforms() {
		q, err := platform.Parse(p.String())
		if err != nil || q != p || p.Normalize() != p || p.System() == "" || p.QEMU() == "" || elfOf(p).machine == 0 {
			t.Errorf("%v: Parse(String()) = %v, %v; Normalize() = %v, System() = %q, QEMU() = %q, machine %v; want a known normalized platform",
				p, q, err, p.Normalize(), p.System(), p.QEMU(), elfOf(p).machine)
		}
	}
	if id := elfOf(platform.Platform{Architecture: "arm"}); id.machine != elf.EM_ARM {
		t.Errorf("elfOf(arm) = %v, want arm/v7's (any spelling)", id.machine)
	}
}
