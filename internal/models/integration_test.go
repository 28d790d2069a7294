//go:build integration

package models

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/ollama"
	"github.com/nanna-coder/build/internal/registrytest"
	"github.com/nanna-coder/build/internal/testenv"
)

// requireNix skips without Nix (fails under CI=true) and makes the run
// hermetic: no substituters, no sandbox (the test flake's builder is the
// host's /bin/sh with /usr/bin/curl).
func requireNix(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"nix", "nix-hash", "nix-store"} {
		_, err := exec.LookPath(tool)
		testenv.Require(t, "Nix ("+tool+")", err)
	}
	t.Setenv("NIX_CONFIG", os.Getenv("NIX_CONFIG")+"\nexperimental-features = nix-command flakes\nsubstituters =\nsandbox = false\n")
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// TestIntegrationHashMatchesNix: models:hash prints what nix hash path and
// nix-hash --type sha256 --base32 print, on several trees.
func TestIntegrationHashMatchesNix(t *testing.T) {
	requireNix(t)
	gen := t.TempDir()
	os.MkdirAll(filepath.Join(gen, "models/blobs"), 0o755)
	os.WriteFile(filepath.Join(gen, "models/blobs/sha256-x"), bytes.Repeat([]byte("weights"), 200_000), 0o644)
	os.WriteFile(filepath.Join(gen, "run"), []byte("#!/bin/sh\n"), 0o755)
	os.Symlink("models/blobs", filepath.Join(gen, "link"))
	for _, p := range []string{"../../nix", "testdata", "../narhash", gen, filepath.Join(gen, "run"), filepath.Join(gen, "link")} {
		var out bytes.Buffer
		if _, err := HashPath(context.Background(), p, Options{Out: &out}); err != nil {
			t.Fatal(err)
		}
		want := run(t, "nix", "hash", "path", p) + "\n" + run(t, "nix-hash", "--type", "sha256", "--base32", p) + "\n"
		if out.String() != want {
			t.Errorf("HashPath(%s) printed\n%s\nnix printed\n%s", p, out.String(), want)
		}
	}
}

// TestIntegrationPinAndBuild publishes a tiny model to a real registry on
// 127.0.0.1, pins it into a copy of a models file with real Nix
// evaluation, and builds a fixed-output derivation that fetches the model
// with curl: it must build with the pinned hash, and fail with Nix's hash
// mismatch once one byte of a blob changes in the registry.
func TestIntegrationPinAndBuild(t *testing.T) {
	requireNix(t)
	_, err := exec.LookPath("curl")
	testenv.Require(t, "curl", err)
	reg := registrytest.Start(t)
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	model := registrytest.TinyModel(seed, 400_000)
	if err := reg.Push(ctx, "library/tiny", "latest", model); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "models.nix")
	src := readFile(t, "testdata/tiny.nix")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts := Options{File: file, Registry: reg.URL, Cache: filepath.Join(dir, "out", TreeDir), Out: &out, Log: &out}

	// Bad inputs first: nothing may change.
	_, err = Pin(ctx, "nope", opts)
	oneLine(t, "Pin(unknown)", err, `unknown model "nope": `+file+" has other, tiny")
	_, err = Pin(ctx, "other", opts)
	oneLine(t, "Pin(tag not in the registry)", err, "fetching manifest of other:1b from "+reg.URL+": not found (HTTP 404)")
	if got := readFile(t, file); !bytes.Equal(got, src) {
		t.Fatalf("failed pins changed the file:\n%s", got)
	}

	res, err := Pin(ctx, "tiny", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pin output:\n%s", out.String())
	if want := treeHash(t, model); res.New != want || !res.Written {
		t.Fatalf("Pin = %+v, want %s written", res, want)
	}
	if got, want := readFile(t, file), bytes.Replace(src, []byte(Placeholder), []byte(res.New), 1); !bytes.Equal(got, want) {
		t.Fatalf("pinned file:\n%s\nwant:\n%s", got, want)
	}
	models, err := Read(ctx, file, opts.evaluator())
	if err != nil || models[1].Hash != res.New || models[0].Hash != "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=" {
		t.Fatalf("nix eval of the pinned file = %+v, %v", models, err)
	}
	if err := Verify(ctx, "tiny", opts); err != nil {
		t.Fatal(err)
	}

	// The cache is an Ollama models directory holding only this model, so
	// nix hash path of a directory with it as models/ gives the pin too.
	if got := run(t, "nix", "hash", "path", filepath.Dir(opts.Cache)); got != res.New {
		t.Errorf("nix hash path of the cache's parent = %s, want %s", got, res.New)
	}

	flake := filepath.Join(dir, "flake")
	os.MkdirAll(flake, 0o755)
	for name, data := range map[string][]byte{
		"flake.nix":  readFile(t, "../../testdata/flakes/modelfod/flake.nix"),
		"models.nix": readFile(t, file),
	} {
		os.WriteFile(filepath.Join(flake, name), data, 0o644)
	}
	build := func(nonce string) (nixbuild.Result, error) {
		params, _ := json.Marshal(map[string]string{"registry": reg.URL, "key": "tiny", "nonce": nonce})
		os.WriteFile(filepath.Join(flake, "params.json"), params, 0o644)
		r, err := nixbuild.Build(ctx, nixbuild.FlakeRef(flake, "model"), nixbuild.Options{})
		if err == nil {
			t.Cleanup(func() { exec.Command("nix", "store", "delete", r.Path).Run() })
		}
		return r, err
	}

	built, err := build(fmt.Sprintf("ok-%x", seed))
	if err != nil {
		t.Fatalf("building the fixed-output derivation with the pinned hash: %v", err)
	}
	if got := run(t, "nix", "hash", "path", built.Path); got != res.New {
		t.Errorf("nix hash path %s = %s, want %s", built.Path, got, res.New)
	}
	manifest := filepath.Join(built.Path, "models/manifests/registry.ollama.ai/library/tiny/latest")
	if got := readFile(t, manifest); !bytes.Equal(got, model.Manifest) {
		t.Errorf("built manifest differs from the registry's bytes")
	}

	weights := model.Layers[0].Digest()
	if err := reg.FlipByte(weights); err != nil {
		t.Fatal(err)
	}
	_, err = build(fmt.Sprintf("flipped-%x", seed))
	if err == nil {
		t.Fatal("the fixed-output derivation built although a blob changed")
	}
	t.Logf("build with a flipped byte: %v", err)
	got := regexp.MustCompile(`got:\s+(sha256-\S+)`).FindStringSubmatch(err.Error())
	if !strings.Contains(err.Error(), "hash mismatch in fixed-output derivation") || !strings.Contains(err.Error(), "specified: "+res.New) || got == nil || got[1] == res.New {
		t.Errorf("build with a changed blob failed with\n%v\nwant Nix's hash mismatch with specified: %s", err, res.New)
	}

	// models:verify notices too, and says what to do; the blob is
	// rejected and the file stays as pinned.
	os.RemoveAll(opts.Cache)
	pinned := readFile(t, file)
	err = Verify(ctx, "tiny", opts)
	var de *ollama.DigestError
	if !strings.Contains(fmt.Sprint(err), "do not match the digest") || !errorsAs(err, &de) {
		t.Errorf("Verify after the flip = %v, want a digest mismatch", err)
	}
	if !bytes.Equal(readFile(t, file), pinned) {
		t.Error("Verify changed the file")
	}
}

func errorsAs(err error, target **ollama.DigestError) bool {
	for err != nil {
		if de, ok := err.(*ollama.DigestError); ok {
			*target = de
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}
