package nixbuild

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeNixScript puts an executable named nix running script on PATH.
func fakeNixScript(t *testing.T, script string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nix"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
}

func TestExecRunner(t *testing.T) {
	fakeNixScript(t, `for a in "$@"; do echo "arg=$a"; done; echo "progress" >&2; echo "failed" >&2; exit 3`)
	var log bytes.Buffer
	stdout, stderr, err := execRunner(context.Background(), []string{"build", "a b", "--json"}, &log)
	if err == nil || err.Error() != "exit status 3" {
		t.Errorf("execRunner() error = %v, want exit status 3", err)
	}
	if got, want := string(stdout), "arg=build\narg=a b\narg=--json\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got, want := string(stderr), "progress\nfailed\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if got, want := log.String(), "progress\nfailed\n"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}

func TestExecRunnerNilLog(t *testing.T) {
	fakeNixScript(t, `echo out; echo err >&2`)
	stdout, stderr, err := execRunner(context.Background(), nil, nil)
	if err != nil {
		t.Fatalf("execRunner() = %v", err)
	}
	if string(stdout) != "out\n" || string(stderr) != "err\n" {
		t.Errorf("execRunner() = %q, %q; want \"out\\n\", \"err\\n\"", stdout, stderr)
	}
}

func TestExecRunnerCancel(t *testing.T) {
	fakeNixScript(t, `trap 'echo interrupted >&2; exit 130' INT; echo started >&2; while :; do /bin/sleep 0.1; done`)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	log := writerFunc(func(p []byte) (int, error) {
		if strings.Contains(string(p), "started") {
			close(started)
		}
		return len(p), nil
	})
	done := make(chan error)
	var stderr []byte
	go func() {
		var err error
		_, stderr, err = execRunner(ctx, nil, log)
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; err == nil {
		t.Fatal("execRunner() succeeded after cancel")
	}
	if !strings.Contains(string(stderr), "interrupted") {
		t.Errorf("stderr = %q, want the script's SIGINT handler to have run", stderr)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestNixMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Build(context.Background(), "path:/f#ollamaImage", Options{})
	if !errors.Is(err, ErrNixNotFound) {
		t.Fatalf("Build() = %v, want ErrNixNotFound", err)
	}
	if want := "building path:/f#ollamaImage: nix not found on PATH: install Nix (https://nixos.org/download) or Debian's nix-bin"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Build() = %q, want prefix %q", err, want)
	}
}

func TestStderrTail(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"\n\n", 3, ""},
		{"a\nb\n", 3, "a\nb"},
		{"a\nb\nc\nd\n\n", 3, "b\nc\nd"},
		{"bad \xff byte", 3, "bad ? byte"},
	}
	for _, tt := range tests {
		if got := stderrTail([]byte(tt.in), tt.n); got != tt.want {
			t.Errorf("stderrTail(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
