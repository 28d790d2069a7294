package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"flake.nix": "{}", "nix/a.nix": "a", "nix/sub/b.nix": "b"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.nix", filepath.Join(dir, "nix/link")); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside.txt")
	if err := os.WriteFile(outside, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{dir: dir, lookupEnv: func(n string) (string, bool) { return "", n == "EMPTY" }, digests: map[string]string{}}
	if err := in.Files("flake.nix", filepath.Join(dir, "nix/a.nix"), outside); err != nil {
		t.Fatal(err)
	}
	if err := in.Dir("nix"); err != nil {
		t.Fatal(err)
	}
	in.Env("EMPTY", "UNSET")
	in.String("system", "x86_64-linux")
	var names []string
	for n := range in.digests {
		names = append(names, n)
	}
	want := []string{
		"env EMPTY", "env UNSET",
		"file " + filepath.ToSlash(outside), "file flake.nix", "file nix/a.nix", "file nix/link", "file nix/sub/b.nix",
		"string system",
	}
	slices.Sort(names)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	if in.digests["env EMPTY"] == in.digests["env UNSET"] {
		t.Error("an empty variable and an unset one have the same digest")
	}
	if in.digests["file nix/a.nix"] == in.digests["file nix/link"] {
		t.Error("a symbolic link has the digest of its target's contents")
	}
}

func TestInputsErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "nix"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		declare func(in *Inputs) error
		want    string
	}{
		{"missing file", func(in *Inputs) error { return in.Files("flake.lock") }, "reading input flake.lock: stat "},
		{"directory as a file", func(in *Inputs) error { return in.Files("nix") }, "reading input nix: it is a directory (declare it with Dir)"},
		{"missing directory", func(in *Inputs) error { return in.Dir("gone") }, "reading input directory gone: lstat "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Inputs{dir: dir, digests: map[string]string{}}
			if err := tt.declare(in); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q…", err, tt.want)
			}
		})
	}
}
