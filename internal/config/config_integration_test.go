//go:build integration

package config

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// configNix is the repository's configuration file.
const configNix = "../../nix/container-config.nix"

// requireNix skips the test when nix is not on PATH, unless CI=true.
func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("nix not on PATH and CI=true: the integration tests need Nix 2.4 or newer: %v", err)
		}
		t.Skipf("nix not on PATH, skipping (install Nix or Debian's nix-bin to run this test): %v", err)
	}
}

// TestIntegrationDefaultsMatchNix proves that Defaults is the same
// configuration as nix/container-config.nix evaluated by Nix.
func TestIntegrationDefaultsMatchNix(t *testing.T) {
	requireNix(t)
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"empty", nil},
		{"GitHub Actions", map[string]string{
			"CONTAINER_REGISTRY": "ghcr.io",
			"GITHUB_REPOSITORY":  "DominicBurkart/nanna-coder",
			"GITHUB_SHA":         "d5676c6a1b2c3d4e5f60718293a4b5c6d7e8f901",
			"GITHUB_REF_NAME":    "feature/native-loader",
			"VERSION":            "0.3.0",
		}},
		{"local registry, verbose", map[string]string{
			"CONTAINER_REGISTRY":     "localhost:5000",
			"GITHUB_REPOSITORY":      "someone/fork",
			"CONTAINER_LOAD_VERBOSE": "true",
		}},
		{"verbose needs exactly true", map[string]string{"CONTAINER_LOAD_VERBOSE": "TRUE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range Defaults(nil).Env {
				t.Setenv(v, tt.env[v]) // "" is unset for both sides
			}
			data, err := nixbuild.EvalFile(context.Background(), configNix, nixbuild.Options{})
			if err != nil {
				t.Fatalf("EvalFile(%s) = %v", configNix, err)
			}
			got, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", data, err)
			}
			got.Env = fileVars(t)
			if diff := cmp.Diff(Defaults(mapEnv(tt.env)), got); diff != "" {
				t.Errorf("nix eval of %s differs from Defaults (-Defaults +nix):\n%s", configNix, diff)
			}
		})
	}
}

// fileVars returns the variables the configuration file reads.
func fileVars(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(configNix)
	if err != nil {
		t.Fatal(err)
	}
	vars, err := EnvVars(src)
	if err != nil {
		t.Fatalf("EnvVars(%s) = %v", configNix, err)
	}
	return vars
}

// TestIntegrationEnvVarsAreRead proves that Nix's evaluation of the file
// depends on each variable EnvVars lists: setting it changes the JSON.
func TestIntegrationEnvVarsAreRead(t *testing.T) {
	requireNix(t)
	vars := fileVars(t)
	for _, v := range vars {
		t.Setenv(v, "")
	}
	eval := func() string {
		t.Helper()
		data, err := nixbuild.EvalFile(context.Background(), configNix, nixbuild.Options{})
		if err != nil {
			t.Fatalf("EvalFile(%s) = %v", configNix, err)
		}
		return string(data)
	}
	base := eval()
	for _, v := range vars {
		t.Setenv(v, "true") // a value no default has
		if eval() == base {
			t.Errorf("setting %s=true leaves the evaluation of %s unchanged; EnvVars lists a variable the file does not read", v, configNix)
		}
		t.Setenv(v, "")
	}
}

func TestIntegrationLoad(t *testing.T) {
	requireNix(t)
	for _, v := range Defaults(nil).Env {
		t.Setenv(v, "")
	}
	t.Setenv("GITHUB_SHA", "abc123")
	got, err := Load(context.Background(), configNix, nixbuild.FileEvaluator(nixbuild.Options{}), os.Getenv)
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	if diff := cmp.Diff(Defaults(os.Getenv), got); diff != "" {
		t.Errorf("Load() (-want +got):\n%s", diff)
	}
	if got.Tags.FromCommit != "abc123" {
		t.Errorf("Load().Tags.FromCommit = %q, want abc123", got.Tags.FromCommit)
	}
}
