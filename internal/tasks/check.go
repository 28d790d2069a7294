package tasks

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/nanna-coder/build/internal/models"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
)

// nixCheck checks the flake: `nix flake check` where its inputs can be
// fetched, else a parse and evaluation of every .nix file (the summary
// says which).
func nixCheck(p *project.Project, opts Options) pipeline.Step {
	return pipeline.Step{
		Name: NixCheck,
		Inputs: func(ctx context.Context, in *pipeline.Inputs) error {
			dir, ok := localFlake(p.Flake)
			if !ok {
				return pipeline.Skip("the flake " + p.Flake + " is not a local directory")
			}
			why, err := nixbuild.CheckMode(ctx, dir, nixbuild.Options{})
			if err != nil {
				return err
			}
			in.String("check", orFlakeCheck(why)) // its inputs came into the store: check more
			return flakeInputs(ctx, p, in)
		},
		Run: func(ctx context.Context, c *pipeline.Context) (pipeline.Output, error) {
			dir, _ := localFlake(p.Flake)
			rep, err := nixbuild.Check(ctx, dir, p.NixOptions(opts.writer(NixCheck, nil)))
			if err != nil {
				return nil, err
			}
			c.Summarize(rep.String())
			return nil, nil
		},
	}
}

// modelsCheck checks that the models of nix/models.nix are pinned: a
// placeholder hash warns, or fails with StrictModels.
func modelsCheck(opts Options) pipeline.Step {
	return pipeline.Step{
		Name: ModelsCheck,
		Inputs: func(_ context.Context, in *pipeline.Inputs) error {
			if _, err := os.Stat(opts.Models.File); errors.Is(err, fs.ErrNotExist) {
				return pipeline.Skip("no " + opts.Models.File)
			}
			in.String("strict", strconv.FormatBool(opts.StrictModels))
			return in.Files(opts.Models.File)
		},
		Run: func(ctx context.Context, c *pipeline.Context) (pipeline.Output, error) {
			mo := opts.Models
			var out strings.Builder
			mo.Out = io.MultiWriter(&out, opts.writer(ModelsCheck, mo.Out))
			err := models.Check(ctx, opts.StrictModels, mo)
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if line != "" {
					c.Summarize(line) // a cached check shows its warnings again
				}
			}
			return nil, err
		},
	}
}

func orFlakeCheck(why string) string {
	if why == "" {
		return "nix flake check"
	}
	return "parse and evaluate: " + why
}
