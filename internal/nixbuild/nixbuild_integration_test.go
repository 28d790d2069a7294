//go:build integration

package nixbuild

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testFlake is the input-less flake the integration tests build.
const testFlake = "../../testdata/flakes/images"

// requireNix skips the test when nix is not on PATH, unless CI=true, where a
// missing nix is a broken CI machine. It also makes the run hermetic:
// substituters are off (there is nothing to substitute, and without network
// each query costs seconds of retries) and so is the sandbox, because the
// test derivations use the host's /bin/sh. Settings already in NIX_CONFIG
// are kept; later lines win.
func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("nix not on PATH and CI=true: the integration tests need Nix 2.4 or newer: %v", err)
		}
		t.Skipf("nix not on PATH, skipping (install Nix or Debian's nix-bin to run this test): %v", err)
	}
	t.Setenv("NIX_CONFIG", os.Getenv("NIX_CONFIG")+"\nsubstituters =\nsandbox = false\n")
}

func TestIntegrationBuild(t *testing.T) {
	requireNix(t)
	tests := []struct {
		attr string
		json string
	}{
		{"ollamaImage", "ollama.json"},
		{"harnessImage", "harness.json"},
	}
	for _, tt := range tests {
		t.Run(tt.attr, func(t *testing.T) {
			var log bytes.Buffer
			installable := FlakeRef(testFlake, tt.attr)
			res, err := Build(context.Background(), installable, Options{Log: &log})
			if err != nil {
				t.Fatalf("Build(%s) = %v", installable, err)
			}
			if res.Installable != installable {
				t.Errorf("Result.Installable = %q, want %q", res.Installable, installable)
			}
			if !strings.HasPrefix(res.Path, "/nix/store/") || !strings.HasSuffix(res.DrvPath, ".drv") {
				t.Errorf("Build(%s) = %+v, want store paths", installable, res)
			}
			got, err := os.ReadFile(res.Path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(testFlake, tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("built image JSON differs from %s (-want +got):\n%s", tt.json, diff)
			}
		})
	}
}

// TestIntegrationBuildBroken fails a real build: quiet, the error ends with
// the log's tail; with a live log (mage -v), every line appears once, in the
// log, and the error refers to it instead of repeating it.
func TestIntegrationBuildBroken(t *testing.T) {
	requireNix(t)
	installable := FlakeRef(testFlake, "broken")
	_, err := Build(context.Background(), installable, Options{})
	if err == nil {
		t.Fatalf("Build(%s) succeeded, want an error", installable)
	}
	msg := err.Error()
	for _, want := range []string{
		"building " + installable + ": exit status 1\n",
		"broken build log line 40",
		"broken build log line 20",
		"failed with exit code 1",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Build(%s) error does not contain %q:\n%s", installable, want, msg)
		}
	}
	if strings.Contains(msg, "broken build log line 5\n") {
		t.Errorf("Build(%s) error has more than the log's tail:\n%s", installable, msg)
	}

	var log bytes.Buffer
	_, err = Build(context.Background(), installable, Options{Log: &log})
	if err == nil || strings.Contains(err.Error(), "broken build log line") || !strings.Contains(err.Error(), "Nix's log is above") {
		t.Errorf("Build(%s) with a live log = %v, want an error that refers to the log without repeating it", installable, err)
	}
	for _, line := range []string{"broken build log line 1\n", "broken build log line 40\n"} {
		if n := strings.Count(log.String(), line); n != 1 {
			t.Errorf("Options.Log has %q %d times, want once:\n%s", line, n, log.String())
		}
	}
}

func TestIntegrationEvalImageRef(t *testing.T) {
	requireNix(t)
	tests := []struct {
		attr string
		want ImageRef
		err  error
	}{
		{"ollamaImage", ImageRef{Name: "nanna-coder-ollama", Tag: "latest"}, nil},
		{"harnessImage", ImageRef{Name: "nanna-coder-harness", Tag: "latest"}, nil},
		{"notAnImage", ImageRef{}, ErrNotImage},
	}
	for _, tt := range tests {
		t.Run(tt.attr, func(t *testing.T) {
			got, err := EvalImageRef(context.Background(), FlakeRef(testFlake, tt.attr), Options{})
			if !errors.Is(err, tt.err) {
				t.Fatalf("EvalImageRef(%s) error = %v, want %v", tt.attr, err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EvalImageRef(%s) (-want +got):\n%s", tt.attr, diff)
			}
		})
	}
}

func TestIntegrationEvalMissingAttr(t *testing.T) {
	requireNix(t)
	installable := FlakeRef(testFlake, "noSuchImage")
	_, err := EvalImageRef(context.Background(), installable, Options{})
	if err == nil || !strings.Contains(err.Error(), "does not provide attribute") {
		t.Errorf("EvalImageRef(%s) = %v, want nix's missing-attribute message", installable, err)
	}
}

func TestIntegrationEvalFile(t *testing.T) {
	requireNix(t)
	file := filepath.Join(t.TempDir(), "value.nix")
	expr := `{ env = builtins.getEnv "NANNA_EVAL_TEST"; list = [ 1 "two" ]; }`
	if err := os.WriteFile(file, []byte(expr), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NANNA_EVAL_TEST", "from the environment")
	got, err := EvalFile(context.Background(), file, Options{})
	if err != nil {
		t.Fatalf("EvalFile() = %v", err)
	}
	if want := `{"env":"from the environment","list":[1,"two"]}`; string(got) != want {
		t.Errorf("EvalFile() = %s, want %s", got, want)
	}
}

// TestIntegrationParseNixFiles checks that the repository's Nix files parse.
// They need nixpkgs and nix2container, which cannot be fetched offline, so
// parsing is all that can be checked here.
func TestIntegrationParseNixFiles(t *testing.T) {
	requireNix(t)
	files, err := filepath.Glob("../../nix/*.nix")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../flake.nix", filepath.Join(testFlake, "flake.nix"), "../../testdata/flakes/stub/outputs.nix")
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, "../../"), func(t *testing.T) {
			out, err := exec.Command("nix-instantiate", "--parse", f).CombinedOutput()
			if err != nil {
				t.Errorf("nix-instantiate --parse %s: %v\n%s", f, err, out)
			}
		})
	}
}
