package platform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestNames(t *testing.T) {
	type names struct{ Platform, OS, Arch, Variant, GOARCH, System, QEMU string }
	want := []names{
		{"linux/arm64", "linux", "arm64", "", "arm64", "aarch64-linux", "aarch64"},
		{"linux/arm/v7", "linux", "arm", "v7", "arm", "armv7l-linux", "arm"},
		{"linux/arm/v6", "linux", "arm", "v6", "arm", "armv6l-linux", "arm"},
		{"linux/riscv64", "linux", "riscv64", "", "riscv64", "riscv64-linux", "riscv64"},
		{"linux/ppc64le", "linux", "ppc64le", "", "ppc64le", "powerpc64le-linux", "ppc64le"},
		{"linux/s390x", "linux", "s390x", "", "s390x", "s390x-linux", "s390x"},
		{"linux/amd64", "linux", "amd64", "", "amd64", "x86_64-linux", "x86_64"},
		{"linux/386", "linux", "386", "", "386", "i686-linux", "i386"},
	}
	var got []names
	for _, p := range All() {
		o := p.OCI()
		got = append(got, names{p.String(), o.OS, o.Architecture, o.Variant, p.GOARCH(), p.System(), p.QEMU()})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All() names mismatch (-want +got):\n%s", diff)
	}
}

// TestRoundTrips: a platform's Nix system, OCI platform and GOARCH each
// read back as the same platform.
func TestRoundTrips(t *testing.T) {
	for _, p := range All() {
		if got, err := Parse(p.System()); err != nil || got.Normalize() != p {
			t.Errorf("Parse(%s.System() = %q) = %v, %v, want %v", p, p.System(), got, err, p)
		}
		if got, err := Parse(p.String()); err != nil || got != p {
			t.Errorf("Parse(%q) = %v, %v, want %v", p.String(), got, err, p)
		}
		o := p.OCI()
		if got, err := Parse(o.OS + "/" + o.Architecture + "/" + o.Variant); o.Variant != "" && (err != nil || got != p) {
			t.Errorf("Parse(OCI %+v) = %v, %v, want %v", o, got, err, p)
		}
		// GOARCH names the architecture only: GOARCH=arm is arm/v7 unless
		// GOARM says otherwise.
		got, err := Parse(p.GOARCH())
		if err != nil || got.GOARCH() != p.GOARCH() || got.System() == "" {
			t.Errorf("Parse(%s.GOARCH() = %q) = %v, %v, want GOARCH %s", p, p.GOARCH(), got, err, p.GOARCH())
		}
		if p.Variant != "v6" && got.Normalize() != p {
			t.Errorf("Parse(%q).Normalize() = %v, want %v", p.GOARCH(), got.Normalize(), p)
		}
		if got := p.Normalize(); got != p {
			t.Errorf("%v.Normalize() = %v, want it unchanged", p, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want Platform }{
		{Platform{"arm", ""}, Platform{"arm", "v7"}},
		{Platform{"arm", "v7"}, Platform{"arm", "v7"}},
		{Platform{"arm", "v6"}, Platform{"arm", "v6"}},
		{Platform{"arm64", "v8"}, Platform{"arm64", ""}},
		{Platform{"amd64", ""}, Platform{"amd64", ""}},
		{Platform{"mips", "x"}, Platform{"mips", "x"}},
	}
	for _, tt := range tests {
		if got := tt.in.Normalize(); got != tt.want {
			t.Errorf("%v.Normalize() = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := (Platform{"mips", ""}); got.System() != "" || got.QEMU() != "" {
		t.Errorf("unknown platform: System() = %q, QEMU() = %q, want empty", got.System(), got.QEMU())
	}
	if got, want := (Platform{"arm", "v7"}).OCI(), (ispec.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}); !cmp.Equal(got, want) {
		t.Errorf("OCI() = %+v, want %+v", got, want)
	}
}
