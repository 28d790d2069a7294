//go:build mage

package main

import (
	"context"
	"os"

	"github.com/nanna-coder/build/internal/bench"
)

// Hash compares models:hash with nix hash path on a generated 1 GiB tree of mixed file sizes (kept in .bench/hash).
//
// Needs Nix; prints seconds, throughput, the ratio and peak memory.
func (Bench) Hash(ctx context.Context) error {
	return bench.Hash(ctx, bench.Options{Dir: ".bench/hash", Mage: []string{"go", "tool", "mage"}, Reps: 5, Log: os.Stdout})
}
