//go:build mage

package main

import (
	"context"
	"os"

	"github.com/nanna-coder/build/internal/demo"
)

// Demo builds a small image from the input-less flake in demo/ with nix build, loads it into Docker and runs it: a first run that works offline.
func Demo(ctx context.Context) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	return demo.Run(ctx, demo.Options{Root: ".", Project: p, Out: os.Stdout})
}
