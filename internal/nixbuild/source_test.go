package nixbuild

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
)

func TestSourceFilesInGit(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		".gitignore":      "bin/\n*.log\n",
		"flake.nix":       "{ }",
		"nix/a.nix":       "{ }",
		"nix/gone.nix":    "{ }",
		"odd name.nix":    "{ }",
		"sub/flake.nix":   "{ }",
		"sub/nix/b.nix":   "{ }",
		"sub/ignored.log": "",
	})
	testflake.GitInit(t, repo)
	// A submodule's gitlink, checked out as an empty directory.
	testflake.Git(t, repo, "update-index", "--add", "--cacheinfo", "160000,"+testflake.Git(t, repo, "rev-parse", "HEAD")[:40]+",module")
	if err := os.Mkdir(filepath.Join(repo, "module"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, repo, map[string]string{"new.nix": "{ }", "bin/program": "", "build.log": "", "nix/new/c.nix": "{ }"})
	if err := os.Remove(filepath.Join(repo, "nix/gone.nix")); err != nil {
		t.Fatal(err)
	}

	got, err := SourceFiles(context.Background(), repo)
	if err != nil {
		t.Fatalf("SourceFiles() = %v", err)
	}
	want := []string{".gitignore", "flake.nix", "new.nix", "nix/a.nix", "nix/new/c.nix", "odd name.nix", "sub/flake.nix", "sub/nix/b.nix"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SourceFiles(repository) (-want +got):\n%s", diff)
	}

	got, err = SourceFiles(context.Background(), filepath.Join(repo, "sub"))
	if err != nil {
		t.Fatalf("SourceFiles() = %v", err)
	}
	if diff := cmp.Diff([]string{"flake.nix", "nix/b.nix"}, got); diff != "" {
		t.Errorf("SourceFiles(subdirectory) (-want +got):\n%s", diff)
	}
}

func TestSourceFilesOutsideGit(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flake.nix": "{ }", "bin/program": "", "nix/a.nix": "{ }"})
	if err := os.Symlink("a.nix", filepath.Join(dir, "nix/link.nix")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := SourceFiles(context.Background(), dir)
	if err != nil {
		t.Fatalf("SourceFiles() = %v", err)
	}
	if diff := cmp.Diff([]string{"bin/program", "flake.nix", "nix/a.nix", "nix/link.nix"}, got); diff != "" {
		t.Errorf("SourceFiles() (-want +got):\n%s", diff)
	}
}

func TestSourceFilesErrors(t *testing.T) {
	if _, err := SourceFiles(context.Background(), filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("SourceFiles(a missing directory) succeeded")
	}
	// A .git that is not a repository: git fails, and so does SourceFiles.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".git": "not a repository", "flake.nix": "{ }"})
	testflake.IsolateGit(t)
	if got, err := SourceFiles(context.Background(), dir); err == nil {
		t.Errorf("SourceFiles(a broken work tree) = %q, want git's error", got)
	}
}
