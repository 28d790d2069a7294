package nixbuild

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckRunsFlakeCheck(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flake.nix": "{ outputs = _: { }; }"})
	nix := newFakeNixStore(t)
	report, err := Check(context.Background(), dir, nix.options())
	if err != nil {
		t.Fatalf("Check() = %v", err)
	}
	if diff := cmp.Diff(CheckReport{FlakeCheck: true}, report); diff != "" || report.String() != "nix flake check" {
		t.Errorf("Check() report %s (-want +got):\n%s", report, diff)
	}
	want := []string{"--extra-experimental-features", "nix-command flakes", "flake", "check", "path:" + dir, "--no-write-lock-file", "--print-build-logs"}
	if diff := cmp.Diff(want, nix.calls[len(nix.calls)-1]); diff != "" {
		t.Errorf("nix flake check arguments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"eval --offline", "flake check"}, nix.commands()); diff != "" {
		t.Errorf("nix commands (-want +got):\n%s", diff)
	}
}

func TestCheckFlakeCheckFailure(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flake.nix": "{ outputs = _: { }; }"})
	tests := []struct {
		name     string
		stderr   string
		wantFile string
		wantLine int
		wantHead string
	}{
		{
			name:     "in the flake",
			stderr:   "evaluating flake...\nerror: undefined variable 'pkgs'\n\n       at /nix/store/abc-source/nix/x.nix:4:3:\n",
			wantFile: filepath.Join(dir, "nix/x.nix"), wantLine: 4,
			wantHead: "checking the flake in " + dir + " with nix flake check: nix/x.nix:4: undefined variable 'pkgs'",
		},
		{
			name:     "in an input",
			stderr:   "error: attribute 'foo' missing\n\n       at /nix/store/def-source/lib/default.nix:9:1:\n",
			wantFile: filepath.Join(dir, "flake.nix"), wantLine: 0,
			wantHead: "checking the flake in " + dir + " with nix flake check: attribute 'foo' missing",
		},
		{
			name:     "nowhere",
			stderr:   "error: flake attribute 'packages.x86_64-linux.x' is not a derivation\n",
			wantFile: filepath.Join(dir, "flake.nix"), wantLine: 0,
			wantHead: "checking the flake in " + dir + " with nix flake check: flake attribute 'packages.x86_64-linux.x' is not a derivation",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nix := newFakeNixStore(t)
			nix.checkStderr, nix.sourcePath = tt.stderr, "/nix/store/abc-source"
			report, err := Check(context.Background(), dir, nix.options())
			if !report.FlakeCheck {
				t.Errorf("Check() report = %+v, want FlakeCheck", report)
			}
			var e *EvalError
			if !errors.As(err, &e) {
				t.Fatalf("Check() = %v, want an *EvalError", err)
			}
			if file, line := e.Location(); file != tt.wantFile || line != tt.wantLine {
				t.Errorf("Location() = %s, %d, want %s, %d", file, line, tt.wantFile, tt.wantLine)
			}
			lines := strings.Split(err.Error(), "\n")
			if lines[0] != tt.wantHead {
				t.Errorf("first line = %q, want %q", lines[0], tt.wantHead)
			}
			if strings.Contains(err.Error(), "/nix/store/abc-source/") {
				t.Errorf("error names the store copy of the flake, not its files:\n%v", err)
			}
			if want := "fix it, then check again with: nix flake check path:" + dir; lines[len(lines)-1] != want {
				t.Errorf("last line = %q, want %q", lines[len(lines)-1], want)
			}
		})
	}
}

func TestCheckFallback(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"flake.nix":           "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = _: { }; }",
		"nix/a.nix":           "{ }",
		"nix/bad.nix":         "{ a = 1;\n  b = ;\n}",
		"nix/imports-bad.nix": "import ./bad.nix",
		"nix/throw.nix":       "throw \"boom\"",
		"default.nix":         "import (fetchTarball \"https://example.com/flake-compat.tar.gz\")",
		"README.md":           "not Nix",
	})
	nix := newFakeNixStore(t)
	nix.inputs = `["nixpkgs"]`
	bad := filepath.Join(dir, "nix/bad.nix")
	syntax := "error: syntax error, unexpected ';'\n\n       at " + bad + ":2:7:\n"
	nix.evalErrors[bad] = syntax
	nix.evalErrors[filepath.Join(dir, "nix/imports-bad.nix")] = syntax
	nix.evalErrors[filepath.Join(dir, "nix/throw.nix")] = throwStderr
	nix.evalErrors[filepath.Join(dir, "default.nix")] = "error: access to URI 'https://example.com/flake-compat.tar.gz' is forbidden in restricted mode\n"

	report, err := Check(context.Background(), dir, nix.options())
	want := CheckReport{Files: 6, ParsedOnly: []string{"default.nix"}, Unfetchable: "there is no flake.lock to pin nixpkgs; run nix flake lock with network access and commit flake.lock"}
	if diff := cmp.Diff(want, report); diff != "" {
		t.Errorf("Check() report (-want +got):\n%s", diff)
	}
	if got, want := report.String(), "parsed and evaluated 5 .nix files, parsed default.nix, which needs more than the flake's files (the flake's inputs cannot be fetched: there is no flake.lock to pin nixpkgs; run nix flake lock with network access and commit flake.lock)"; got != want {
		t.Errorf("report.String() = %q, want %q", got, want)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Check() = %v, want errors joined", err)
	}
	type place struct {
		File string
		Line int
	}
	var got []place
	for _, e := range joined.Unwrap() {
		file, line := e.(*EvalError).Location()
		got = append(got, place{file, line})
	}
	if diff := cmp.Diff([]place{{bad, 2}, {filepath.Join(dir, "nix/throw.nix"), 0}}, got); diff != "" {
		t.Errorf("errors located at (-want +got):\n%s", diff)
	}
	evals := 0
	for _, c := range nix.calls {
		if strings.HasPrefix(c[len(c)-1], "builtins.typeOf (import ") {
			evals++
			if diff := cmp.Diff([]string{"eval", "--offline", "--impure", "--option", "restrict-eval", "true", "-I", "flake=" + dir, "--expr"}, c[2:len(c)-1]); diff != "" {
				t.Errorf("file evaluation arguments (-want +got):\n%s", diff)
			}
		}
	}
	if evals != 6 {
		t.Errorf("evaluated %d files, want the 6 .nix files", evals)
	}
}

func TestCheckFallbackStopsWhenNixCannotRun(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.nix": "1", "b.nix": "2", "flake.nix": "{ }"})
	nix := newFakeNixStore(t)
	nix.inputs = `["nixpkgs"]`
	for _, f := range []string{"a.nix", "b.nix", "flake.nix"} {
		nix.evalErrors[filepath.Join(dir, f)] = "error: experimental Nix feature 'nix-command' is disabled; use '--extra-experimental-features nix-command' to override\n"
	}
	_, err := Check(context.Background(), dir, nix.options())
	if !errors.Is(err, ErrFeaturesDisabled) {
		t.Errorf("Check() = %v, want ErrFeaturesDisabled", err)
	}
	if got := len(nix.calls); got != 2 {
		t.Errorf("nix ran %d times, want 2 (the inputs, then one file)", got)
	}
}

func TestCheckWithoutAFlake(t *testing.T) {
	nix := newFakeNixStore(t)
	if _, err := Check(context.Background(), t.TempDir(), nix.options()); !errors.Is(err, fs.ErrNotExist) || len(nix.calls) != 0 {
		t.Errorf("Check(a directory without flake.nix) = %v after %d nix commands, want fs.ErrNotExist and none", err, len(nix.calls))
	}
}

func TestCheckReportString(t *testing.T) {
	for _, tt := range []struct {
		report CheckReport
		want   string
	}{
		{CheckReport{FlakeCheck: true}, "nix flake check"},
		{CheckReport{Files: 1, Unfetchable: "why"}, "parsed and evaluated 1 .nix file (the flake's inputs cannot be fetched: why)"},
		{CheckReport{Files: 3, ParsedOnly: []string{"default.nix", "shell.nix"}, Unfetchable: "why"}, "parsed and evaluated 1 .nix file, parsed default.nix, shell.nix, which need more than the flake's files (the flake's inputs cannot be fetched: why)"},
	} {
		if got := tt.report.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.report, got, tt.want)
		}
	}
}
