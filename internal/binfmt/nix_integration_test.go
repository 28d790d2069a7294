//go:build integration

package binfmt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/testenv"

	"github.com/nanna-coder/build/internal/platform"
)

// nixBuildProbe builds a derivation for system whose builder is program
// (a probe: it writes its GOARCH to $out) and returns what it wrote.
func nixBuildProbe(t *testing.T, system string, program []byte, options ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(path, program, 0o755); err != nil {
		t.Fatal(err)
	}
	expr := fmt.Sprintf(`derivation { name = "nanna-binfmt-probe"; system = %q; nonce = %q; builder = builtins.path { path = %q; name = "nanna-binfmt-probe-builder"; }; }`,
		system, fmt.Sprint(time.Now().UnixNano()), path)
	args := append([]string{"--extra-experimental-features", "nix-command", "build", "--impure", "--no-link", "--json", "--expr", expr}, options...)
	cmd := exec.Command("nix", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("nix build: %w\n%s", err, stderr.String())
	}
	var res []struct {
		Outputs map[string]string `json:"outputs"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
		return "", fmt.Errorf("nix build --json printed %q: %v", out, err)
	}
	data, err := os.ReadFile(res[0].Outputs["out"])
	return strings.TrimSpace(string(data)), err
}

// TestIntegrationNixBuild builds an aarch64-linux derivation, its builder
// the embedded arm64 probe, after Setup, with and without the sandbox.
func TestIntegrationNixBuild(t *testing.T) {
	_, err := exec.LookPath("nix")
	testenv.Require(t, "Nix", err)
	p := arm64(t)[0]
	probe, err := Probe(p)
	if err != nil {
		t.Fatal(err)
	}
	extra := []string{"--option", "extra-platforms", p.System()}

	k := realKernel(t)
	if entries, _, err := scan(k.procFS); err == nil && len(claiming(entries, p)) == 0 {
		// Nothing on this machine runs arm64 yet: the build must fail.
		_, err := nixBuildProbe(t, p.System(), probe, append(extra, "--option", "sandbox", "false")...)
		if err == nil || !strings.Contains(err.Error(), "Exec format error") {
			t.Errorf("nix build of an %s derivation before Setup = %v, want Exec format error", p.System(), err)
		}
	}
	setupArm64(t)

	for _, sandbox := range []string{"false", "true"} {
		t.Run("sandbox "+sandbox, func(t *testing.T) {
			opts := append(extra, "--option", "sandbox", sandbox)
			if sandbox == "true" {
				host, _ := hostPlatform()
				native, _ := Probe(host)
				if _, err := nixBuildProbe(t, host.System(), native, opts...); err != nil {
					t.Skipf("the Nix sandbox does not work on this machine even for %s: %v", host.System(), firstLine(err))
				}
			}
			start := time.Now()
			got, err := nixBuildProbe(t, p.System(), probe, opts...)
			if err != nil {
				t.Fatalf("building an %s derivation after Setup: %v", p.System(), err)
			}
			if got != p.Architecture {
				t.Errorf("the derivation's output = %q, want %q", got, p.Architecture)
			}
			t.Logf("nix build of an %s derivation with sandbox %s: %s", p.System(), sandbox, time.Since(start).Round(time.Millisecond))
		})
	}

	// Setup reads Nix's configuration, here as given by NIX_CONFIG.
	t.Run("setup checks extra-platforms", func(t *testing.T) {
		k := realKernel(t)
		var log strings.Builder
		o := Options{Log: &log, Name: testPrefix + "%s", sys: k, root: t.TempDir(),
			Getenv: func(string) string { return "" }}
		t.Setenv("NIX_CONFIG", os.Getenv("NIX_CONFIG")+"\nextra-platforms = "+p.System())
		if _, err := Setup(context.Background(), []platform.Platform{p}, o); err != nil {
			t.Fatalf("Setup() = %v\n%s", err, &log)
		}
		if !strings.Contains(log.String(), "Nix: builds "+p.System()) {
			t.Errorf("Setup log lacks the Nix check:\n%s", &log)
		}
		if _, err := Status(context.Background(), []platform.Platform{p}, o); err != nil {
			t.Errorf("Status() after a successful Setup() = %v", err)
		}
	})

	// Without extra-platforms both say the platform is not ready for Nix.
	t.Run("setup and status agree without extra-platforms", func(t *testing.T) {
		k := realKernel(t)
		var log strings.Builder
		o := Options{Log: &log, Name: testPrefix + "%s", sys: k, root: t.TempDir(),
			Getenv: func(string) string { return "" }}
		t.Setenv("NIX_CONFIG", os.Getenv("NIX_CONFIG")+"\nextra-platforms =")
		if _, err := Setup(context.Background(), []platform.Platform{p}, o); !errors.Is(err, ErrNixLacksPlatform) {
			t.Errorf("Setup() = %v, want ErrNixLacksPlatform\n%s", err, &log)
		}
		if _, err := Status(context.Background(), []platform.Platform{p}, o); !errors.Is(err, ErrNotReady) {
			t.Errorf("Status() = %v, want ErrNotReady", err)
		}
	})
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
