package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	digest "github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/fixturetree"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/testenv"
)

// InstalledPath is a store path of the fixtures; it exists once
// shared/fixtures/nix2container/install.sh has put them into /nix/store.
const InstalledPath = "/nix/store/b38m0372s0mrl0lp3xrna2nhs5bphw1i-shared-app"

// RequireInstalled skips (or, under CI, fails) the test unless the fixtures
// are in the real /nix/store.
func RequireInstalled(t testing.TB) {
	t.Helper()
	_, err := os.Stat(InstalledPath)
	testenv.Require(t, "the nix2container fixtures in /nix/store (shared/fixtures/nix2container/install.sh)", err)
}

// Dir is the fixtures' directory: internal/nix2container/testdata.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "nix2container", "testdata")
}

// Cases lists the fixture case names (basic, edge, layered, nonrepro,
// perms).
func Cases(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(Dir(), "cases"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Expected mirrors a case's expected.json.
type Expected struct {
	ConfigDigest digest.Digest `json:"config_digest"`
	ConfigSize   int64         `json:"config_size"`
	Layers       []struct {
		Digest digest.Digest `json:"digest"`
		DiffID digest.Digest `json:"diff_id"`
		Size   int64         `json:"size"`
	} `json:"layers"`
}

// JSON returns the path of a case's image.json.
func JSON(name string) string {
	return filepath.Join(Dir(), "cases", name, "image.json")
}

// Case reads a case's image JSON and expectations.
func Case(t testing.TB, name string) (*nix2container.Image, Expected) {
	t.Helper()
	img, err := nix2container.ReadFile(JSON(name))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(Dir(), "cases", name, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want Expected
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("reading expected.json of %s: %v", name, err)
	}
	return img, want
}

// Root extracts the fixtures' store paths into a temporary directory laid
// out as <root>/nix/store/<hash>-<name>, with the modes Nix gives store
// files, and returns the nix2container store that reads it.
func Root(t testing.TB) nix2container.Store {
	t.Helper()
	return nix2container.Store{Root: fixturetree.Extract(t, Dir())}
}

// OlderRules returns a copy of img as the nix2container that used rules
// would have written it: every layer tarred from store paths gets the
// digest, diff_id and size those rules give. Its config digest changes
// with the diff_ids.
func OlderRules(t testing.TB, img *nix2container.Image, store nix2container.Store, rules nix2container.Rules) *nix2container.Image {
	t.Helper()
	out := *img
	out.Layers = append([]nix2container.Layer(nil), img.Layers...)
	store.Rules = rules
	for i, l := range out.Layers {
		if l.LayerPath != "" {
			continue
		}
		nl, err := nix2container.NewLayer(context.Background(), l.Paths, store)
		if err != nil {
			t.Fatal(err)
		}
		out.Layers[i].Digest, out.Layers[i].DiffID, out.Layers[i].Size = nl.Digest, nl.DiffID, nl.Size
	}
	return &out
}

// Tamper replaces the file rel of store path sp (/nix/store/…) under
// src.Root with content, as a damaged or changed store would.
func Tamper(t testing.TB, src nix2container.Store, sp, rel, content string) {
	t.Helper()
	p := filepath.Join(src.Root, sp, filepath.FromSlash(rel))
	dir := filepath.Dir(p)
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}
