package nixlex

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// show renders tokens compactly: kind, value, and "+${" on interpolated
// strings.
func show(toks []Token) []string {
	names := map[Kind]string{Ident: "ident", String: "str", IndentedString: "ind", Punct: "punct", Other: "other"}
	var out []string
	for _, t := range toks {
		s := fmt.Sprintf("%s %q", names[t.Kind], t.Value)
		if t.Interpolated {
			s += " +${"
		}
		out = append(out, s)
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		interp bool
		want   []string
	}{
		{"binding", `{ a-b' = 1.5; }`, false, []string{`punct "{"`, `ident "a-b'"`, `punct "="`, `other "1.5"`, `punct ";"`, `punct "}"`}},
		{"comments", "# x \"\n/* { \" */ a", false, []string{`ident "a"`}},
		{"select", `builtins.getEnv "A"`, false, []string{`ident "builtins"`, `punct "."`, `ident "getEnv"`, `str "A"`}},
		{"URI", `u = https://x.org/*; v = a: b;`, false, []string{`ident "u"`, `punct "="`, `other "https://x.org/*"`, `punct ";"`, `ident "v"`, `punct "="`, `ident "a"`, `punct ":"`, `ident "b"`, `punct ";"`}},
		{"escapes", `"a\"b\n\$c\\"`, false, []string{`str "a\"b\n$c\\"`}},
		{"dollars", `"$${x} $$"`, false, []string{`str "$${x} $$"`}},
		{"interpolation after $$", `"$$${x}"`, true, []string{`str "$$" +${`, `punct "${"`, `ident "x"`, `punct "}"`}},
		{"interpolation hidden", `"a${ { b = "}"; }.b }c" d`, false, []string{`str "ac" +${`, `ident "d"`}},
		{"interpolation shown", `"a${ { b = "}"; }.b }c" d`, true, []string{
			`str "ac" +${`, `punct "${"`, `punct "{"`, `ident "b"`, `punct "="`, `str "}"`, `punct ";"`, `punct "}"`, `punct "."`, `ident "b"`, `punct "}"`, `ident "d"`,
		}},
		{"nested", `"${"${x}"}"`, true, []string{`str "" +${`, `punct "${"`, `str "" +${`, `punct "${"`, `ident "x"`, `punct "}"`, `punct "}"`}},
		{"indented", "''a '''b''' ''$c ''\\n ${x} $${y}''", true, []string{`ind "a ''b'' $c \n  $${y}" +${`, `punct "${"`, `ident "x"`, `punct "}"`}},
		{"interpolated name hidden", `{ ${a} = 1; }`, false, []string{`punct "{"`, `other "${a}"`, `punct "="`, `other "1"`, `punct ";"`, `punct "}"`}},
		{"interpolated name shown", `${a}.b`, true, []string{`other "${a}"`, `punct "${"`, `ident "a"`, `punct "}"`, `punct "."`, `ident "b"`}},
		{"numbers", `1 1.5e3 0.5 .5 2. 0A''x''`, false, []string{`other "1"`, `other "1.5e3"`, `other "0.5"`, `punct "."`, `other "5"`, `other "2."`, `other "0"`, `ident "A''x''"`}},
		{"URIs", `a.b+c-d:x/y?z _a:b`, false, []string{`other "a.b+c-d:x/y?z"`, `ident "_a"`, `punct ":"`, `ident "b"`}},
		{"not URIs", `a.b: x a:`, false, []string{`ident "a"`, `punct "."`, `ident "b"`, `punct ":"`, `ident "x"`, `ident "a"`, `punct ":"`}},
		{"unbalanced }", `} a`, false, []string{`punct "}"`, `ident "a"`}},
		{"empty", "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := Tokens([]byte(tt.src), Options{Interpolations: tt.interp})
			if err != nil {
				t.Fatalf("Tokens(%s) = %v", tt.src, err)
			}
			if diff := cmp.Diff(tt.want, show(toks)); diff != "" {
				t.Errorf("Tokens(%s) (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestTokensSpans(t *testing.T) {
	src := "{\n  a = \"x\\n${\n b}\";\n  c = ''\n  y'';\n}"
	want := []Token{
		{Kind: Punct, Start: 0, End: 1, Line: 1, Value: "{"},
		{Kind: Ident, Start: 4, End: 5, Line: 2, Value: "a"},
		{Kind: Punct, Start: 6, End: 7, Line: 2, Value: "="},
		{Kind: String, Start: 8, End: 19, Line: 2, Value: "x\n", Interpolated: true},
		{Kind: Punct, Start: 12, End: 14, Line: 2, Value: "${"},
		{Kind: Ident, Start: 16, End: 17, Line: 3, Value: "b"},
		{Kind: Punct, Start: 17, End: 18, Line: 3, Value: "}"},
		{Kind: Punct, Start: 19, End: 20, Line: 3, Value: ";"},
		{Kind: Ident, Start: 23, End: 24, Line: 4, Value: "c"},
		{Kind: Punct, Start: 25, End: 26, Line: 4, Value: "="},
		{Kind: IndentedString, Start: 27, End: 35, Line: 4, Value: "\n  y"},
		{Kind: Punct, Start: 35, End: 36, Line: 5, Value: ";"},
		{Kind: Punct, Start: 37, End: 38, Line: 6, Value: "}"},
	}
	got, err := Tokens([]byte(src), Options{Interpolations: true})
	if err != nil {
		t.Fatalf("Tokens(%q) = %v", src, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens(%q) (-want +got):\n%s", src, diff)
	}
}

func TestTokensErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      Error
		msg       string
	}{
		{"string", "{\n  a = \"x;\n}", Error{Line: 2, Opened: `"`}, "line 2: unterminated string"},
		{"string ending in \\", `"x\`, Error{Line: 1, Opened: `"`}, "line 1: unterminated string"},
		{"indented string", "\n''x", Error{Line: 2, Opened: "''"}, "line 2: unterminated '' string"},
		{"indented string ending in ''\\", `''x''\`, Error{Line: 1, Opened: "''"}, "line 1: unterminated '' string"},
		{"comment", "a\n/* x\n", Error{Line: 2, Opened: "/*"}, "line 2: unterminated /* comment"},
		{"interpolation", "\"${x\n", Error{Line: 2, Opened: "${"}, "line 2: unterminated ${ interpolation"},
		{"interpolated name", "${ { }", Error{Line: 1, Opened: "${"}, "line 1: unterminated ${ interpolation"},
		{"string in an interpolation", "\"${x\"", Error{Line: 1, Opened: `"`}, "line 1: unterminated string"},
		{"string after an interpolation", "\"${\n\"x\"\n}", Error{Line: 1, Opened: `"`}, "line 1: unterminated string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, interp := range []bool{false, true} {
				toks, err := Tokens([]byte(tt.src), Options{Interpolations: interp})
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Tokens(%q, %v) = %v, %v; want an *Error", tt.src, interp, show(toks), err)
				}
				if diff := cmp.Diff(tt.want, *e); diff != "" {
					t.Errorf("Tokens(%q, %v) error (-want +got):\n%s", tt.src, interp, diff)
				}
				if err.Error() != tt.msg {
					t.Errorf("Tokens(%q, %v) error = %q, want %q", tt.src, interp, err, tt.msg)
				}
			}
		})
	}
}

// TestTokensLongRun checks that a long run of characters that could begin
// a URI (a.b.c…, each name a token) is scanned once, not once per name.
func TestTokensLongRun(t *testing.T) {
	for _, src := range []string{strings.Repeat("a.", 1000), strings.Repeat("a.", 1000) + ": x", strings.Repeat("a-", 1000) + ":x"} {
		l := &lexer{src: []byte(src)}
		if err := l.code(false); err != nil {
			t.Fatalf("Tokens(%.10q…) = %v", src, err)
		}
		if l.scanned > len(src) {
			t.Errorf("Tokens(%.10q…) examined %d bytes for URIs; want at most %d, the source's length", src, l.scanned, len(src))
		}
	}
}
