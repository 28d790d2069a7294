package narhash

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// entry is one node of a test tree.
type entry struct {
	path   string // slash-separated; "" is the top level itself
	kind   byte   // 'f' file, 'd' directory, 'l' symlink
	data   string // file contents or symlink target
	mode   os.FileMode
	random int // with kind 'f' and no data: that many deterministic bytes
}

// vector is a tree whose NAR hash was computed once with nix hash path and
// nix-hash --type sha256 --base32 (Nix 2.8) and is stored in
// testdata/vectors.json. The integration test recomputes them with Nix;
// run it with -update to rewrite the file.
type vector struct {
	name    string
	entries []entry
}

func file(path, data string) entry { return entry{path: path, kind: 'f', data: data, mode: 0o644} }

func vectors() []vector {
	return []vector{
		{"empty-file", []entry{file("", "")}},
		{"eight-bytes", []entry{file("", "12345678")}},
		{"seven-bytes", []entry{file("", "1234567")}},
		{"nine-bytes", []entry{file("", "123456789")}},
		{"executable", []entry{{kind: 'f', data: "#!/bin/sh\necho hi\n", mode: 0o755}}},
		{"owner-executable-only", []entry{{kind: 'f', data: "x", mode: 0o744}}},
		{"group-executable-only", []entry{{kind: 'f', data: "x", mode: 0o654}}},
		{"read-only", []entry{{kind: 'f', data: "x", mode: 0o444}}},
		{"symlink", []entry{{kind: 'l', data: "some/where/else"}}},
		{"empty-dir", []entry{{kind: 'd'}}},
		{"doc-hello", []entry{{kind: 'd'}, file("world", "hello\n")}},
		{"nested", []entry{
			{kind: 'd'},
			file("a/b/c/d/file", "deep\n"),
			{path: "a/empty", kind: 'd'},
			file("a/x", "x"),
			{path: "a/run.sh", kind: 'f', data: "#!/bin/sh\n", mode: 0o755},
			{path: "link-up", kind: 'l', data: "a/b"},
			{path: "a/b/abs", kind: 'l', data: "/nix/store/dangling"},
			{path: "a/b/dir-link", kind: 'l', data: ".."},
			file("z", ""),
		}},
		{"sort-order", []entry{
			{kind: 'd'},
			file("B", "B"), file("b", "b"), file("Z", "Z"), file("_", "_"),
			file("a.b", "a.b"), file("a-b", "a-b"), file("a~", "a~"), file("A", "A"),
			file("aa", "aa"), file("a0", "a0"), file(".hidden", "h"), file("..dots", "d"),
			file("a-b.d/x", "in a-b.d"), file("a/x", "in a"), file("a b", "space"),
		}},
		{"non-ascii", []entry{
			{kind: 'd'},
			file("é", "e acute"), file("e", "e"), file("z", "z"), file("日本語", "ja"),
			file("Ä", "A umlaut"), file("ß", "sharp s"), file("emoji 😀", "smile"),
			file("ü/ö", "nested"), file("Zürich", "city"),
		}},
		{"sizes", []entry{
			{kind: 'd'},
			file("0", ""), file("1", "1"), file("15", "123456789012345"), file("16", "1234567890123456"),
			file("17", "12345678901234567"),
			{path: "random-100k", kind: 'f', random: 100_003, mode: 0o644},
			{path: "random-1m", kind: 'f', random: 1<<20 + 5, mode: 0o644},
		}},
		{"model-layout", []entry{
			{kind: 'd'},
			file("models/blobs/sha256-0b4f7a1f0f4e3d1f7b1fb0bd5c09c4a36d4c5e0a3b1d1e8e7b8f0f1c2d3e4f50", "weights"),
			file("models/blobs/sha256-9b4f7a1f0f4e3d1f7b1fb0bd5c09c4a36d4c5e0a3b1d1e8e7b8f0f1c2d3e4f50", "{}"),
			file("models/manifests/registry.ollama.ai/library/tiny/latest", `{"schemaVersion":2}`),
		}},
		deep(),
	}
}

// deepLevels is how deep the tree of the "deep" vector is.
const deepLevels = 40

// deep is a tree deepLevels directories deep, each holding two files that
// sort before its subdirectory and eight after it: files a walk may open
// ahead while it descends.
func deep() vector {
	es := []entry{{kind: 'd'}}
	dir := ""
	for level := range deepLevels {
		for _, name := range []string{"a", "b", "s", "t", "u", "v", "w", "x", "y", "z"} {
			es = append(es, file(dir+name, fmt.Sprintf("%s at level %d\n", name, level)))
		}
		dir += "d/"
	}
	return vector{"deep", append(es, file(dir+"bottom", "the bottom\n"))}
}

// build creates the vector's tree at dir/v.name and returns that path.
func (v vector) build(t testing.TB, dir string) string {
	t.Helper()
	top := filepath.Join(dir, v.name)
	for _, e := range v.entries {
		p := top
		if e.path != "" {
			p = filepath.Join(top, filepath.FromSlash(e.path))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		switch e.kind {
		case 'd':
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case 'l':
			if err := os.Symlink(e.data, p); err != nil {
				t.Fatal(err)
			}
		case 'f':
			data := []byte(e.data)
			if e.random > 0 {
				data = make([]byte, e.random)
				rng := rand.NewChaCha8([32]byte{byte(e.random), byte(e.random >> 8), byte(e.random >> 16)})
				_, _ = rng.Read(data)
			}
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, e.mode); err != nil { // not subject to the umask
				t.Fatal(err)
			}
		}
	}
	return top
}

// want is one stored result.
type want struct {
	SRI     string `json:"sri"`
	Base32  string `json:"base32"`
	NARSize int64  `json:"narSize"`
}

const vectorsFile = "testdata/vectors.json"

func readVectors(t testing.TB) map[string]want {
	t.Helper()
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var w map[string]want
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w
}
