package models

import (
	"bytes"
	"fmt"
	"regexp"
)

// tokKind classifies the tokens of the small Nix lexer the editor uses.
type tokKind int

const (
	tIdent  tokKind = iota // identifier or keyword
	tString                // "…"
	tIndent                // ''…''
	tPunct                 // one character: { } = ; . and the rest
	tOther                 // URI, number, interpolated name
)

// token is a span of the source. Strings are single tokens, interpolations
// included; comments and white space are not tokens.
type token struct {
	kind       tokKind
	start, end int // byte offsets: src[start:end]
	// plain: a "…" string without escapes or interpolation, whose value is
	// src[start+1:end-1].
	plain bool
}

var (
	identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_'-]*`)
	uriRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+\-.]*:[A-Za-z0-9%/?:@&=+$,\-_.!~*']+`)
	numRE   = regexp.MustCompile(`^[0-9][A-Za-z0-9._]*`)
)

// lexError is a source position that could not be tokenised.
type lexError struct {
	line int
	msg  string
}

func (e *lexError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// lex splits src into tokens, enough of Nix's grammar to find attribute
// bindings safely: comments and strings (with their escapes and nested
// interpolations) are recognised so that braces, quotes and "hash" inside
// them are never mistaken for structure.
func lex(src []byte) ([]token, error) {
	l := &lexer{src: src}
	toks, err := l.run(false)
	if err != nil {
		return nil, err
	}
	return toks, nil
}

type lexer struct {
	src []byte
	pos int
}

func (l *lexer) errorf(at int, format string, args ...any) error {
	line := 1
	for _, c := range l.src[:min(at, len(l.src))] {
		if c == '\n' {
			line++
		}
	}
	return &lexError{line, fmt.Sprintf(format, args...)}
}

// run tokenises until the end, or, inside an interpolation, until the "}"
// that closes it.
func (l *lexer) run(interp bool) ([]token, error) {
	var toks []token
	depth := 0
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		start := l.pos
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == '/' && l.peek(1) == '*':
			end := indexFrom(l.src, l.pos+2, "*/")
			if end < 0 {
				return nil, l.errorf(start, "unterminated /* comment")
			}
			l.pos = end + 2
		case c == '"':
			plain, err := l.string()
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tString, start, l.pos, plain})
		case c == '\'' && l.peek(1) == '\'':
			if err := l.indented(); err != nil {
				return nil, err
			}
			toks = append(toks, token{tIndent, start, l.pos, false})
		case c == '$' && l.peek(1) == '{':
			// An interpolated attribute name or path: lex its expression.
			l.pos += 2
			if _, err := l.run(true); err != nil {
				return nil, err
			}
			toks = append(toks, token{tOther, start, l.pos, false})
		case isLetter(c):
			if m := uriRE.Find(l.src[l.pos:]); m != nil && len(m) > len(identRE.Find(l.src[l.pos:])) {
				l.pos += len(m)
				toks = append(toks, token{tOther, start, l.pos, false})
				break
			}
			l.pos += len(identRE.Find(l.src[l.pos:]))
			toks = append(toks, token{tIdent, start, l.pos, false})
		case c == '{':
			depth++
			l.pos++
			toks = append(toks, token{tPunct, start, l.pos, false})
		case c == '}':
			l.pos++
			if interp && depth == 0 {
				return toks, nil
			}
			depth--
			toks = append(toks, token{tPunct, start, l.pos, false})
		default:
			if m := numRE.Find(l.src[l.pos:]); m != nil {
				l.pos += len(m)
				toks = append(toks, token{tOther, start, l.pos, false})
				break
			}
			l.pos++
			toks = append(toks, token{tPunct, start, l.pos, false})
		}
	}
	if interp {
		return nil, l.errorf(len(l.src), "unterminated ${ interpolation")
	}
	return toks, nil
}

func (l *lexer) peek(n int) byte {
	if l.pos+n < len(l.src) {
		return l.src[l.pos+n]
	}
	return 0
}

// string consumes a "…" string and reports whether it is plain.
func (l *lexer) string() (bool, error) {
	start := l.pos
	plain := true
	l.pos++
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == '"':
			l.pos++
			return plain, nil
		case c == '\\':
			plain = false
			l.pos += 2
		case c == '$' && l.peek(1) == '{':
			plain = false
			l.pos += 2
			if _, err := l.run(true); err != nil {
				return false, err
			}
		case c == '$' && l.peek(1) == '$':
			l.pos += 2 // "$${" is a literal "$${"
		default:
			l.pos++
		}
	}
	return false, l.errorf(start, "unterminated string")
}

// indented consumes an indented string, from its two opening quotes to
// its two closing ones.
func (l *lexer) indented() error {
	start := l.pos
	l.pos += 2
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == '\'' && l.peek(1) == '\'':
			switch l.peek(2) {
			case '\'', '$': // ''' and ''$ are escapes
				l.pos += 3
			case '\\': // ''\x
				l.pos += 4
			default:
				l.pos += 2
				return nil
			}
		case c == '$' && l.peek(1) == '{':
			l.pos += 2
			if _, err := l.run(true); err != nil {
				return err
			}
		case c == '$' && l.peek(1) == '$':
			l.pos += 2
		default:
			l.pos++
		}
	}
	return l.errorf(start, "unterminated '' string")
}

func isLetter(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func indexFrom(b []byte, from int, sep string) int {
	if i := bytes.Index(b[from:], []byte(sep)); i >= 0 {
		return from + i
	}
	return -1
}
