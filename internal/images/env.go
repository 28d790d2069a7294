package images

import (
	"context"
	"io"
	"path/filepath"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// ConfigFile is the configuration's path relative to the repository root.
const ConfigFile = "nix/container-config.nix"

// Env is everything the workflows take from outside, read once.
type Env struct {
	// Flake is the flake the images are built from: NANNA_FLAKE, or the
	// repository root.
	Flake string
	// RepoFlake is true when Flake is the repository itself: Nix then reads
	// it as `nix build .#…` does (in a Git checkout, the tracked files only),
	// instead of copying the whole directory as a path: flake.
	RepoFlake bool
	// Config is the evaluated nix/container-config.nix.
	Config config.Config
	// Getenv reads GITHUB_* and DOCKER_* variables (os.Getenv).
	Getenv func(string) string
	// Log receives summaries; Verbose adds detail, Nix's live log included.
	Log     io.Writer
	Verbose bool
	// Progress draws progress bars (Log is a terminal).
	Progress bool
	// ViaDockerAPI loads through POST /images/load even where the daemon's
	// containerd could be written directly (NANNA_LOAD_VIA=docker-api).
	ViaDockerAPI bool

	dial daemon.Dial // tests replace the daemon
	nix  nixer       // tests replace nix
}

// nixer is the part of Nix the workflows use.
type nixer interface {
	Build(ctx context.Context, installable string, opts nixbuild.Options) (nixbuild.Result, error)
	EvalImageRef(ctx context.Context, installable string, opts nixbuild.Options) (nixbuild.ImageRef, error)
	Run(ctx context.Context, installable string, opts nixbuild.Options) error
}

// realNix runs the nix command.
type realNix struct{}

func (realNix) Build(ctx context.Context, installable string, opts nixbuild.Options) (nixbuild.Result, error) {
	return nixbuild.Build(ctx, installable, opts)
}

func (realNix) EvalImageRef(ctx context.Context, installable string, opts nixbuild.Options) (nixbuild.ImageRef, error) {
	return nixbuild.EvalImageRef(ctx, installable, opts)
}

func (realNix) Run(ctx context.Context, installable string, opts nixbuild.Options) error {
	return nixbuild.Run(ctx, installable, opts)
}

// Setup reads the environment and the configuration of the repository at
// root. Verbose is the caller's -v; CONTAINER_LOAD_VERBOSE=true (the
// configuration's loading.verbose) turns it on as well.
func Setup(ctx context.Context, root string, getenv func(string) string, log io.Writer, verbose, terminal bool) (Env, error) {
	flake, repo := getenv("NANNA_FLAKE"), false
	if flake == "" {
		flake, repo = root, true
	}
	cfg, err := config.Load(ctx, filepath.Join(root, ConfigFile), nixbuild.FileEvaluator(nixbuild.Options{}), getenv)
	if err != nil {
		return Env{}, err
	}
	return Env{
		Flake:     flake,
		RepoFlake: repo,
		Config:    cfg,
		Getenv:    getenv,
		Log:       log,
		Verbose:   verbose || cfg.Loading.Verbose,
		Progress:  terminal,
		// NANNA_LOAD_VIA=docker-api: never write into the daemon's containerd.
		ViaDockerAPI: getenv("NANNA_LOAD_VIA") == "docker-api",
	}, nil
}

func (env Env) dialer() daemon.Dial {
	if env.dial != nil {
		return env.dial
	}
	return daemon.DialEnv(env.Getenv)
}

// installable is the flake output attr of the images' flake.
func (env Env) installable(attr string) string {
	if env.RepoFlake {
		if abs, err := filepath.Abs(env.Flake); err == nil {
			return abs + "#" + attr
		}
	}
	return nixbuild.FlakeRef(env.Flake, attr)
}

func (env Env) nixRunner() nixer {
	if env.nix != nil {
		return env.nix
	}
	return realNix{}
}

func (env Env) loadOptions(refs []string) daemon.Options {
	return daemon.Options{
		Refs:         refs,
		Related:      env.related(),
		Attempts:     env.Config.Loading.Retries.MaxAttempts,
		RetryDelay:   env.Config.Loading.Retries.Delay,
		Timeout:      env.Config.Loading.Timeout,
		Log:          env.Log,
		Verbose:      env.Verbose,
		Progress:     env.Progress,
		ViaDockerAPI: env.ViaDockerAPI,
	}
}

// related names every configured image by each of its references (its own
// name:tag and the registry's), so that a load leaves out the layers the
// images of the configuration share (load:all loads them one after another
// for this) or an earlier build of one left in the daemon.
func (env Env) related() []string {
	var refs []string
	for _, img := range env.Config.Images {
		refs = append(refs, env.Config.Refs(img, "", "")...)
	}
	return refs
}

func (env Env) nixOptions() nixbuild.Options {
	var opts nixbuild.Options
	if env.Verbose {
		opts.Log = env.Log
	}
	return opts
}
