package doctor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/engine"
	"github.com/nanna-coder/build/internal/load"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// Standard returns the checks for the repository at root: Go, Nix and
// flakes, the configuration, the flake, and the Docker daemon.
func Standard(root string, getenv func(string) string) []Check {
	return []Check{
		{"go", checkGo},
		{"nix", checkNix},
		{"configuration", func(ctx context.Context) Finding { return checkConfig(ctx, root, getenv) }},
		{"flake", func(ctx context.Context) Finding { return checkFlake(root, getenv) }},
		{"docker", func(ctx context.Context) Finding { return checkDocker(ctx, getenv) }},
	}
}

func output(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func checkGo(ctx context.Context) Finding {
	v, err := output(ctx, "go", "env", "GOVERSION")
	if err != nil {
		return Finding{Fail, "go not runnable: " + err.Error(), "install Go 1.26 or newer"}
	}
	return Finding{OK, v, ""}
}

func checkNix(ctx context.Context) Finding {
	if _, err := exec.LookPath("nix"); err != nil {
		return Finding{Warn, "nix not found: only load:json works", "install Nix (https://nixos.org/download) or Debian's nix-bin"}
	}
	v, err := output(ctx, "nix", "--version")
	if err != nil {
		return Finding{Fail, "nix --version: " + err.Error(), "reinstall Nix"}
	}
	if out, err := output(ctx, "nix", "--extra-experimental-features", "nix-command flakes", "eval", "--expr", "1 + 1"); err != nil || out != "2" {
		return Finding{Fail, v + ", but flakes do not evaluate: " + firstLine(out), "Nix 2.4 or newer is needed; check /etc/nix/nix.conf and NIX_CONFIG"}
	}
	return Finding{OK, v + ", flakes usable", ""}
}

func checkConfig(ctx context.Context, root string, getenv func(string) string) Finding {
	file := filepath.Join(root, "nix", "container-config.nix")
	cfg, err := config.Load(ctx, file, config.NixEvaluator(nixbuild.Options{}), getenv)
	if err != nil {
		return Finding{Fail, firstLine(err.Error()), "fix " + file + " (nix eval --impure --json --file " + file + ")"}
	}
	return Finding{OK, fmt.Sprintf("%d images, registry %s/%s, %d attempts, timeout %s", len(cfg.Images), cfg.Registry.URL,
		strings.ToLower(cfg.Registry.Repository), cfg.Loading.Retries.MaxAttempts, cfg.Loading.Timeout), ""}
}

func checkFlake(root string, getenv func(string) string) Finding {
	dir := getenv("NANNA_FLAKE")
	if dir == "" {
		dir = root
	}
	if strings.Contains(dir, ":") && !strings.HasPrefix(dir, "/") {
		return Finding{OK, dir + " (a flake URL; not checked)", ""}
	}
	if _, err := os.Stat(filepath.Join(dir, "flake.nix")); err != nil {
		return Finding{Fail, "no flake.nix in " + dir, "set NANNA_FLAKE to a directory with a flake.nix, or unset it"}
	}
	return Finding{OK, filepath.Join(dir, "flake.nix"), ""}
}

func checkDocker(ctx context.Context, getenv func(string) string) Finding {
	ep, err := engine.Resolve(getenv)
	if err != nil {
		return Finding{Fail, firstLine(err.Error()), "fix the Docker CLI configuration or set DOCKER_HOST"}
	}
	c, err := engine.Connect(ctx, ep)
	if err != nil {
		detail, fix, _ := strings.Cut(err.Error(), "; ")
		return Finding{Fail, detail, fix}
	}
	defer c.Close()
	v, err := c.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Finding{Fail, "asking for the version: " + err.Error(), "check `docker version`"}
	}
	store, err := load.DetectStore(ctx, c)
	if err != nil {
		return Finding{Warn, err.Error(), ""}
	}
	detail := fmt.Sprintf("%s: engine %s, API %s (client %s), %s image store", ep, v.Version, v.APIVersion, c.ClientVersion(), store)
	if store != load.GraphDriver {
		return Finding{OK, detail + ": every layer is sent on a cold load", ""}
	}
	return Finding{OK, detail + ": layers the daemon holds are skipped", ""}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
