package tasks

import (
	"context"
	"strconv"
	"strings"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/push"
	"github.com/nanna-coder/build/internal/ui"
)

// Output keys of the push steps.
const (
	outDigest = "digest" // the manifest digest pushed
	outPushed = "pushed" // the references pushed, comma-separated
)

// pushStep pushes the image with key, as build:KEY made it, once it passed
// its smoke test and the checks, where pushing is allowed. Its key covers
// the references (from the configuration's environment) and the push
// flags; it is cached while the registry serves that manifest under every
// reference.
func pushStep(p *project.Project, key string, opts Options) pipeline.Step {
	name := Push(key)
	return pipeline.Step{
		Name: name,
		Deps: []string{Build(key), Smoke(key), NixCheck, ModelsCheck},
		Inputs: func(ctx context.Context, in *pipeline.Inputs) error {
			if !opts.Push.Allowed {
				return pipeline.Skip(opts.Push.Reason)
			}
			in.Env(p.Config.Env...)
			in.String("to", strings.Join(opts.PushOptions.To, ","))
			in.String("gzip", strconv.FormatBool(opts.PushOptions.Gzip))
			in.String("insecure", strconv.FormatBool(opts.PushOptions.Insecure))
			if len(opts.Platforms) == 0 {
				return nil
			}
			in.String("platforms", strings.Join(opts.Platforms, ","))
			return flakeInputs(ctx, p, in) // the other platforms' builds
		},
		Run: func(ctx context.Context, c *pipeline.Context) (pipeline.Output, error) {
			b, err := reopen(p, key, c)
			if err != nil {
				return nil, err
			}
			res, err := pushImage(ctx, opts.project(p, name), key, b, opts)
			if err != nil {
				return nil, err
			}
			sent := 0
			for _, bl := range res.Blobs {
				if bl.Sent {
					sent++
				}
			}
			for _, ref := range res.Refs {
				c.Summarize(ui.ImageLine(ui.Image{
					Reference: ref, ID: res.Config.String(), Digest: res.Digest.String(), Size: layerBytes(b),
					Layers: true, LayersSent: sent, LayersSkipped: len(res.Blobs) - sent,
				}))
			}
			return pipeline.Output{outDigest: res.Digest.String(), outPushed: strings.Join(res.Refs, ",")}, nil
		},
		Valid: func(ctx context.Context, out pipeline.Output) error {
			return p.Pushed(ctx, out[outDigest], splitRefs(out[outPushed]), opts.PushOptions)
		},
	}
}

// pushImage pushes the image build:KEY made, or with Platforms an index over
// the image built for each.
func pushImage(ctx context.Context, p *project.Project, key string, b project.Built, opts Options) (push.Result, error) {
	if len(opts.Platforms) == 0 {
		return p.PushBuilt(ctx, b, opts.PushOptions)
	}
	return p.PushMultiarch(ctx, key, opts.Platforms, opts.PushOptions)
}
