package models

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

const newHash = "sha256-jwzJDKF1wGfOv59Uq3lXP7a2mQCa5OclYuMcYHSNbQc="

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSetHashKeepsOtherBytes pins each model of the real file and of a
// file full of comments, odd spacing and look-alikes: the output must be
// the input with exactly the old hash string replaced.
func TestSetHashKeepsOtherBytes(t *testing.T) {
	tests := []struct {
		file, key, old string
	}{
		// The real file: whatever its hashes are now ("" = CurrentHash).
		{"../../nix/models.nix", "qwen3", ""},
		{"../../nix/models.nix", "llama3", ""},
		{"../../nix/models.nix", "mistral", ""},
		{"../../nix/models.nix", "gemma", ""},
		{"testdata/odd.nix", "qwen3", "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc="},
		{"testdata/odd.nix", "llama3", Placeholder},
		{"testdata/odd.nix", "mistral", Placeholder},
		{"testdata/odd.nix", "gemma", Placeholder},
	}
	for _, tt := range tests {
		src := readFile(t, tt.file)
		orig := bytes.Clone(src)
		if tt.old == "" {
			var err error
			if tt.old, err = CurrentHash(src, tt.key); err != nil {
				t.Fatal(err)
			}
		}
		got, line, err := SetHash(src, tt.key, newHash)
		if err != nil {
			t.Errorf("SetHash(%s, %s) = %v", tt.file, tt.key, err)
			continue
		}
		if !bytes.Equal(src, orig) {
			t.Fatalf("SetHash(%s, %s) modified its input", tt.file, tt.key)
		}
		// Exactly one occurrence of the old string at the reported line
		// changes, whatever else looks like it.
		i := bytes.Index(got, []byte(newHash))
		if i < 0 || line != lineOf(got, i) {
			t.Errorf("SetHash(%s, %s): new hash at offset %d, reported line %d", tt.file, tt.key, i, line)
			continue
		}
		want := append(append(bytes.Clone(src[:i]), newHash...), src[i+len(tt.old):]...)
		if string(src[i-1:i+len(tt.old)+1]) != `"`+tt.old+`"` || !bytes.Equal(got, want) {
			t.Errorf("SetHash(%s, %s) changed more than the hash:\n%s", tt.file, tt.key, got)
		}
		if h, err := CurrentHash(got, tt.key); err != nil || h != newHash {
			t.Errorf("CurrentHash after SetHash(%s, %s) = %q, %v", tt.file, tt.key, h, err)
		}
		// And back.
		back, _, err := SetHash(got, tt.key, tt.old)
		if err != nil || !bytes.Equal(back, src) {
			t.Errorf("SetHash back to %s = %v; bytes equal: %v", tt.old, err, bytes.Equal(back, src))
		}
	}
}

func TestSetHashErrors(t *testing.T) {
	const ph = `"` + Placeholder + `"`
	tests := []struct {
		name, src, key, hash, want string
	}{
		{"unknown key", `{ a = { hash = ` + ph + `; }; }`, "b", newHash, "no binding `b = { … };`"},
		{"let only", `let b = { hash = ` + ph + `; }; in { }`, "b", newHash, "no binding"},
		{"nested only", `{ x = { b = { hash = ` + ph + `; }; }; }`, "b", newHash, "no binding"},
		{"twice", `{ b = { hash = ` + ph + `; }; b = { hash = ` + ph + `; }; }`, "b", newHash, "bound 2 times (lines 1, 1)"},
		{"no hash", `{ b = { name = "x"; }; }`, "b", newHash, "has no `hash = \"…\";`"},
		{"hash only nested", `{ b = { meta = { hash = ` + ph + `; }; }; }`, "b", newHash, "has no `hash"},
		{"two hashes", "{ b = {\n hash = " + ph + ";\n hash = " + ph + "; }; }", "b", newHash, "hash is bound 2 times in b (lines 2, 3)"},
		{"interpolated", `{ b = { hash = "sha256-${x}"; }; }`, "b", newHash, "not a plain string literal"},
		{"escaped", `{ b = { hash = "sha256-\x"; }; }`, "b", newHash, "not a plain string literal"},
		{"identifier", `{ b = { hash = fake; }; }`, "b", newHash, "not a plain string literal"},
		{"indented string", `{ b = { hash = ''x''; }; }`, "b", newHash, "not a plain string literal"},
		{"expression", `{ b = { hash = "a" + "b"; }; }`, "b", newHash, "not a plain string literal"},
		{"not a set", `{ b = import ./b.nix; }`, "b", newHash, "not bound to an attribute set literal"},
		{"unterminated string", "{ b = { hash = \"x; }; }", "b", newHash, "line 1: unterminated string"},
		{"unterminated comment", "{\n/* b = { hash = \"x\"; }; }", "b", newHash, "line 2: unterminated /* comment"},
		{"unterminated interpolation", `{ b = { hash = "${x"; }; }`, "b", newHash, "unterminated"},
		{"bad new hash", `{ b = { hash = ` + ph + `; }; }`, "b", "sha256-short", "not an SRI sha256 hash"},
		{"nix32 new hash", `{ b = { hash = ` + ph + `; }; }`, "b", "01vdims60773c8jygr4s02cvddizaxwsnm4zpz76gh3ml46cj34g", "not an SRI sha256 hash"},
		{"quote in new hash", `{ b = { hash = ` + ph + `; }; }`, "b", `sha256-"; evil = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`, "not an SRI sha256 hash"},
	}
	for _, tt := range tests {
		got, _, err := SetHash([]byte(tt.src), tt.key, tt.hash)
		if err == nil || !strings.Contains(err.Error(), tt.want) || got != nil {
			t.Errorf("SetHash(%s) = %q, %v; want an error containing %q", tt.name, got, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("SetHash(%s) error is not one line: %q", tt.name, err)
		}
	}
}
