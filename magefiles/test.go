//go:build mage

package main

import (
	"context"
	"os"

	"github.com/nanna-coder/build/ci"
)

// Test runs the static checks, the unit tests and the integration tests (real Docker, Nix; see .ci/run).
func Test(ctx context.Context) error {
	return ci.Run(ctx, ".", os.Stdout, append(ci.Checks(), ci.Tests()...))
}

// Ci is what CI runs: everything Test runs (.ci/run first installs and starts the services).
func Ci(ctx context.Context) error { return Test(ctx) }
