package models

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/nanna-coder/build/internal/nixlex"
)

// site is where a model's hash string literal sits in nix/models.nix.
type site struct {
	start, end int // the string token, quotes included: src[start:end]
	line       int // 1-based line of start
}

// value is the string's contents.
func (s site) value(src []byte) string { return string(src[s.start+1 : s.end-1]) }

// sriRE matches the only form SetHash writes: SRI SHA-256.
var sriRE = regexp.MustCompile(`^sha256-[A-Za-z0-9+/]{43}=$`)

// SetHash returns a copy of src, the text of a nix/models.nix, in which the
// string of model key's hash attribute is hash, and the line it is on.
// Every other byte stays as it was: comments, spacing, order, other models.
//
// The model must be bound exactly once as `key = { … };` in the file's
// outermost attribute set, and its set must bind `hash = "…";` exactly once
// at its own level to a plain string literal (no escapes or
// interpolation). Otherwise SetHash fails and src is left as it was. hash
// must be an SRI SHA-256 ("sha256-" and 44 base64 characters).
func SetHash(src []byte, key, hash string) ([]byte, int, error) {
	if !sriRE.MatchString(hash) {
		return nil, 0, fmt.Errorf("setting hash of %s: %q is not an SRI sha256 hash", key, hash)
	}
	s, err := findHash(src, key)
	if err != nil {
		return nil, 0, err
	}
	return replaceAt(src, s, hash), s.line, nil
}

// CurrentHash returns the string of model key's hash attribute as written
// in src, found the way SetHash finds it.
func CurrentHash(src []byte, key string) (string, error) {
	s, err := findHash(src, key)
	if err != nil {
		return "", err
	}
	return s.value(src), nil
}

func replaceAt(src []byte, s site, value string) []byte {
	out := make([]byte, 0, len(src)-(s.end-s.start)+len(value)+2)
	out = append(out, src[:s.start+1]...)
	out = append(out, value...)
	return append(out, src[s.end-1:]...)
}

// findHash locates key's hash string; see SetHash for the rules.
func findHash(src []byte, key string) (site, error) {
	toks, err := nixlex.Tokens(src, nixlex.Options{})
	if err != nil {
		return site{}, fmt.Errorf("finding hash of %s: cannot read the file: %w", key, err)
	}
	depth := depths(toks)
	is := func(i int, c string) bool {
		return i >= 0 && i < len(toks) && toks[i].Kind == nixlex.Punct && toks[i].Value == c
	}
	// binding reports whether toks[i] starts `name = ` in an attribute set
	// at depth d.
	binding := func(i, d int, name string) bool {
		return depth[i] == d && (i == 0 || is(i-1, "{") || is(i-1, ";")) && is(i+1, "=") && nameIs(src, toks[i], name)
	}

	var blocks []int
	for i := range toks {
		if binding(i, 1, key) {
			blocks = append(blocks, i)
		}
	}
	if len(blocks) != 1 {
		if len(blocks) == 0 {
			return site{}, fmt.Errorf("finding hash of %s: no binding `%s = { … };` in the file's attribute set", key, key)
		}
		return site{}, fmt.Errorf("finding hash of %s: %s is bound %d times (lines %s)", key, key, len(blocks), lines(toks, blocks))
	}
	open := blocks[0] + 2
	if open < len(toks) && toks[open].Kind == nixlex.Ident && toks[open].Value == "rec" {
		open++
	}
	if !is(open, "{") {
		return site{}, fmt.Errorf("finding hash of %s: line %d: %s is not bound to an attribute set literal", key, toks[blocks[0]].Line, key)
	}
	var found []int
	for j := open + 1; j < len(toks) && !(depth[j] == 1 && is(j, "}")); j++ {
		if binding(j, 2, "hash") {
			found = append(found, j)
		}
	}
	switch {
	case len(found) == 0:
		return site{}, fmt.Errorf("finding hash of %s: line %d: the attribute set of %s has no `hash = \"…\";`", key, toks[open].Line, key)
	case len(found) > 1:
		return site{}, fmt.Errorf("finding hash of %s: hash is bound %d times in %s (lines %s)", key, len(found), key, lines(toks, found))
	}
	v := found[0] + 2
	if v >= len(toks) || !plain(src, toks[v]) || !is(v+1, ";") {
		return site{}, fmt.Errorf("finding hash of %s: line %d: hash is not a plain string literal (`hash = \"sha256-…\";`)", key, toks[found[0]].Line)
	}
	return site{start: toks[v].Start, end: toks[v].End, line: toks[v].Line}, nil
}

// depths returns the brace depth of every token: the number of "{" not
// yet closed before it.
func depths(toks []nixlex.Token) []int {
	out := make([]int, len(toks))
	d := 0
	for i, t := range toks {
		if t.Kind == nixlex.Punct && t.Value == "}" {
			d--
		}
		out[i] = d
		if t.Kind == nixlex.Punct && t.Value == "{" {
			d++
		}
	}
	return out
}

// nameIs reports whether t is the attribute name name: an identifier or a
// plain string.
func nameIs(src []byte, t nixlex.Token, name string) bool {
	return (t.Kind == nixlex.Ident || plain(src, t)) && t.Value == name
}

// plain reports whether t is a "…" string without escapes or
// interpolation, whose value is its text between the quotes.
func plain(src []byte, t nixlex.Token) bool {
	return t.Kind == nixlex.String && !t.Interpolated && t.Value == string(src[t.Start+1:t.End-1])
}

func lines(toks []nixlex.Token, idx []int) string {
	var b bytes.Buffer
	for i, j := range idx {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, toks[j].Line)
	}
	return b.String()
}

// lineDiff shows the change SetHash made as a unified diff of the line.
func lineDiff(name string, before, after []byte, line int) string {
	get := func(src []byte) string {
		ls := bytes.Split(src, []byte("\n"))
		if line-1 < len(ls) {
			return string(ls[line-1])
		}
		return ""
	}
	return fmt.Sprintf("--- %s\n+++ %s (dry run: not written)\n@@ -%d +%d @@\n-%s\n+%s\n", name, name, line, line, get(before), get(after))
}
