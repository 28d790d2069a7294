//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/bench"
)

// Bench runs the benchmarks, each against its reference tool in the same run.
type Bench mg.Namespace

// Load compares loading a generated 300 MB, 12-layer image with docker load of the same archive, on each daemon.
//
// The daemons are -hosts (comma-separated, e.g. unix:///a.sock,unix:///b.sock),
// or else DOCKER_HOST, NANNA_DOCKER29_HOST and NANNA_DOCKER29_CLASSIC_HOST,
// each when set. -reps (default 3) and -mib (default 300) make runs shorter.
// Needs Docker and Nix; prints, per daemon, seconds, ratios and peak memory.
func (Bench) Load(ctx context.Context, hosts *string, reps, mib *int) error {
	list := ""
	if hosts != nil {
		list = *hosts
	}
	daemons, err := bench.Daemons(list, os.Getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(".bench", 0o755); err != nil {
		return err
	}
	return bench.Load(ctx, bench.Options{Dir: ".bench", Mage: []string{"go", "tool", "mage"}, Reps: orInt(reps, 3), SizeMiB: orInt(mib, 300), Daemons: daemons, Log: os.Stdout})
}

// Pipeline times the pipeline's warm no-ops (load:ollama, ci) against nix build of the same image, and the targets binary's start-up floor.
//
// The project is testdata/project whose images take about 2 s to evaluate
// (testdata/slow-eval), in a dirty Git tree; the reference is nix build
// --no-eval-cache, as current Nix evaluates a dirty tree every time, and a
// plain nix build. -reps (default 5) runs of each, medians reported with
// ratios and targets. Needs Go, Git, Nix and Docker (DOCKER_HOST); the
// user's pipeline records and Nix evaluation cache are left alone.
func (Bench) Pipeline(ctx context.Context, reps *int) error {
	return bench.Pipeline(ctx, bench.PipelineOptions{Root: ".", Mage: []string{"go", "tool", "mage"}, Reps: orInt(reps, 5), Log: os.Stdout})
}

func orInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
