//go:build integration

package nixbuild

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
)

// noNetwork points Nix's substituter at a listener on 127.0.0.1 and
// returns the count of connections it gets, and its address: a command
// that stays offline makes none.
func noNetwork(t *testing.T) (*atomic.Int32, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	t.Setenv("NIX_CONFIG", os.Getenv("NIX_CONFIG")+"\nsubstituters = http://"+l.Addr().String()+"\n")
	return &conns, l.Addr().String()
}

func TestIntegrationCheckInputlessFlake(t *testing.T) {
	requireNix(t)
	dir := testflake.Copy(t, "project")
	report, err := Check(context.Background(), dir, Options{})
	if err != nil || !report.FlakeCheck {
		t.Fatalf("Check(project) = %s, %v, want nix flake check to pass", report, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "flake.lock")); err == nil {
		t.Error("Check wrote flake.lock")
	}
}

func TestIntegrationCheckLocatesErrors(t *testing.T) {
	requireNix(t)
	tests := []struct {
		name, file, old, new string
		flakeCheck           bool
		wantLine             int
		wantMsg              string
	}{
		// Evaluating the outputs finds a missing attribute, in flake.nix
		// or in a file it imports.
		{"flake.nix", "flake.nix", "default = harnessImage;", "default = harnessImage.nope;", true, 45, "attribute 'nope' missing"},
		{"imported file", "nix/container-config.nix", `harness = "nanna-coder-harness";`, `harness = builtins.head [ ];`, true, 36, "list index 0 is out of bounds"},
		// An unbound variable keeps flake.nix from being read at all, so
		// its inputs are unknown and each file is checked on its own.
		{"unbound variable", "flake.nix", "default = harnessImage;", "default = harnesImage;", false, 45, "undefined variable 'harnesImage'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testflake.Copy(t, "project")
			replaceIn(t, filepath.Join(dir, tt.file), tt.old, tt.new)
			report, err := Check(context.Background(), dir, Options{})
			var e *EvalError
			if report.FlakeCheck != tt.flakeCheck || !errors.As(err, &e) {
				t.Fatalf("Check() = %s, %v, want FlakeCheck %t and an *EvalError", report, err, tt.flakeCheck)
			}
			if file, line := e.Location(); file != filepath.Join(dir, tt.file) || line != tt.wantLine {
				t.Errorf("Location() = %s, %d, want %s, %d\n%v", file, line, filepath.Join(dir, tt.file), tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || strings.Contains(err.Error(), "-source/") {
				t.Errorf("Check() = %v, want Nix's message %q about the files in %s", err, tt.wantMsg, dir)
			}
		})
	}
}

func TestIntegrationCheckFallback(t *testing.T) {
	requireNix(t)
	const flake = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs }: { };
}
`
	const lock = `{"nodes":{"nixpkgs":{"locked":{"lastModified":1700000000,"narHash":"` + zeroHash + `","owner":"NixOS","repo":"nixpkgs","rev":"0000000000000000000000000000000000000000","type":"github"},"original":{"owner":"NixOS","ref":"nixos-unstable","repo":"nixpkgs","type":"github"}},"root":{"inputs":{"nixpkgs":"nixpkgs"}}},"root":"root","version":7}`
	tests := []struct {
		name  string
		files map[string]string
		why   string
	}{
		{"no flake.lock", map[string]string{"flake.nix": flake}, "there is no flake.lock to pin nixpkgs; "},
		{"inputs not in the store", map[string]string{"flake.nix": flake, "flake.lock": lock}, "nixpkgs is not in the Nix store; "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conns, addr := noNetwork(t)
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			writeFiles(t, dir, map[string]string{
				"nix/good.nix":    "{ pkgs }: pkgs.hello",
				"nix/bad.nix":     "{ a = 1;\n  b = ;\n}\n",
				"nix/undef.nix":   "let\n  x = 1;\nin\n  y\n",
				"nix/imports.nix": "import ./bad.nix",
				"nix/fetch.nix":   `import (builtins.fetchTarball "http://` + addr + `/nixpkgs.tar.gz")`,
				"nix/outside.nix": "builtins.readFile /etc/hostname",
				"shell.nix":       "with import <nixpkgs> { }; mkShell { }",
				"README.md":       "not Nix",
			})
			t.Setenv("NIX_PATH", "")
			report, err := Check(context.Background(), dir, Options{})
			if report.FlakeCheck || report.Files != 8 || !strings.HasPrefix(report.Unfetchable, tt.why) {
				t.Errorf("Check() report = %+v, want 8 files checked because %q…", report, tt.why)
			}
			if diff := cmp.Diff([]string{"nix/fetch.nix", "nix/outside.nix", "shell.nix"}, report.ParsedOnly); diff != "" {
				t.Errorf("files only parsed (-want +got):\n%s", diff)
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("Check() = %v, want joined errors", err)
			}
			want := map[string]int{"nix/bad.nix": 2, "nix/undef.nix": 4}
			got := map[string]int{}
			for _, e := range joined.Unwrap() {
				file, line := e.(*EvalError).Location()
				got[relTo(dir, file)] = line
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors located at (-want +got):\n%s\n%v", diff, err)
			}
			if n := conns.Load(); n != 0 {
				t.Errorf("Check made %d connections to the substituter, want none", n)
			}
		})
	}
}

func TestIntegrationCheckLockedInputsInTheStore(t *testing.T) {
	requireNix(t)
	dep, dir := t.TempDir(), t.TempDir()
	writeFiles(t, dep, map[string]string{"flake.nix": "{ outputs = { self }: { value = 42; }; }"})
	writeFiles(t, dir, map[string]string{"flake.nix": `{
  inputs.dep.url = "path:` + dep + `";
  outputs = { self, dep }: { checks = { }; value = dep.value; };
}
`})
	if out, err := exec.Command("nix", "--extra-experimental-features", "nix-command flakes", "flake", "lock", "path:"+dir).CombinedOutput(); err != nil {
		t.Fatalf("nix flake lock: %v\n%s", err, out)
	}
	conns, _ := noNetwork(t)
	why, err := unfetchable(context.Background(), dir, Options{})
	if err != nil || why != "" {
		t.Fatalf("unfetchable() = %q, %v, want the input at hand", why, err)
	}
	report, err := Check(context.Background(), dir, Options{})
	if err != nil || !report.FlakeCheck {
		t.Errorf("Check() = %s, %v, want nix flake check to pass", report, err)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("Check made %d connections to the substituter, want none", n)
	}
}

func TestIntegrationVersionSystemValid(t *testing.T) {
	requireNix(t)
	ctx := context.Background()
	if v, err := Version(ctx, Options{}); err != nil || !strings.HasPrefix(v, "nix (") {
		t.Errorf("Version() = %q, %v", v, err)
	}
	if s, err := System(ctx, Options{}); err != nil || s != testflake.System() {
		t.Errorf("System() = %q, %v, want %s", s, err, testflake.System())
	}
	res, err := Build(ctx, FlakeRef(testFlake, "ollamaImage"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	conns, _ := noNetwork(t)
	if err := Valid(ctx, res.Path, Options{}); err != nil {
		t.Errorf("Valid(%s) = %v", res.Path, err)
	}
	if err := Valid(ctx, zeroSource, Options{}); !errors.Is(err, ErrGone) {
		t.Errorf("Valid(%s) = %v, want ErrGone", zeroSource, err)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("Valid made %d connections to the substituter, want none", n)
	}
}

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
