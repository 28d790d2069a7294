package tasks

import (
	"context"
	"strings"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
)

// smokeStep runs the smoke command of the image with key (smoke.* of
// nix/container-config.nix) in a container of the image load:KEY loaded.
// An image without one skips.
func smokeStep(p *project.Project, key string, opts Options) pipeline.Step {
	name := Smoke(key)
	return pipeline.Step{
		Name: name,
		Deps: []string{Load(key)},
		Inputs: func(_ context.Context, in *pipeline.Inputs) error {
			img, err := p.Config.Lookup(key)
			if err != nil {
				return err
			}
			if len(img.Smoke) == 0 {
				return pipeline.Skip("no smoke command for " + key + " in " + project.ConfigFile)
			}
			in.String("command", strings.Join(img.Smoke, "\x00"))
			in.String("timeout", img.SmokeTimeout.String())
			return nil
		},
		Run: func(ctx context.Context, c *pipeline.Context) (pipeline.Output, error) {
			loaded := c.Output(Load(key))
			refs := splitRefs(loaded[outRefs])
			if len(refs) == 0 || loaded[outID] == "" {
				return nil, pipeline.Skip("loaded by nix2container's script, without an image ID to run")
			}
			// By ID: another run may move the tag between the load and now.
			line, err := opts.project(p, name).Smoke(ctx, key, loaded[outID], refs[0])
			if err != nil {
				return nil, err
			}
			c.Summarize(line)
			return nil, nil
		},
	}
}
