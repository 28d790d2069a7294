package nixlex

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzTokens checks the lexer's promises on any input: it fails only with
// an *Error, the same with or without Options.Interpolations; the
// outermost tokens are in order, do not overlap, carry their text and
// line, and only white space and comments lie between them; with
// Interpolations, the tokens added lie inside the token that holds them
// and the rest are the outermost ones. Run it with
//
//	go test -fuzz FuzzTokens ./internal/nixlex
//
// Plain go test runs the seed corpus.
func FuzzTokens(f *testing.F) {
	for _, file := range []string{"../../nix/models.nix", "../../nix/container-config.nix", "../models/testdata/odd.nix"} {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		`"a${ { b = "}"; }.b }c"`, `''a '''b''' ''$c ''\n ${x} $${y}''`, `"$$${x}" "$${x}" "\${x}"`,
		`{ ${a} = https://x.org/*; b = 1.5e3; }`, "/* x", `"x\`, `''x''\`, "\"${x\n", "} # c\n{",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		outer, err := Tokens(src, Options{})
		all, errAll := Tokens(src, Options{Interpolations: true})
		if err != nil || errAll != nil {
			var e, eAll *Error
			if !errors.As(err, &e) || !errors.As(errAll, &eAll) || *e != *eAll || outer != nil || all != nil {
				t.Fatalf("Tokens(%q) = %v, %v; with interpolations %v, %v: want the same *Error and no tokens", src, outer, err, all, errAll)
			}
			return
		}
		end := 0
		for _, tok := range outer {
			checkToken(t, src, tok)
			if tok.Start < end {
				t.Fatalf("Tokens(%q): %+v overlaps the token before it", src, tok)
			}
			checkGap(t, src, end, tok.Start)
			end = tok.End
		}
		checkGap(t, src, end, len(src))

		var kept []Token
		holder := Token{End: -1}
		for _, tok := range all {
			checkToken(t, src, tok)
			if tok.Start < holder.End {
				if tok.End > holder.End {
					t.Fatalf("Tokens(%q): %+v is not inside %+v", src, tok, holder)
				}
				continue
			}
			holder = tok
			kept = append(kept, tok)
		}
		if diff := cmp.Diff(outer, kept); diff != "" {
			t.Fatalf("Tokens(%q): the outermost tokens differ with interpolations (-without +with):\n%s", src, diff)
		}
	})
}

// checkToken checks what a token says of itself against src.
func checkToken(t *testing.T, src []byte, tok Token) {
	t.Helper()
	if tok.Start < 0 || tok.End > len(src) || tok.Start >= tok.End {
		t.Fatalf("Tokens(%q): %+v is out of bounds", src, tok)
	}
	if want := bytes.Count(src[:tok.Start], []byte("\n")) + 1; tok.Line != want {
		t.Fatalf("Tokens(%q): %+v is on line %d", src, tok, want)
	}
	text := string(src[tok.Start:tok.End])
	switch tok.Kind {
	case String:
		if len(text) < 2 || text[0] != '"' || text[len(text)-1] != '"' {
			t.Fatalf("Tokens(%q): string %+v is not quoted", src, tok)
		}
	case IndentedString:
		if len(text) < 4 || text[:2] != "''" || text[len(text)-2:] != "''" {
			t.Fatalf("Tokens(%q): indented string %+v is not quoted", src, tok)
		}
	default:
		if tok.Value != text || tok.Interpolated {
			t.Fatalf("Tokens(%q): %+v does not hold its text %q", src, tok, text)
		}
	}
}

// checkGap checks that src[from:to], between two tokens, has none.
func checkGap(t *testing.T, src []byte, from, to int) {
	t.Helper()
	if toks, err := Tokens(src[from:to], Options{}); err != nil || len(toks) > 0 {
		t.Fatalf("Tokens(%q): between the tokens, %q lexes to %v, %v", src, src[from:to], toks, err)
	}
}
