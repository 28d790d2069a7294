package binfmt

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/ui"
)

// Limits of a register line (fs/binfmt_misc.c).
const (
	minRegisterLen = 11
	maxRegisterLen = 1920
	binprmBufSize  = 256 // BINPRM_BUF_SIZE since Linux 5.1
	// maxInterpreter is the interpreter length the kernel documentation
	// allows (binfmt-misc.rst: 127 characters).
	maxInterpreter = 127
)

// RegisterLine returns the line that registers p's magic under name, run
// by interpreter with flags: ":name:M:0:magic:mask:interpreter:flags". The
// same line, followed by a newline, is the format of an /etc/binfmt.d file.
func RegisterLine(name string, p platform.Platform, interpreter, flags string) string {
	return fmt.Sprintf(":%s:M:0:%s:%s:%s:%s", name, elfOf(p).magic, elfOf(p).mask, interpreter, flags)
}

// ParseRegisterLine reads a register line as the kernel does
// (create_entry): the first character is the delimiter, then name, type (M
// or E), offset, magic, mask, interpreter and flags, magic and mask with
// \xHH escapes. It returns the entry the kernel would create, enabled.
func ParseRegisterLine(line string) (Entry, error) {
	bad := func(format string, args ...any) (Entry, error) {
		return Entry{}, fmt.Errorf("reading register line %q: %w: %s", ui.Abbreviate(line, 60), ErrMalformed, fmt.Sprintf(format, args...))
	}
	line = strings.TrimSuffix(line, "\n")
	if len(line) < minRegisterLen || len(line) > maxRegisterLen {
		return bad("length %d is outside %d to %d", len(line), minRegisterLen, maxRegisterLen)
	}
	del := line[0:1]
	fields := splitEscaped(line[1:], line[0])
	if len(fields) != 7 {
		return bad("%d fields, want 7 separated by %q", len(fields), del)
	}
	name, typ, offset, magic, mask, interp, flags := fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]
	e := Entry{Name: name, Enabled: true, Interpreter: interp}
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return bad("invalid name %q", name)
	}
	if interp == "" {
		return bad("no interpreter")
	}
	for _, f := range flags {
		if !strings.ContainsRune(flagOrder, f) {
			return bad("unknown flag %q", f)
		}
	}
	e.Flags = normalizeFlags(flags)
	switch typ {
	case "E":
		if magic == "" || strings.Contains(magic, "/") {
			return bad("invalid extension %q", magic)
		}
		e.Extension = magic
		return e, nil
	case "M":
	default:
		return bad("type %q, want M or E", typ)
	}
	if offset != "" {
		n, err := strconv.Atoi(offset)
		if err != nil || n < 0 {
			return bad("offset %q is not a non-negative number", offset)
		}
		e.Offset = n
	}
	var err error
	if e.Magic, err = unescape(magic); err != nil {
		return bad("magic: %v", err)
	}
	if len(e.Magic) == 0 {
		return bad("empty magic")
	}
	if mask != "" {
		if e.Mask, err = unescape(mask); err != nil {
			return bad("mask: %v", err)
		}
		if len(e.Mask) != len(e.Magic) {
			return bad("mask is %d bytes long, magic %d", len(e.Mask), len(e.Magic))
		}
	}
	if e.Offset+len(e.Magic) > binprmBufSize {
		return bad("offset plus magic exceed %d bytes", binprmBufSize)
	}
	return e, nil
}

// splitEscaped splits s at del, as the kernel's scanarg does: a \xHH escape
// never ends a field, so an escaped delimiter stays in it.
func splitEscaped(s string, del byte) []string {
	var fields []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' && isHex(s[i+2]) && isHex(s[i+3]):
			i += 3
		case s[i] == del:
			fields = append(fields, s[start:i])
			start = i + 1
		}
	}
	return append(fields, s[start:])
}

// unescape decodes \xHH escapes (two hex digits required, as scanarg
// checks); other characters stand for themselves.
func unescape(s string) ([]byte, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) || s[i+1] != 'x' {
			b = append(b, s[i])
			continue
		}
		if i+3 >= len(s) || !isHex(s[i+2]) || !isHex(s[i+3]) {
			return nil, fmt.Errorf("escape at byte %d needs two hex digits", i)
		}
		v, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
		b = append(b, byte(v))
		i += 3
	}
	return b, nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
