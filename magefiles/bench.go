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

// Load compares loading a generated 300 MB, 12-layer image with docker load of the same image as an archive file.
//
// Needs Docker (DOCKER_HOST) and Nix; prints seconds, ratios and peak memory.
func (Bench) Load(ctx context.Context) error {
	if err := os.MkdirAll(".bench", 0o755); err != nil {
		return err
	}
	return bench.Load(ctx, bench.Options{Dir: ".bench", Mage: []string{"go", "tool", "mage"}, Reps: 3, Log: os.Stdout})
}
