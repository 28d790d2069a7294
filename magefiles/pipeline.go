//go:build mage

package main

import (
	"context"
	"io"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/ci"
	"github.com/nanna-coder/build/internal/models"
	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/tasks"
)

// Ci runs nanna-coder's pipeline: nix:check, build:all, load:all, smoke, models:check and, where pushing is allowed, push:all.
//
// Steps run in dependency order, each once, independent ones in parallel;
// a step whose inputs are unchanged since its last success (and whose
// output still exists) is cached. -force runs every step; -explain says
// why each ran or was cached. On GitHub Actions each step is a log group,
// failures are annotations, and the job summary and outputs are written;
// elsewhere a table is printed. ci pushes on GitHub Actions for a push to
// the default branch or of a tag, with credentials; run push:all to push
// from a workstation. -platforms=amd64,arm64 pushes multi-arch indexes.
func Ci(ctx context.Context, platforms *string, force, explain *bool) error {
	return pipelineRun{whole: true, platforms: str(platforms), force: flag(force), explain: flag(explain)}.run(ctx, nil)
}

// pipelineRun is one run of the pipeline from a target.
type pipelineRun struct {
	whole          bool // the whole pipeline (ci): a table, pushing only on GitHub Actions
	platforms      string
	push           project.PushOptions
	force, explain bool
}

// run runs the steps targets names (nil: all) and what they need.
func (r pipelineRun) run(ctx context.Context, targets func(*project.Project) ([]string, error)) error {
	p, err := project.Open(ctx, ".", os.Getenv, project.Output{Log: os.Stderr, Verbose: mg.Verbose(), Progress: !r.whole && isTerminal(os.Stderr)})
	if err != nil {
		return err
	}
	var names []string
	if targets != nil {
		if names, err = targets(p); err != nil {
			return err
		}
	}
	_, err = r.runOn(ctx, p, names...)
	return err
}

// runOn runs the named steps (none: all) of p's pipeline.
func (r pipelineRun) runOn(ctx context.Context, p *project.Project, names ...string) (pipeline.Summary, error) {
	rep := tasks.Terse(os.Stderr, r.explain, tasks.Expand(names, p.Keys()))
	if r.whole {
		rep = ci.NewReporter(os.Getenv, os.Stdout)
	}
	mo, err := models.OptionsFromEnv(".", os.Getenv)
	if err != nil {
		return pipeline.Summary{}, err
	}
	opts := tasks.Options{
		Push: r.policy(), PushOptions: r.push, Platforms: project.SplitList(r.platforms),
		Models: mo, StrictModels: ci.Enabled(),
		Output: func(step string) io.Writer { return ci.StepOutput(rep, step, os.Stderr) },
	}
	s, err := tasks.Run(ctx, p, opts, tasks.RunOptions{Force: r.force, Explain: r.explain, Reporter: rep}, names...)
	if r.whole {
		return s, tasks.Failures(s, err) // the reporter showed each failure
	}
	return s, err
}

// policy decides whether the push steps push: on GitHub Actions as the run
// allows; from a workstation when a push target was asked for, not in ci.
func (r pipelineRun) policy() tasks.Policy {
	if gh, ok := ci.GitHubFromEnv(os.Getenv); ok {
		allowed, reason := gh.PushAllowed()
		return tasks.Policy{Allowed: allowed, Reason: reason}
	}
	if r.whole {
		return tasks.Policy{Reason: "ci pushes only on GitHub Actions; run push:all to push from here"}
	}
	return tasks.Policy{Allowed: true}
}

// steps runs the named steps of the pipeline and what they need.
func (r pipelineRun) steps(ctx context.Context, names ...string) error {
	return r.run(ctx, func(*project.Project) ([]string, error) { return names, nil })
}

// images runs step of the configured images with keys; an unknown key
// fails before anything runs.
func (r pipelineRun) images(ctx context.Context, step func(string) string, keys ...string) error {
	return r.run(ctx, func(p *project.Project) ([]string, error) {
		imgs, err := p.Lookup(keys...)
		names := make([]string, len(imgs))
		for i, img := range imgs {
			names[i] = step(img.Key)
		}
		return names, err
	})
}

// cached is a run of single targets with their -force and -explain flags.
func cached(force, explain *bool) pipelineRun {
	return pipelineRun{force: flag(force), explain: flag(explain)}
}

func flag(b *bool) bool { return b != nil && *b }

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Nix groups the checks of the flake.
type Nix mg.Namespace

// Check checks the flake: nix flake check where its inputs can be fetched, else a parse and evaluation of every .nix file; cached while the flake is unchanged.
func (Nix) Check(ctx context.Context, force, explain *bool) error {
	return cached(force, explain).steps(ctx, tasks.NixCheck)
}

// Build builds images with Nix without loading them.
type Build mg.Namespace

// All builds every configured image with Nix, the builds in parallel; cached while the flake, Nix and the configuration's environment are unchanged and the store paths valid.
func (Build) All(ctx context.Context, force, explain *bool) error {
	return cached(force, explain).steps(ctx, tasks.BuildAll)
}

// Image builds the named image of nix/container-config.nix (ollama, harness, qwen3, …) with Nix.
func (Build) Image(ctx context.Context, name string, force, explain *bool) error {
	return cached(force, explain).images(ctx, tasks.Build, name)
}

// Smoke loads every configured image and runs its smoke command (smoke.commands of nix/container-config.nix) within smoke.timeoutSeconds.
func Smoke(ctx context.Context, force, explain *bool) error {
	return cached(force, explain).steps(ctx, tasks.SmokeAll)
}
