package binfmt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestRegisterLineDebian checks that reading Debian's register lines gives
// the entries the kernel made of them.
func TestRegisterLineDebian(t *testing.T) {
	for _, name := range []string{"qemu-aarch64", "qemu-arm", "qemu-riscv64", "qemu-ppc64le", "qemu-s390x", "python3.11"} {
		t.Run(name, func(t *testing.T) {
			line, err := os.ReadFile(filepath.Join("testdata/binfmt.d", name+".conf"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRegisterLine(string(line))
			if err != nil {
				t.Fatalf("ParseRegisterLine() = %v", err)
			}
			proc, err := os.ReadFile(filepath.Join("testdata/entries/debian", name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseEntry(name, proc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseRegisterLine(%s) differs from the kernel's entry (-kernel +parsed):\n%s", name, diff)
			}
		})
	}
}

// TestRegisterLinePlatforms checks the magic/mask table: each platform's
// line claims that platform's static and PIE executables and no other
// platform's.
func TestRegisterLinePlatforms(t *testing.T) {
	for _, p := range Platforms() {
		line := RegisterLine("qemu-"+p.QEMU(), p, "/usr/bin/qemu-"+p.QEMU()+"-static", "F")
		e, err := ParseRegisterLine(line)
		if err != nil {
			t.Fatalf("ParseRegisterLine(%q) = %v", line, err)
		}
		if e.Name != "qemu-"+p.QEMU() || e.Flags != "F" || len(e.Magic) != 20 || len(e.Mask) != 20 {
			t.Errorf("RegisterLine(%s) = %+v", p, e)
		}
		for _, q := range Platforms() {
			for _, typ := range []elfType{etExec, etDyn} {
				if got, want := e.Matches(header(q, typ)), p.Architecture == q.Architecture; got != want {
					t.Errorf("%s's line matches a %s header of type %v: %v, want %v", p, q, typ, got, want)
				}
			}
		}
	}
}

// TestRegisterLineDebianMagic compares the table with Debian's lines,
// which differ only in ppc64le's and s390x's OS ABI mask byte (0xfc).
func TestRegisterLineDebianMagic(t *testing.T) {
	for _, p := range Platforms() {
		line, err := os.ReadFile(filepath.Join("testdata/binfmt.d", "qemu-"+p.QEMU()+".conf"))
		if errors.Is(err, os.ErrNotExist) {
			continue // Debian has no x86_64 line on x86_64
		}
		if err != nil {
			t.Fatal(err)
		}
		deb, err := ParseRegisterLine(string(line))
		if err != nil {
			t.Fatal(err)
		}
		ours, err := ParseRegisterLine(RegisterLine("x", p, "/q", "F"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(deb.Magic, ours.Magic); diff != "" {
			t.Errorf("%s magic differs from Debian's (-debian +ours):\n%s", p, diff)
		}
		if p.Architecture == "ppc64le" || p.Architecture == "s390x" {
			deb.Mask[7] = 0
		}
		if diff := cmp.Diff(deb.Mask, ours.Mask); diff != "" {
			t.Errorf("%s mask differs from Debian's (-debian +ours):\n%s", p, diff)
		}
	}
}

func TestParseRegisterLine(t *testing.T) {
	tests := []struct {
		line string
		want Entry
	}{
		{`:jar:E::jar::/usr/bin/jexec:`, Entry{Name: "jar", Enabled: true, Interpreter: "/usr/bin/jexec", Extension: "jar"}},
		{":x:M:2:\\x7f\\x3a:\\xff\\xf0:/q:OPF\n", Entry{Name: "x", Enabled: true, Interpreter: "/q", Flags: "POF", Offset: 2, Magic: []byte{0x7f, ':'}, Mask: []byte{0xff, 0xf0}}},
		// Another delimiter, and C implies O.
		{`|x|M||AB||/q|C`, Entry{Name: "x", Enabled: true, Interpreter: "/q", Flags: "OC", Magic: []byte("AB")}},
	}
	for _, tt := range tests {
		got, err := ParseRegisterLine(tt.line)
		if err != nil {
			t.Errorf("ParseRegisterLine(%q) = %v", tt.line, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseRegisterLine(%q) mismatch (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestParseRegisterLineMalformed(t *testing.T) {
	tests := []struct{ line, want string }{
		{":x:M::\\x7f::/q:X", `unknown flag 'X'`},
		{":x:M::\\x7f\\x45:\\xff:/q:F", "mask is 1 bytes long, magic 2"},
		{":x:M::\\x7:\\xff:/q:F", "magic: escape at byte 0 needs two hex digits"},
		{":x:M::\\x7f:/q:F", "6 fields, want 7"},
		{":x:Z::\\x7f::/q:F", `type "Z", want M or E`},
		{":a/b:M::\\x7f::/q:F", `invalid name "a/b"`},
		{":..:M::\\x7f::/q:F", `invalid name ".."`},
		{":x:M::\\x7f:::F", "no interpreter"},
		{":x:M:x:\\x7f::/q:F", `offset "x" is not a non-negative number`},
		{":x:M:250:\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f::/q:F", "offset plus magic exceed 256 bytes"},
		{":x:M:", "length 5 is outside 11 to 1920"},
		{":x:M::::/q:F", "empty magic"},
	}
	for _, tt := range tests {
		_, err := ParseRegisterLine(tt.line)
		if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseRegisterLine(%q) = %v, want one line with %q wrapping ErrMalformed", tt.line, err, tt.want)
		}
	}
}
