package nixlex

import "fmt"

// Kind classifies a token.
type Kind int

const (
	// Ident is an identifier or keyword: getEnv, builtins, let, rec.
	Ident Kind = iota
	// String is a "…" string.
	String
	// IndentedString is a ''…'' string.
	IndentedString
	// Punct is one character of code ({ } = ; . : and the rest), or, with
	// Options.Interpolations, the "${" and "}" around an interpolation's
	// tokens.
	Punct
	// Other is a URI (https://example.com), a number, or an interpolation
	// outside a string (an interpolated attribute name: ${…}).
	Other
)

// Token is a span of the source. Comments and white space are not tokens;
// a string is one token, its interpolations included.
type Token struct {
	Kind Kind
	// Start and End are byte offsets: the token is src[Start:End], quotes
	// included.
	Start, End int
	// Line is the 1-based line of Start.
	Line int
	// Value is the token's text; for a string, its contents with the
	// escapes decoded (the literal parts only, if Interpolated; an indented
	// string's indentation is kept).
	Value string
	// Interpolated reports whether a string has ${…} in it.
	Interpolated bool
}

// Options are Tokens' settings; the zero value lists the outermost tokens
// only.
type Options struct {
	// Interpolations adds the tokens of each ${…} after the token that
	// holds it (a string, or an Other for an interpolated name): a Punct
	// "${", the expression's tokens, a Punct "}".
	Interpolations bool
}

// Tokens splits src into tokens, in the order they start. It fails with
// an *Error when a comment, string or interpolation is not closed.
func Tokens(src []byte, opts Options) ([]Token, error) {
	l := &lexer{src: src, opts: opts}
	if err := l.code(false); err != nil {
		return nil, err
	}
	return l.toks, nil
}

// Error reports a comment, string or interpolation that the source opens
// but does not close.
type Error struct {
	// Line is the 1-based line of the opening delimiter, or, for an
	// interpolation, the source's last line, where its "}" is missing.
	Line int
	// Opened is the delimiter left open: "/*", `"`, "''" or "${".
	Opened string
}

// Error says what is not closed and on which line, like "line 3:
// unterminated string".
func (e *Error) Error() string {
	what := map[string]string{
		"/*": "/* comment",
		`"`:  "string",
		"''": "'' string",
		"${": "${ interpolation",
	}[e.Opened]
	return fmt.Sprintf("line %d: unterminated %s", e.Line, what)
}
