package tasks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/ui"
)

// Output keys of the build steps.
const (
	outJSON   = "json"   // the store path of the image's nix2container JSON
	outRef    = "ref"    // its name:tag
	outRemote = "remote" // the flake, when it is not a local directory
)

// buildStep builds the image with key with Nix. Its key covers what Nix
// reads: the flake's files, the system, the attribute, the Nix version and
// the environment the configuration reads; it is cached while the JSON's
// store path is valid.
func buildStep(p *project.Project, key string, opts Options) pipeline.Step {
	name := Build(key)
	return pipeline.Step{
		Name: name,
		Inputs: func(ctx context.Context, in *pipeline.Inputs) error {
			installable, err := p.Installable(key)
			if err != nil {
				return err
			}
			in.String("installable", installable)
			in.Env(p.Config.Env...) // a flake may read them too, in impure evaluation
			return flakeInputs(ctx, p, in)
		},
		Run: func(ctx context.Context, c *pipeline.Context) (pipeline.Output, error) {
			built, err := opts.project(p, name).Build(ctx, key)
			if err != nil {
				return nil, err
			}
			b := built[0]
			c.Summarize(fmt.Sprintf("%s: %s (%s)", b.Ref, b.JSON, ui.Plural(len(b.Image.Layers), "layer")))
			out := pipeline.Output{outJSON: b.JSON, outRef: b.Ref.String()}
			if _, ok := localFlake(p.Flake); !ok {
				out[outRemote] = p.Flake
			}
			return out, nil
		},
		Valid: func(ctx context.Context, out pipeline.Output) error {
			if f := out[outRemote]; f != "" {
				return fmt.Errorf("the flake %s may have changed since (only a local flake's files are compared)", f)
			}
			return nixbuild.Valid(ctx, out[outJSON], nixbuild.Options{})
		},
	}
}

// flakeInputs declares what Nix reads of the project's flake: the content
// of its files (in a Git work tree the tracked and the untracked but not
// ignored ones), flake.lock among them, the system, the Nix version and the
// environment Nix reads. A flake that is not a local
// directory (NANNA_FLAKE=github:…) cannot be checked for changes: it is
// read as it is named, and a build of it is never cached.
func flakeInputs(ctx context.Context, p *project.Project, in *pipeline.Inputs) error {
	in.String("system", hostSystem())
	v, err := nixbuild.Version(ctx, nixbuild.Options{})
	if err != nil {
		return err
	}
	in.String("nix version", v)
	in.Env(nixbuild.ConfigEnv()...)
	in.Env("NANNA_FLAKE")
	for _, f := range nixbuild.ConfigFiles(p.Getenv) { // system, extra-platforms, substituters, …
		data, err := os.ReadFile(f)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			in.String("Nix configuration "+f, "absent")
		case err != nil:
			return fmt.Errorf("reading Nix's configuration: %w", err)
		default:
			in.String("Nix configuration "+f, string(data))
		}
	}
	dir, ok := localFlake(p.Flake)
	if !ok {
		in.String("flake", p.Flake)
		return nil
	}
	files, err := nixbuild.FlakeFiles(ctx, dir, !p.RepoFlake) // NANNA_FLAKE=DIR is built as path:DIR
	if err != nil {
		return err
	}
	return in.Listed(dir, files)
}

// localFlake returns the directory of a flake given as a path.
func localFlake(flake string) (string, bool) {
	dir := strings.TrimPrefix(flake, "path:")
	if strings.Contains(dir, ":") && !filepath.IsAbs(dir) {
		return "", false // github:…, git+https://…
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", false
	}
	return dir, true
}

// hostSystem is the Nix system of this machine, such as x86_64-linux.
func hostSystem() string {
	p, err := platform.Parse(runtime.GOARCH)
	if err != nil {
		return runtime.GOARCH + "-" + runtime.GOOS
	}
	return p.System()
}
