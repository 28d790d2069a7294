package tasks

import (
	"context"
	"io"

	"github.com/nanna-coder/build/internal/models"
	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
)

// Policy says whether the push steps may push; when not, Reason says why
// they skip ("pushing is not allowed on a pull request from a fork").
type Policy struct {
	Allowed bool
	Reason  string
}

// Options are what the steps take besides the project.
type Options struct {
	// Push decides whether push:KEY pushes or skips.
	Push Policy
	// PushOptions are the push steps' flags.
	PushOptions project.PushOptions
	// Platforms, when set, make each push a multi-arch index over the
	// image built for each platform (push:all -platforms=amd64,arm64).
	Platforms []string
	// Models are models:check's options; StrictModels makes an unpinned
	// model fail the check instead of warning.
	Models       models.Options
	StrictModels bool
	// Output returns where a step writes what it has to say (its images'
	// summary lines, warnings); nil sends it to the project's log.
	Output func(step string) io.Writer
}

// Steps returns the pipeline over p's configured images.
func Steps(p *project.Project, opts Options) []pipeline.Step {
	keys := p.Keys()
	steps := []pipeline.Step{nixCheck(p, opts), modelsCheck(opts)}
	for _, k := range keys {
		steps = append(steps, buildStep(p, k, opts), loadStep(p, k, opts), smokeStep(p, k, opts), pushStep(p, k, opts))
	}
	return append(steps,
		aggregate(BuildAll, keys, Build),
		aggregate(LoadAll, keys, Load),
		aggregate(SmokeAll, keys, Smoke),
		aggregate(PushAll, keys, Push),
	)
}

// aggregate is a step that only needs the step of each key.
func aggregate(name string, keys []string, step func(string) string) pipeline.Step {
	deps := make([]string, len(keys))
	for i, k := range keys {
		deps[i] = step(k)
	}
	return pipeline.Step{Name: name, Deps: deps, Run: func(context.Context, *pipeline.Context) (pipeline.Output, error) {
		return nil, nil
	}}
}

// project returns p writing to the step's output.
func (o Options) project(p *project.Project, step string) *project.Project {
	if o.Output == nil {
		return p
	}
	return p.WithLog(o.Output(step))
}

// writer returns the step's output, or w.
func (o Options) writer(step string, w io.Writer) io.Writer {
	if o.Output == nil {
		return w
	}
	return o.Output(step)
}
