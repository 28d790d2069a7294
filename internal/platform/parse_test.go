package platform

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	arm64, arm64v8 := Platform{"arm64", ""}, Platform{"arm64", "v8"}
	arm, armv7, armv6 := Platform{"arm", ""}, Platform{"arm", "v7"}, Platform{"arm", "v6"}
	amd64 := Platform{"amd64", ""}
	tests := []struct {
		in   string
		want Platform
	}{
		{"arm64", arm64}, {"aarch64", arm64}, {"aarch64-linux", arm64}, {"linux/arm64", arm64},
		{"linux/aarch64", arm64}, {"arm64/v8", arm64v8}, {"linux/arm64/v8", arm64v8},
		{"amd64", amd64}, {"x86_64", amd64}, {"x86-64", amd64}, {"x86_64-linux", amd64}, {"linux/amd64", amd64},
		{"arm", arm}, {"armhf", arm}, {"linux/arm", arm},
		{"armv7", armv7}, {"armv7l", armv7}, {"armv7l-linux", armv7}, {"arm/v7", armv7}, {"linux/arm/v7", armv7},
		{"arm/v6", armv6}, {"armv6", armv6}, {"armv6l", armv6}, {"armv6l-linux", armv6}, {"linux/arm/v6", armv6},
		{"riscv64", Platform{"riscv64", ""}}, {"riscv64-linux", Platform{"riscv64", ""}}, {"linux/riscv64", Platform{"riscv64", ""}},
		{"ppc64le", Platform{"ppc64le", ""}}, {"powerpc64le", Platform{"ppc64le", ""}},
		{"powerpc64le-linux", Platform{"ppc64le", ""}}, {"linux/ppc64le", Platform{"ppc64le", ""}},
		{"s390x", Platform{"s390x", ""}}, {"s390x-linux", Platform{"s390x", ""}}, {"linux/s390x", Platform{"s390x", ""}},
		{"386", Platform{"386", ""}}, {"i386", Platform{"386", ""}}, {"i686", Platform{"386", ""}},
		{"i686-linux", Platform{"386", ""}}, {"linux/386", Platform{"386", ""}},
		{" ARMv7L ", armv7}, {"Linux/ARM64/V8", arm64v8},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

// TestEverySpellingParses reads every spelling of the table, bare and
// after linux/, back as its platform with its own variant.
func TestEverySpellingParses(t *testing.T) {
	for _, r := range table() {
		for _, a := range r.aliases {
			for _, s := range []string{a.name, "linux/" + a.name} {
				got, err := Parse(s)
				if err != nil || got.Normalize() != r.platform || got.Variant != a.variant {
					t.Errorf("Parse(%q) = %v, %v, want %v normalizing to %v", s, got, err, Platform{r.platform.Architecture, a.variant}, r.platform)
				}
			}
		}
	}
}

func TestParseUnknown(t *testing.T) {
	for _, in := range []string{"", "mips", "arm/seven", "linux/arm/v7/x", "arm64/v9", "windows/amd64", "aarch64,arm"} {
		_, err := Parse(in)
		if !errors.Is(err, ErrUnknown) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) = %v, want one line wrapping ErrUnknown", in, err)
			continue
		}
		for _, s := range []string{"arm64 (aarch64, aarch64-linux, arm64/v8)", "armv7l-linux", "x86_64", "i686-linux", "linux/NAME"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("Parse(%q) = %v, want the accepted spellings (%s)", in, err, s)
			}
		}
	}
}

func TestParseIn(t *testing.T) {
	allowed := []Platform{{"arm64", ""}, {"arm", "v7"}}
	for in, want := range map[string]Platform{"aarch64-linux": {"arm64", ""}, "armv7l": {"arm", "v7"}, "arm": {"arm", ""}} {
		if got, err := ParseIn(in, allowed); err != nil || got != want {
			t.Errorf("ParseIn(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"amd64", "armv6l", "arm/v6"} {
		_, err := ParseIn(in, allowed)
		if !errors.Is(err, ErrUnknown) || strings.Contains(err.Error(), "x86_64") || !strings.Contains(err.Error(), "armv7l") {
			t.Errorf("ParseIn(%q) = %v, want ErrUnknown listing only arm64's and arm's spellings", in, err)
		}
	}
}
