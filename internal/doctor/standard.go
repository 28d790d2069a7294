package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/ui"
)

// Standard returns the checks for the repository at root on machine m, in
// the order a load needs them: Go, Nix and whether it can build, the
// configuration, the flake, the Docker daemon, free disk space, registry
// credentials and multi-arch emulation. Only what blocks loading an image
// fails; credentials and emulation warn.
func Standard(root string, m Machine) []Check {
	layout := project.Locate(root, m.Getenv)
	var docker dockerState
	cfg := config.Defaults(m.Getenv)
	return []Check{
		{"go", func(ctx context.Context) Finding { return checkGo(ctx, m) }},
		{"nix", func(ctx context.Context) Finding { return checkNix(ctx, m) }},
		{"nix build", func(ctx context.Context) Finding { return checkNixBuild(ctx, m) }},
		{"configuration", func(ctx context.Context) Finding {
			f, c := checkConfig(ctx, layout.Config, m.Getenv)
			if f.Status == OK {
				cfg = c
			}
			return f
		}},
		{"flake", func(context.Context) Finding { return checkFlake(layout) }},
		{"docker", func(ctx context.Context) Finding { return checkDocker(ctx, m, &docker) }},
		{"disk", func(context.Context) Finding { return checkDisk(m, docker.Root) }},
		{"credentials", func(context.Context) Finding { return checkCredentials(cfg.Registry.URL, defaultKeychain()) }},
		{"emulation", func(ctx context.Context) Finding { return checkEmulation(ctx, m.Getenv) }},
	}
}

func checkGo(ctx context.Context, m Machine) Finding {
	v, stderr, err := m.Run(ctx, "go", "env", "GOVERSION")
	if err != nil {
		return Finding{Fail, "go not runnable: " + lastError(stderr, err), "install Go 1.26 or newer"}
	}
	return Finding{OK, v, ""}
}

func checkConfig(ctx context.Context, file string, getenv func(string) string) (Finding, config.Config) {
	cfg, err := config.Load(ctx, file, nixbuild.FileEvaluator(nixbuild.Options{}), getenv)
	if err != nil {
		return Finding{Fail, firstLine(err.Error()), "fix " + file + " (nix eval --impure --json --file " + file + ")"}, cfg
	}
	return Finding{OK, configSummary(cfg), ""}, cfg
}

// configSummary is the doctor's line for a configuration that loaded.
func configSummary(cfg config.Config) string {
	return fmt.Sprintf("%s, registry %s/%s, %s, timeout %s", ui.Plural(len(cfg.Images), "image"), cfg.Registry.URL,
		strings.ToLower(cfg.Registry.Repository), ui.Plural(cfg.Loading.Retries.MaxAttempts, "attempt"), cfg.Loading.Timeout)
}

func checkFlake(l project.Layout) Finding {
	dir := l.Flake
	if strings.Contains(dir, ":") && !strings.HasPrefix(dir, "/") {
		return Finding{OK, dir + " (a flake URL; not checked)", ""}
	}
	if _, err := os.Stat(filepath.Join(dir, "flake.nix")); err != nil {
		return Finding{Fail, "no flake.nix in " + dir, "set NANNA_FLAKE to a directory with a flake.nix, or unset it"}
	}
	return Finding{OK, filepath.Join(dir, "flake.nix"), ""}
}
