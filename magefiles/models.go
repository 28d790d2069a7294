//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/models"
)

// Models pins the Ollama models of nix/models.nix to fixed-output hashes.
type Models mg.Namespace

// modelOptions reads OLLAMA_REGISTRY and NANNA_MODELS_CACHE once: results
// go to stdout, progress to stderr (bars only on a terminal).
func modelOptions() (models.Options, error) {
	opts, err := models.OptionsFromEnv(".", os.Getenv)
	opts.Out, opts.Log, opts.Progress = os.Stdout, os.Stderr, isTerminal(os.Stderr)
	return opts, err
}

// Pin downloads model NAME of nix/models.nix and writes its hash there; -from=DIR takes it from an Ollama models directory, -dryrun prints the change.
//
// NAME is a key of nix/models.nix (llama3, mistral, …). Downloads come from
// OLLAMA_REGISTRY (default https://registry.ollama.ai), are verified
// against their digests and kept in NANNA_MODELS_CACHE (default
// ~/.cache/nanna-coder/models), so an interrupted pin resumes and a repeated
// one downloads nothing. Only the model's hash string in nix/models.nix
// changes.
func (Models) Pin(ctx context.Context, name string, from *string, dryRun *bool) error {
	opts, err := modelOptions()
	if err != nil {
		return err
	}
	if from != nil {
		opts.From = *from
	}
	opts.DryRun = dryRun != nil && *dryRun
	_, err = models.Pin(ctx, name, opts)
	return err
}

// List prints every model of nix/models.nix: name, size, pinned or placeholder, and hash.
func (Models) List(ctx context.Context) error {
	opts, err := modelOptions()
	if err != nil {
		return err
	}
	return models.List(ctx, opts)
}

// Hash prints the NAR hash of DIR in SRI form (nix hash path) and in Nix base 32 (nix-hash --type sha256 --base32).
func (Models) Hash(ctx context.Context, dir string) error {
	opts, err := modelOptions()
	if err != nil {
		return err
	}
	_, err = models.HashPath(ctx, dir, opts)
	return err
}

// Verify recomputes pinned model NAME's hash from a download (or -from=DIR) and fails if it differs from nix/models.nix.
func (Models) Verify(ctx context.Context, name string, from *string) error {
	opts, err := modelOptions()
	if err != nil {
		return err
	}
	if from != nil {
		opts.From = *from
	}
	return models.Verify(ctx, name, opts)
}

// Check warns about every model of nix/models.nix still on the placeholder hash; with -strict it fails instead (for CI).
func (Models) Check(ctx context.Context, strict *bool) error {
	opts, err := modelOptions()
	if err != nil {
		return err
	}
	return models.Check(ctx, strict != nil && *strict, opts)
}
