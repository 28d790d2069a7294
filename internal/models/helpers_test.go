package models

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/ollama"
	"github.com/nanna-coder/build/internal/registrytest"
)

// tinyModels is what testdata/tiny.nix evaluates to, hashes aside.
var tinyModels = []Model{
	{Key: "other", Name: "other:1b", Size: "1GB", Description: "Another model, pinned", Homepage: "https://example.invalid/other"},
	{Key: "tiny", Name: "tiny:latest", Size: "300kB", Description: "A tiny test model", Homepage: "https://example.invalid/tiny"},
}

// fakeEval evaluates a models file without Nix: base with each model's
// hash read from the file's text, so that edits show.
func fakeEval(base []Model) nixbuild.Evaluator {
	return func(_ context.Context, file string) ([]byte, error) {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		set := map[string]Model{}
		for _, m := range base {
			if m.Hash, err = CurrentHash(src, m.Key); err != nil {
				return nil, err
			}
			set[m.Key] = m
		}
		return json.Marshal(set)
	}
}

// env is a test's models file, cache and fake registry.
type env struct {
	file  string
	src   []byte
	fake  *registrytest.Fake
	model registrytest.Model
	out   bytes.Buffer
	opts  Options
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{fake: registrytest.NewFake(t), model: registrytest.TinyModel(3, 300_000)}
	e.fake.Add("library/tiny", "latest", e.model)
	dir := t.TempDir()
	e.file = filepath.Join(dir, "models.nix")
	e.src = readFile(t, "testdata/tiny.nix")
	if err := os.WriteFile(e.file, e.src, 0o640); err != nil {
		t.Fatal(err)
	}
	e.opts = Options{
		File: e.file, Registry: e.fake.URL, Cache: filepath.Join(dir, "cache"), Out: &e.out,
		Pull: ollama.PullOptions{RetryDelay: time.Millisecond}, eval: fakeEval(tinyModels),
	}
	return e
}

// unchanged fails the test unless the models file is as it was and no
// temporary file is left next to it.
func (e *env) unchanged(t *testing.T) {
	t.Helper()
	if got := readFile(t, e.file); !bytes.Equal(got, e.src) {
		t.Errorf("%s changed:\n%s", e.file, got)
	}
	entries, _ := os.ReadDir(filepath.Dir(e.file))
	for _, en := range entries {
		if strings.Contains(en.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", en.Name())
		}
	}
}

// treeHash lays the model out as the fixed-output derivation's builder
// does and hashes the directory: the expected pin, computed independently
// of package ollama's file list.
func treeHash(t *testing.T, m registrytest.Model) string {
	t.Helper()
	out := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(out, "models", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("manifests/registry.ollama.ai/library/tiny/latest", m.Manifest)
	for _, b := range m.Blobs() {
		write("blobs/sha256-"+strings.TrimPrefix(b.Digest(), "sha256:"), b.Data)
	}
	h, err := narhash.Path(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	return h.SRI()
}

// oneLine fails unless err is a single-line error containing want.
func oneLine(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("%s = %v, want a one-line error containing %q", what, err, want)
	}
}

// model2 is a different tiny model, as if the tag had been re-pushed.
func (e *env) model2() registrytest.Model { return registrytest.TinyModel(4, 200_000) }
