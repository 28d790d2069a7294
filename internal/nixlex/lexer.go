package nixlex

import (
	"bytes"
	"regexp"
	"strings"
)

var (
	identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_'-]*`)
	// numRE is Nix's INT or FLOAT, from a digit: .5 is lexed as "." and an
	// INT.
	numRE = regexp.MustCompile(`^(([1-9][0-9]*\.[0-9]*|0\.[0-9]+)([Ee][+-]?[0-9]+)?|[0-9]+)`)
)

// lexer holds the state of one Tokens call.
type lexer struct {
	src  []byte
	pos  int
	opts Options
	// nest is the number of interpolations the lexer is in.
	nest int
	toks []Token
	// line is the number of newlines in src[:lineOff], the last token's
	// start, from which the next token's line is counted.
	lineOff, line int
	// uri is uriEnd's answer for the starts in [from, scheme).
	uri struct{ from, scheme, end int }
	// scanned counts the scheme characters uriEnd examined.
	scanned int
}

// code lexes code up to the end of the source or, in an interpolation,
// up to the "}" that closes it.
func (l *lexer) code(interpolation bool) error {
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
			end := bytes.Index(l.src[l.pos+2:], []byte("*/"))
			if end < 0 {
				return l.unclosed(start, "/*")
			}
			l.pos += 2 + end + 2
		case c == '"':
			if err := l.str(); err != nil {
				return err
			}
		case c == '\'' && l.peek(1) == '\'':
			if err := l.indented(); err != nil {
				return err
			}
		case c == '$' && l.peek(1) == '{':
			// An interpolated attribute name: lex its expression.
			at := l.emit(Token{Kind: Other, Start: start})
			if err := l.interpolation(); err != nil {
				return err
			}
			l.finish(at, string(l.src[start:l.pos]), false)
		case isLetter(c):
			m := identRE.Find(l.src[l.pos:])
			if end := l.uriEnd(); end > l.pos+len(m) {
				l.pos = end
				l.emitText(Other, start)
				break
			}
			l.pos += len(m)
			l.emitText(Ident, start)
		case c == '{':
			depth++
			l.pos++
			l.emitText(Punct, start)
		case c == '}':
			l.pos++
			l.emitText(Punct, start)
			if interpolation && depth == 0 {
				return nil
			}
			depth--
		case '0' <= c && c <= '9':
			l.pos += len(numRE.Find(l.src[l.pos:]))
			l.emitText(Other, start)
		default:
			l.pos++
			l.emitText(Punct, start)
		}
	}
	if interpolation {
		return l.unclosed(len(l.src), "${")
	}
	return nil
}

// interpolation lexes a ${…}, from its "${".
func (l *lexer) interpolation() error {
	l.nest++
	defer func() { l.nest-- }()
	l.pos += 2
	l.emitText(Punct, l.pos-2)
	return l.code(true)
}

// str lexes a "…" string, from its opening quote.
func (l *lexer) str() error {
	start := l.pos
	at := l.emit(Token{Kind: String, Start: start})
	interpolated := false
	var b strings.Builder
	l.pos++
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == '"':
			l.pos++
			l.finish(at, b.String(), interpolated)
			return nil
		case c == '\\' && l.pos+1 < len(l.src):
			b.WriteByte(unescape(l.src[l.pos+1]))
			l.pos += 2
		case c == '\\':
			l.pos++
		case c == '$' && l.peek(1) == '{':
			interpolated = true
			if err := l.interpolation(); err != nil {
				return err
			}
		case c == '$' && l.peek(1) == '$':
			b.WriteString("$$") // "$${" is a literal "$${"
			l.pos += 2
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return l.unclosed(start, `"`)
}

// indented lexes an indented string, from its two opening quotes.
func (l *lexer) indented() error {
	start := l.pos
	at := l.emit(Token{Kind: IndentedString, Start: start})
	interpolated := false
	var b strings.Builder
	l.pos += 2
	for l.pos < len(l.src) {
		rest := l.src[l.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("'''")):
			b.WriteString("''")
			l.pos += 3
		case bytes.HasPrefix(rest, []byte("''$")):
			b.WriteByte('$')
			l.pos += 3
		case bytes.HasPrefix(rest, []byte(`''\`)) && len(rest) > 3:
			b.WriteByte(unescape(rest[3]))
			l.pos += 4
		case bytes.HasPrefix(rest, []byte(`''\`)):
			l.pos = len(l.src)
		case bytes.HasPrefix(rest, []byte("''")):
			l.pos += 2
			l.finish(at, b.String(), interpolated)
			return nil
		case bytes.HasPrefix(rest, []byte("${")):
			interpolated = true
			if err := l.interpolation(); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("$$")):
			b.WriteString("$$")
			l.pos += 2
		default:
			b.WriteByte(rest[0])
			l.pos++
		}
	}
	return l.unclosed(start, "''")
}

// uriEnd returns the end of the URI (https://example.com) that starts at
// the current position, a letter, or -1 if none does: a scheme of letters,
// digits, "+", "-" and ".", a ":", then at least one character of the
// rest. Every start in one run of scheme characters has the same answer,
// so it is kept for the next start in the run: a long a.b.c… is scanned
// once, not once per name.
func (l *lexer) uriEnd() int {
	if l.pos < l.uri.from || l.pos >= l.uri.scheme {
		l.uri.from, l.uri.scheme, l.uri.end = l.pos, l.pos, -1
		for l.uri.scheme < len(l.src) && isSchemeChar(l.src[l.uri.scheme]) {
			l.scanned++
			l.uri.scheme++
		}
		if rest := l.uri.scheme + 1; l.uri.scheme < len(l.src) && l.src[l.uri.scheme] == ':' {
			end := rest
			for end < len(l.src) && isURIChar(l.src[end]) {
				end++
			}
			if end > rest {
				l.uri.end = end
			}
		}
	}
	return l.uri.end
}

func (l *lexer) peek(n int) byte {
	if l.pos+n < len(l.src) {
		return l.src[l.pos+n]
	}
	return 0
}

// emit appends t, unless it is inside an interpolation whose tokens are
// not wanted, and returns its index, or -1.
func (l *lexer) emit(t Token) int {
	if l.nest > 0 && !l.opts.Interpolations {
		return -1
	}
	l.line += bytes.Count(l.src[l.lineOff:t.Start], []byte("\n"))
	l.lineOff = t.Start
	t.Line = l.line + 1
	l.toks = append(l.toks, t)
	return len(l.toks) - 1
}

// emitText emits the token of kind from start to the current position,
// its text as its value.
func (l *lexer) emitText(kind Kind, start int) {
	l.emit(Token{Kind: kind, Start: start, End: l.pos, Value: string(l.src[start:l.pos])})
}

// finish completes the token emit returned as at, now that the lexer is at
// its end.
func (l *lexer) finish(at int, value string, interpolated bool) {
	if at < 0 {
		return
	}
	t := &l.toks[at]
	t.End, t.Value, t.Interpolated = l.pos, value, interpolated
}

func (l *lexer) unclosed(at int, opened string) error {
	line := bytes.Count(l.src[:at], []byte("\n")) + 1
	return &Error{Line: line, Opened: opened}
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

func isSchemeChar(c byte) bool {
	return isLetter(c) && c != '_' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isURIChar(c byte) bool {
	return isSchemeChar(c) || c == '_' || strings.IndexByte("%/?:@&=$,!~*'", c) >= 0
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
