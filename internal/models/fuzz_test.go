package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"testing"
)

// FuzzSetHash checks that SetHash never corrupts a file: whatever the
// input, it either fails (and the caller writes nothing) or returns the
// input with exactly one plain string literal replaced by the new hash,
// which CurrentHash then finds, and which replacing back restores the
// input byte for byte. Run it with
//
//	go test -fuzz FuzzSetHash ./internal/models
//
// Plain go test runs the seed corpus.
func FuzzSetHash(f *testing.F) {
	for _, file := range []string{"../../nix/models.nix", "testdata/odd.nix"} {
		src := readFile(f, file)
		for _, key := range []string{"qwen3", "llama3", "mistral", "gemma", "helper", "hash", "nope"} {
			f.Add(src, key)
		}
	}
	f.Add([]byte(`{ b = { hash = "x"; }; }`), "b")
	f.Add([]byte(`{ "b" = rec { hash = ""; }; }`), "b")
	f.Add([]byte(`{ b = { hash = "${x}"; }; }`), "b")
	f.Add([]byte(`{ b = { hash = "x"; }; b = {}; }`), "b")
	f.Add([]byte("{ b = { /* } */ hash = \"x\"; # }\n }; }"), "b")
	f.Add([]byte(`{ b = { d = ''}''${''; hash = "x"; }; }`), "b")
	f.Add([]byte(`{ a = http://x/*; b = { hash = "x"; }; }`), "b")
	f.Fuzz(func(t *testing.T, src []byte, key string) {
		sum := sha256.Sum256(append(bytes.Clone(src), key...))
		hash := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
		orig := bytes.Clone(src)
		out, line, err := SetHash(src, key, hash)
		if !bytes.Equal(src, orig) {
			t.Fatal("SetHash modified its input")
		}
		if err != nil {
			if out != nil {
				t.Fatalf("SetHash failed (%v) but returned output", err)
			}
			return
		}
		s, err := findHash(src, key)
		if err != nil {
			t.Fatalf("SetHash succeeded, findHash failed: %v", err)
		}
		want := append(append(bytes.Clone(src[:s.start]), '"'), hash...)
		want = append(append(want, '"'), src[s.end:]...)
		if !bytes.Equal(out, want) {
			t.Fatalf("SetHash changed more than the string at %d-%d:\nin:  %q\nout: %q", s.start, s.end, src, out)
		}
		if src[s.start] != '"' || src[s.end-1] != '"' || bytes.ContainsAny(src[s.start+1:s.end-1], "\"\\") {
			t.Fatalf("replaced %q, not a plain string literal", src[s.start:s.end])
		}
		if line != lineOf(src, s.start) {
			t.Fatalf("line %d, want %d", line, lineOf(src, s.start))
		}
		got, err := CurrentHash(out, key)
		if err != nil || got != hash {
			t.Fatalf("CurrentHash(out) = %q, %v; want %q", got, err, hash)
		}
		if back := replaceAt(out, mustFind(t, out, key), s.value(src)); !bytes.Equal(back, src) {
			t.Fatalf("replacing back does not restore the input:\n%q\n%q", back, src)
		}
	})
}

func mustFind(t *testing.T, src []byte, key string) site {
	t.Helper()
	s, err := findHash(src, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lineOf is the 1-based line of byte off in src, counted apart from the
// lexer's count.
func lineOf(src []byte, off int) int { return bytes.Count(src[:off], []byte("\n")) + 1 }
