package nixbuild

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sourceNix fails nix build with stderr and answers nix flake metadata
// with the store copy src.
type sourceNix struct {
	stderr, src string
	exit        error
	calls       int
}

func (f *sourceNix) run(_ context.Context, args []string, _ io.Writer) ([]byte, []byte, error) {
	f.calls++
	if len(args) > 0 && strings.Contains(strings.Join(args, " "), "flake metadata") {
		if f.src == "" { // flake.nix itself does not parse
			return nil, []byte(f.stderr), f.exit
		}
		return []byte(`{"path":"` + f.src + `"}`), nil, nil
	}
	return nil, []byte(f.stderr), f.exit
}

func TestBuildErrorPointsIntoTheCheckout(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "nix"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"nix/new.nix", "flake.nix"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{ }"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const src = "/nix/store/0n5v5yqqh7rwk5zq3jbi1p6yr7p2y0i1-source"
	tests := []struct {
		name, stderr string
		guess        bool // nix flake metadata fails too
		file         string
		line         int
		want, not    []string
	}{
		{"syntax error, no metadata", "warning: Git tree '" + dir + "' is dirty\nerror: syntax error, unexpected ID\n\n       at " + src + "/flake.nix:42:22:\n", true,
			filepath.Join(dir, "flake.nix"), 42, []string{"flake.nix:42: syntax error"}, []string{src}},
		{"syntax error", "warning: Git tree '" + dir + "' is dirty\nerror: syntax error, unexpected ID\n\n       at " + src + "/flake.nix:42:22:\n\n           41|\n           42|   oops here\n", false,
			filepath.Join(dir, "flake.nix"), 42,
			[]string{"building " + dir + "#harnessImage: flake.nix:42: syntax error, unexpected ID", "at " + dir + "/flake.nix:42:22"}, []string{"is dirty", src, "exit status"}},
		{"untracked import", "error: getting status of '" + src + "/nix/new.nix': No such file or directory\n\n       at " + src + "/flake.nix:7:5:\n", false,
			filepath.Join(dir, "flake.nix"), 7,
			[]string{"flake.nix:7: getting status of '" + dir + "/nix/new.nix'", "nix/new.nix is not tracked by Git", "git add it"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &sourceNix{stderr: tt.stderr, src: src, exit: exitErr(t, 1)}
			if tt.guess {
				f.src = ""
			}
			_, err := Build(context.Background(), dir+"#harnessImage", Options{}.withRunner(f.run))
			var ee *EvalError
			if !errors.As(err, &ee) {
				t.Fatalf("Build() = %v, want an error with a place", err)
			}
			if file, line := ee.Location(); file != tt.file || line != tt.line {
				t.Errorf("Location() = %s:%d, want %s:%d", file, line, tt.file, tt.line)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("error has %q:\n%s", n, err)
				}
			}
		})
	}
}

func TestBuildErrorOfABuilderKeepsTheLog(t *testing.T) {
	f := &sourceNix{stderr: "hello> step 1\nerror: builder for '/nix/store/x.drv' failed with exit code 1\n", src: "/nix/store/y-source", exit: exitErr(t, 1)}
	_, err := Build(context.Background(), "/src#harnessImage", Options{}.withRunner(f.run))
	var ee *EvalError
	if errors.As(err, &ee) || !strings.Contains(err.Error(), "hello> step 1") {
		t.Errorf("Build() = %v, want the log's tail and no place", err)
	}
}
