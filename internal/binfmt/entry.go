package binfmt

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Entry is one binfmt_misc registration, as the kernel shows it in
// /proc/sys/fs/binfmt_misc/<name> or as a register line asks for it.
type Entry struct {
	// Name is the entry's file name in the binfmt_misc directory.
	Name string
	// Enabled is false when the entry is disabled ("disabled", or 0
	// written to it).
	Enabled bool
	// Interpreter is the path the kernel runs the matched file with.
	Interpreter string
	// Flags holds the letters of P, O, C and F that are set, in that order
	// (the kernel's), "" when none.
	Flags string
	// Offset is where Magic is compared in the file.
	Offset int
	// Magic is the bytes compared; nil for an extension entry.
	Magic []byte
	// Mask is ANDed with the file's bytes before the comparison; nil means
	// an exact comparison.
	Mask []byte
	// Extension is the file name extension of an extension entry
	// (without the dot), "" for a magic entry.
	Extension string
}

// Has reports whether the flag letter (P, O, C or F) is set.
func (e Entry) Has(flag byte) bool { return strings.IndexByte(e.Flags, flag) >= 0 }

// Matches applies the kernel's rule to the first bytes of a file: every
// byte at Offset, masked, equals the magic (fs/binfmt_misc.c check_file).
// Extension entries match no header.
func (e Entry) Matches(hdr []byte) bool {
	if e.Magic == nil || e.Offset < 0 || e.Offset+len(e.Magic) > len(hdr) {
		return false
	}
	for j, m := range e.Magic {
		mask := byte(0xff)
		if e.Mask != nil {
			mask = e.Mask[j]
		}
		if (hdr[e.Offset+j]^m)&mask != 0 {
			return false
		}
	}
	return true
}

// ParseEntry reads an entry file of the kernel's binfmt_misc directory:
// "enabled" or "disabled", then "interpreter PATH", "flags: LETTERS",
// "offset N", "magic HEX" and "mask HEX", or "extension .EXT". Unknown
// lines are ignored, so that newer kernels' additions do not break it.
func ParseEntry(name string, data []byte) (Entry, error) {
	e := Entry{Name: name}
	bad := func(line int, format string, args ...any) (Entry, error) {
		return Entry{}, fmt.Errorf("reading binfmt_misc entry %s: %w: line %d: %s", name, ErrMalformed, line, fmt.Sprintf(format, args...))
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	switch lines[0] {
	case "enabled":
		e.Enabled = true
	case "disabled":
	default:
		return bad(1, "want enabled or disabled, got %q", lines[0])
	}
	var magic, flags bool
	for i, line := range lines[1:] {
		n := i + 2
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "interpreter":
			e.Interpreter = val
		case "flags:":
			for _, f := range val {
				if !strings.ContainsRune(flagOrder, f) {
					return bad(n, "unknown flag %q", f)
				}
			}
			e.Flags, flags = normalizeFlags(val), true
		case "offset":
			off, err := strconv.Atoi(val)
			if err != nil || off < 0 {
				return bad(n, "offset %q is not a non-negative number", val)
			}
			e.Offset = off
		case "magic", "mask":
			b, err := hex.DecodeString(val)
			if err != nil || len(b) == 0 {
				return bad(n, "%s %q is not hexadecimal", key, val)
			}
			if key == "magic" {
				e.Magic, magic = b, true
			} else {
				e.Mask = b
			}
		case "extension":
			e.Extension = strings.TrimPrefix(val, ".")
		}
	}
	switch {
	case e.Interpreter == "":
		return bad(len(lines), "no interpreter line")
	case !flags:
		return bad(len(lines), "no flags line")
	case !magic && e.Extension == "":
		return bad(len(lines), "neither magic nor extension")
	case e.Mask != nil && len(e.Mask) != len(e.Magic):
		return bad(len(lines), "mask is %d bytes long, magic %d", len(e.Mask), len(e.Magic))
	}
	return e, nil
}

// flagOrder is the order in which the kernel prints flags.
const flagOrder = "POCF"

// normalizeFlags returns the set letters in the kernel's order; C implies O,
// as in the kernel.
func normalizeFlags(s string) string {
	if strings.Contains(s, "C") && !strings.Contains(s, "O") {
		s += "O"
	}
	var b strings.Builder
	for _, f := range flagOrder {
		if strings.ContainsRune(s, f) {
			b.WriteRune(f)
		}
	}
	return b.String()
}
