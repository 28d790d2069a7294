package config

import (
	"fmt"
	"strings"
)

// tokenKind is the kind of a Nix token, as far as EnvVars needs to know.
type tokenKind int

const (
	identToken  tokenKind = iota // a name: getEnv, builtins, let, …
	stringToken                  // "…" or ''…''
	punctToken                   // any other character, "${" for an interpolation
)

// token is one Nix token.
type token struct {
	kind tokenKind
	// text is the identifier or punctuation; the value of a string
	// without interpolations.
	text string
	// interpolated is set on strings with ${…} in them.
	interpolated bool
	line         int
}

// lexer splits Nix source into tokens, enough to find the identifiers and
// string literals outside comments: strings (with their interpolations,
// whose tokens follow the string's), comments and identifiers are
// recognised; numbers, paths and operators come out as single characters.
type lexer struct {
	src    string
	pos    int
	line   int
	tokens []token
}

// lexNix returns the tokens of src.
func lexNix(src string) ([]token, error) {
	l := &lexer{src: src, line: 1}
	if err := l.code(false); err != nil {
		return nil, err
	}
	return l.tokens, nil
}

// code lexes code up to the end of the source or, in an interpolation,
// the "}" that closes it.
func (l *lexer) code(interpolation bool) error {
	depth := 0
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return fmt.Errorf("line %d: comment not closed", l.line)
			}
			l.advance(l.pos + 2 + end + 2)
		case c == '"':
			if err := l.str(`"`); err != nil {
				return err
			}
		case strings.HasPrefix(l.src[l.pos:], "''"):
			if err := l.str("''"); err != nil {
				return err
			}
		case isIdentStart(c):
			start := l.pos
			for l.pos < len(l.src) && isIdentChar(l.src[l.pos]) {
				l.pos++
			}
			l.emit(token{kind: identToken, text: l.src[start:l.pos]})
		default:
			switch c {
			case '{':
				depth++
			case '}':
				if depth == 0 && interpolation {
					l.emit(token{kind: punctToken, text: "}"})
					l.pos++
					return nil
				}
				depth--
			}
			l.emit(token{kind: punctToken, text: string(c)})
			l.pos++
		}
	}
	if interpolation {
		return fmt.Errorf("line %d: ${ not closed", l.line)
	}
	return nil
}

// str lexes a string that opens with quote: a double quote, or two
// single quotes for an indented string.
func (l *lexer) str(quote string) error {
	line := l.line
	l.pos += len(quote)
	at := len(l.tokens)
	l.emit(token{kind: stringToken})
	var b strings.Builder
	for {
		if l.pos >= len(l.src) {
			return fmt.Errorf("line %d: string not closed", line)
		}
		rest := l.src[l.pos:]
		switch {
		case quote == `"` && rest[0] == '\\' && len(rest) > 1:
			b.WriteByte(unescape(rest[1]))
			l.advance(l.pos + 2)
		case quote == "''" && strings.HasPrefix(rest, "'''"):
			b.WriteString("''")
			l.pos += 3
		case quote == "''" && strings.HasPrefix(rest, "''$"):
			b.WriteByte('$')
			l.pos += 3
		case quote == "''" && strings.HasPrefix(rest, `''\`) && len(rest) > 3:
			b.WriteByte(unescape(rest[3]))
			l.advance(l.pos + 4)
		case strings.HasPrefix(rest, quote):
			l.pos += len(quote)
			l.tokens[at].text = b.String()
			return nil
		case strings.HasPrefix(rest, "$${"):
			b.WriteString("$${")
			l.pos += 3
		case strings.HasPrefix(rest, "${"):
			l.tokens[at].interpolated = true
			l.emit(token{kind: punctToken, text: "${"})
			l.pos += 2
			if err := l.code(true); err != nil {
				return err
			}
		default:
			b.WriteByte(rest[0])
			l.advance(l.pos + 1)
		}
	}
}

// advance moves to pos, counting the lines passed.
func (l *lexer) advance(pos int) {
	l.line += strings.Count(l.src[l.pos:pos], "\n")
	l.pos = pos
}

func (l *lexer) emit(t token) {
	t.line = l.line
	l.tokens = append(l.tokens, t)
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	}
	return c
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || '0' <= c && c <= '9' || c == '\'' || c == '-'
}
