package pipeline

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// sourceDigests returns the digests Listed adds for the files of the
// flake in dir that nixbuild.FlakeFiles lists, named from root.
func sourceDigests(t *testing.T, root, dir string) map[string]string {
	t.Helper()
	return listedDigests(t, root, dir, false)
}

func listedDigests(t *testing.T, root, dir string, pathFlake bool) map[string]string {
	t.Helper()
	in := &Inputs{dir: root, digests: map[string]string{}}
	abs := dir
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(root, dir)
	}
	names, err := nixbuild.FlakeFiles(context.Background(), abs, pathFlake)
	if err != nil {
		t.Fatalf("FlakeFiles(%s) = %v", dir, err)
	}
	if err := in.Listed(dir, names); err != nil {
		t.Fatalf("Listed(%s) = %v", dir, err)
	}
	return in.digests
}

func TestSourceInGit(t *testing.T) {
	repo := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".gitignore", "/bin/\n")
	write("flake.nix", "{ outputs = _: { }; }")
	write("nix/a.nix", "a")
	write("nix/b.nix", "b")
	testflake.GitInit(t, repo)
	base := sourceDigests(t, repo, ".")
	if diff := cmp.Diff([]string{"file .gitignore", "file flake.nix", "file nix/a.nix", "file nix/b.nix"}, slices.Sorted(maps.Keys(base))); diff != "" {
		t.Fatalf("inputs of the committed tree (-want +got):\n%s", diff)
	}

	tests := []struct {
		name    string
		change  func()
		changed []string // inputs whose digest differs, appeared or went
	}{
		{"ignored file", func() { write("bin/program", "x") }, nil},
		{"edit", func() { write("nix/a.nix", "a2") }, []string{"file nix/a.nix"}},
		{"executable bit", func() { chmod(t, filepath.Join(repo, "nix/a.nix"), 0o755) }, []string{"file nix/a.nix"}},
		{"rename", func() { testflake.Git(t, repo, "mv", "nix/b.nix", "nix/c.nix") }, []string{"file nix/b.nix", "file nix/c.nix"}},
		{"untracked file", func() { write("new.nix", "n") }, []string{"file new.nix"}},
		{"deleted tracked file", func() { remove(t, filepath.Join(repo, "nix/a.nix")) }, []string{"file nix/a.nix"}},
	}
	prev := base
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change()
			got := sourceDigests(t, repo, ".")
			if diff := cmp.Diff(tt.changed, changedInputs(prev, got)); diff != "" {
				t.Errorf("inputs changed by the %s (-want +got):\n%s", tt.name, diff)
			}
			prev = got
		})
	}
}

func TestSourceOfASubdirectory(t *testing.T) {
	repo := t.TempDir()
	for name, content := range map[string]string{"flake.nix": "{ }", "demo/flake.nix": "{ }", "demo/bin/x": "x"} {
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := sourceDigests(t, repo, "demo")
	if diff := cmp.Diff([]string{"file demo/bin/x", "file demo/flake.nix"}, slices.Sorted(maps.Keys(outside))); diff != "" {
		t.Errorf("inputs outside Git (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("bin/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testflake.GitInit(t, repo)
	inGit := sourceDigests(t, repo, filepath.Join(repo, "demo"))
	// Nix copies the whole repository for a flake in a subdirectory.
	if diff := cmp.Diff([]string{"file .gitignore", "file demo/flake.nix", "file flake.nix"}, slices.Sorted(maps.Keys(inGit))); diff != "" {
		t.Errorf("inputs in Git (-want +got):\n%s", diff)
	}
	// Given as path:, the flake is its directory, ignored files included.
	asPath := listedDigests(t, repo, "demo", true)
	if diff := cmp.Diff([]string{"file demo/bin/x", "file demo/flake.nix"}, slices.Sorted(maps.Keys(asPath))); diff != "" {
		t.Errorf("inputs of a path: flake (-want +got):\n%s", diff)
	}
	if outside["file demo/flake.nix"] != inGit["file demo/flake.nix"] {
		t.Error("a file has a different digest in Git and outside")
	}
}

func TestSourceErrors(t *testing.T) {
	if _, err := nixbuild.FlakeFiles(context.Background(), filepath.Join(t.TempDir(), "missing"), false); err == nil {
		t.Error("FlakeFiles(a missing directory) succeeded")
	}
}

// changedInputs lists the inputs that differ between two digest sets.
func changedInputs(a, b map[string]string) []string {
	var out []string
	for name := range maps.Keys(a) {
		if d, ok := b[name]; !ok || d != a[name] {
			out = append(out, name)
		}
	}
	for name := range maps.Keys(b) {
		if _, ok := a[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}
