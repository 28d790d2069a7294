package binfmt

import (
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/platform"
)

// claimedArchs returns the platforms e claims.
func claimedArchs(e Entry) []string {
	var archs []string
	for _, p := range Platforms() {
		if e.Claims(p) {
			archs = append(archs, p.Architecture)
		}
	}
	return archs
}

func TestParseEntryRecorded(t *testing.T) {
	type summary struct {
		Enabled     bool
		Interpreter string
		Flags       string
		Claims      []string
		PIE         bool // also matches position-independent executables
	}
	aarch := func(interp, flags string) summary {
		return summary{true, interp, flags, []string{"arm64"}, true}
	}
	tests := []struct {
		file string
		want summary
	}{
		{"debian/qemu-aarch64", aarch("/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "POF")},
		{"debian/qemu-arm", summary{true, "/usr/libexec/qemu-binfmt/arm-binfmt-P", "POF", []string{"arm"}, true}},
		{"debian/qemu-riscv64", summary{true, "/usr/libexec/qemu-binfmt/riscv64-binfmt-P", "POF", []string{"riscv64"}, true}},
		{"debian/qemu-ppc64le", summary{true, "/usr/libexec/qemu-binfmt/ppc64le-binfmt-P", "POF", []string{"ppc64le"}, true}},
		{"debian/qemu-s390x", summary{true, "/usr/libexec/qemu-binfmt/s390x-binfmt-P", "POF", []string{"s390x"}, true}},
		{"debian/python3.11", summary{true, "/usr/bin/python3.11", "", nil, false}},
		{"debian/llvm-14-runtime.binfmt", summary{true, "/usr/bin/lli-14", "", nil, false}},
		{"tonistiigi/qemu-aarch64", aarch("/usr/bin/qemu-aarch64", "OCF")},
		{"tonistiigi/qemu-riscv64", summary{true, "/usr/bin/qemu-riscv64", "OCF", []string{"riscv64"}, true}},
		{"tonistiigi-mainline/qemu-aarch64", aarch("/usr/bin/qemu-aarch64", "POCF")},
		{"multiarch/qemu-aarch64", aarch("/usr/bin/qemu-aarch64-static", "F")},
		{"nixos/aarch64-linux", aarch("/run/binfmt/aarch64-linux", "")},
		{"nixos-static/aarch64-linux", aarch("/run/binfmt/aarch64-linux", "F")},
		{"qemu-script/qemu-aarch64", aarch("/usr/local/bin/qemu-aarch64", "")},
		{"19byte/qemu-aarch64", aarch("/usr/bin/qemu-aarch64-static", "")},
		// Without a mask the magic must match exactly: OS ABI 0, ET_EXEC only.
		{"nomask/qemu-aarch64", summary{true, "/usr/bin/qemu-aarch64-static", "F", []string{"arm64"}, false}},
		{"extension/jar", summary{true, "/usr/bin/java-wrapper", "", nil, false}},
		{"disabled/qemu-aarch64", summary{false, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "POF", []string{"arm64"}, true}},
	}
	arm64 := platform.Platform{Architecture: "arm64"}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/entries", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			e, err := ParseEntry(filepath.Base(tt.file), data)
			if err != nil {
				t.Fatalf("ParseEntry() = %v", err)
			}
			got := summary{e.Enabled, e.Interpreter, e.Flags, claimedArchs(e), false}
			for _, p := range Platforms() {
				got.PIE = got.PIE || e.Matches(header(p, elf.ET_DYN))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseEntry(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
			if e.Name != filepath.Base(tt.file) {
				t.Errorf("Name = %q, want %q", e.Name, filepath.Base(tt.file))
			}
			if tt.file == "19byte/qemu-aarch64" && (len(e.Magic) != 19 || !e.Matches(header(arm64, elf.ET_EXEC))) {
				t.Errorf("19-byte magic: len %d, matches arm64 %v", len(e.Magic), e.Matches(header(arm64, elf.ET_EXEC)))
			}
		})
	}
}

func TestParseEntryMalformed(t *testing.T) {
	const ok = "enabled\ninterpreter /q\nflags: F\noffset 0\nmagic 7f454c46\nmask ffffffff\n"
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", `line 1: want enabled or disabled, got ""`},
		{"first line", "on\n" + ok[8:], `line 1: want enabled or disabled, got "on"`},
		{"bad hex", strings.Replace(ok, "magic 7f454c46", "magic 7f45zz", 1), `line 5: magic "7f45zz" is not hexadecimal`},
		{"odd hex", strings.Replace(ok, "mask ffffffff", "mask fff", 1), `line 6: mask "fff" is not hexadecimal`},
		{"mask length", strings.Replace(ok, "mask ffffffff", "mask ffff", 1), "mask is 2 bytes long, magic 4"},
		{"no interpreter", strings.Replace(ok, "interpreter /q\n", "", 1), "no interpreter line"},
		{"no flags", strings.Replace(ok, "flags: F\n", "", 1), "no flags line"},
		{"unknown flag", strings.Replace(ok, "flags: F", "flags: FX", 1), `line 3: unknown flag 'X'`},
		{"bad offset", strings.Replace(ok, "offset 0", "offset -3", 1), `line 4: offset "-3" is not a non-negative number`},
		{"no magic", "enabled\ninterpreter /q\nflags: \noffset 0\n", "neither magic nor extension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEntry("x", []byte(tt.data))
			if err == nil {
				t.Fatalf("ParseEntry(%q) = nil error, want %q", tt.data, tt.want)
			}
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("ParseEntry(%q) = %q, want one line with %q wrapping ErrMalformed", tt.data, err, tt.want)
			}
		})
	}
}

func TestParseEntryIgnoresUnknownLines(t *testing.T) {
	e, err := ParseEntry("x", []byte("enabled\ninterpreter /q\nflags: F\nnewfield 1\noffset 0\nmagic 7f\n"))
	if err != nil {
		t.Fatalf("ParseEntry() = %v", err)
	}
	if !e.Matches([]byte{0x7f}) || e.Matches([]byte{0x7e}) {
		t.Errorf("Matches: want exactly 0x7f")
	}
}

func TestMatchesOffset(t *testing.T) {
	e := Entry{Offset: 2, Magic: []byte{0xab, 0xcd}, Mask: []byte{0xff, 0xf0}}
	tests := []struct {
		hdr  []byte
		want bool
	}{
		{[]byte{0, 0, 0xab, 0xc1}, true},
		{[]byte{0, 0, 0xab, 0xd1}, false},
		{[]byte{0xab, 0xcd}, false}, // too short for the offset
		{nil, false},
	}
	for _, tt := range tests {
		if got := e.Matches(tt.hdr); got != tt.want {
			t.Errorf("Matches(%x) = %v, want %v", tt.hdr, got, tt.want)
		}
	}
}

func TestClaimsIgnoresCatchAll(t *testing.T) {
	// An entry matching every ELF file would also take the host's own
	// programs: it is not arm64's emulator.
	e := Entry{Name: "elf", Enabled: true, Interpreter: "/x", Magic: []byte("\x7fELF")}
	for _, p := range Platforms() {
		if !p.Native() && e.Claims(p) {
			t.Errorf("a catch-all ELF entry claims %s", p)
		}
	}
}
