//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/ci"
)

// Check runs the static checks: gofmt, go vet with every build tag, and the magefiles' compilation.
func Check(ctx context.Context) error { return ci.Run(ctx, ".", os.Stdout, ci.Checks()) }

// Unit runs the unit tests, which need neither Docker nor Nix.
func Unit(ctx context.Context) error { return ci.Run(ctx, ".", os.Stdout, ci.UnitTests()) }

// Integration runs the integration tests against the Docker daemon of DOCKER_HOST, Nix, Podman, a local registry and binfmt_misc.
//
// Outside CI a missing service skips its tests with a message; under CI=true it fails them.
func Integration(ctx context.Context) error {
	return ci.Run(ctx, ".", os.Stdout, ci.IntegrationTests())
}

// Test runs check, unit and integration in order: the README's test command.
func Test(ctx context.Context) { mg.SerialCtxDeps(ctx, Check, Unit, Integration) }
