package project

import (
	"context"
	"io"
	"path/filepath"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/ui"
)

// ConfigFile is the configuration's path relative to the repository root.
const ConfigFile = "nix/container-config.nix"

// Layout is where a repository's parts are, found without reading them: the
// configuration file and the flake the images are built from.
type Layout struct {
	// Root is the repository root.
	Root string
	// Config is the path of nix/container-config.nix under Root.
	Config string
	// Flake is the flake the images are built from: NANNA_FLAKE, or Root.
	Flake string
	// RepoFlake is true when Flake is the repository itself: Nix then reads
	// it as `nix build .#…` does (in a Git checkout, the tracked files only),
	// instead of copying the whole directory as a path: flake.
	RepoFlake bool
}

// Locate returns the layout of the repository at root; NANNA_FLAKE names
// another flake to build from.
func Locate(root string, getenv func(string) string) Layout {
	l := Layout{Root: root, Config: filepath.Join(root, ConfigFile), Flake: getenv("NANNA_FLAKE")}
	if l.Flake == "" {
		l.Flake, l.RepoFlake = root, true
	}
	return l
}

// Output says where a project's workflows report.
type Output struct {
	// Log receives one summary line per image; nil means io.Discard.
	Log io.Writer
	// Verbose adds detail, Nix's live log included.
	Verbose bool
	// Progress draws progress bars (Log is a terminal).
	Progress bool
}

// Project is an opened repository: its layout, its configuration and the
// environment, read once.
type Project struct {
	Layout
	// Config is the evaluated nix/container-config.nix.
	Config config.Config

	getenv       func(string) string
	out          Output
	related      []string // every configured image's references, for loads
	viaDockerAPI bool
	dial         daemon.Dial // tests replace the daemon
	nix          nixer       // tests replace nix
}

// Open reads the configuration of the repository at root and the
// environment (getenv is os.Getenv outside tests). CONTAINER_LOAD_VERBOSE=true
// (the configuration's loading.verbose) turns on out.Verbose;
// NANNA_LOAD_VIA=docker-api makes loads go through the Docker API even where
// the daemon's containerd could be written directly.
func Open(ctx context.Context, root string, getenv func(string) string, out Output) (*Project, error) {
	l := Locate(root, getenv)
	cfg, err := config.Load(ctx, l.Config, nixbuild.FileEvaluator(nixbuild.Options{}), getenv)
	if err != nil {
		return nil, err
	}
	out.Log = ui.Or(out.Log)
	out.Verbose = out.Verbose || cfg.Loading.Verbose
	return &Project{
		Layout:       l,
		Config:       cfg,
		related:      related(cfg),
		getenv:       getenv,
		out:          out,
		viaDockerAPI: getenv("NANNA_LOAD_VIA") == "docker-api",
		dial:         daemon.DialEnv(getenv),
		nix:          realNix{},
	}, nil
}

// Getenv reads the environment the project was opened with.
func (p *Project) Getenv(name string) string { return p.getenv(name) }

// installable is the flake output attr of the images' flake.
func (p *Project) installable(attr string) string {
	if p.RepoFlake {
		if abs, err := filepath.Abs(p.Flake); err == nil {
			return abs + "#" + attr
		}
	}
	return nixbuild.FlakeRef(p.Flake, attr)
}

func (p *Project) nixOptions() nixbuild.Options {
	var opts nixbuild.Options
	if p.out.Verbose {
		opts.Log = p.out.Log
	}
	return opts
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

// WithLog returns a copy of p that reports to w.
func (p *Project) WithLog(w io.Writer) *Project {
	c := *p
	c.out.Log = w
	return &c
}

// NixOptions are the options of the Nix commands p runs: Nix's live log to
// w (the project's log when nil) under -v.
func (p *Project) NixOptions(w io.Writer) nixbuild.Options {
	opts := p.nixOptions()
	if w != nil && opts.Log != nil {
		opts.Log = w
	}
	return opts
}

// related names every configured image by each of its references (its own
// name:tag and the registry's), so that a load leaves out the layers the
// images of the configuration share (load:all loads them one after another
// for this) or an earlier build of one left in the daemon.
func related(cfg config.Config) []string {
	var refs []string
	for _, img := range cfg.Images {
		refs = append(refs, cfg.Refs(img, "", "")...)
	}
	return refs
}
