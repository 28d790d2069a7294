//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/tasks"
)

// Load builds images with Nix and loads them into the local Docker daemon.
type Load mg.Namespace

// Ollama builds the Ollama image and loads it into Docker (load:image ollama).
func (Load) Ollama(ctx context.Context, force, explain *bool) error {
	return Load{}.Image(ctx, "ollama", force, explain)
}

// Harness builds the harness image and loads it into Docker (load:image harness).
func (Load) Harness(ctx context.Context, force, explain *bool) error {
	return Load{}.Image(ctx, "harness", force, explain)
}

// Image builds the named image of nix/container-config.nix (ollama, harness, qwen3, …) and loads it into Docker.
//
// Only layers the daemon lacks are sent; an image the daemon already has is
// only tagged. NANNA_FLAKE names another flake to build from. Build and
// load are steps of ci's pipeline: when neither the flake nor the
// configuration's environment changed, the store path is valid and the
// daemon has the image under every reference, nothing runs (-force runs
// anyway; -explain says why a step ran or was cached).
func (Load) Image(ctx context.Context, name string, force, explain *bool) error {
	return cached(force, explain).images(ctx, tasks.Load, name)
}

// All builds every configured image, the builds in parallel, and loads them all into Docker.
func (Load) All(ctx context.Context, force, explain *bool) error {
	return cached(force, explain).steps(ctx, tasks.LoadAll)
}

// JSON loads an already built nix2container image JSON into Docker as REF (name:tag).
func (Load) JSON(ctx context.Context, path, ref string) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	_, err = p.LoadJSON(ctx, path, ref)
	return err
}
