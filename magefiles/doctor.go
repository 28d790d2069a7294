//go:build mage

package main

import (
	"context"
	"os"

	"github.com/nanna-coder/build/internal/doctor"
)

// Doctor checks Go, Nix and flakes, the configuration, the flake and the Docker daemon, and says how to fix what is missing.
func Doctor(ctx context.Context) error {
	return doctor.Run(ctx, os.Stdout, doctor.Standard(".", doctor.Host(os.Getenv)))
}
