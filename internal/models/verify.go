package models

import (
	"context"
	"errors"
	"fmt"

	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/ui"
)

// ErrMismatch means a model's files do not hash to its pinned hash.
var ErrMismatch = errors.New("hash mismatch")

// Verify recomputes the hash of pinned model key from opts.From or a
// download (blobs already in the cache are read from there and checked
// against their digests again) and compares it with opts.File.
func Verify(ctx context.Context, key string, opts Options) error {
	if err := verify(ctx, key, opts); err != nil {
		return fmt.Errorf("verifying %s: %w", key, err)
	}
	return nil
}

func verify(ctx context.Context, key string, opts Options) error {
	models, err := Read(ctx, opts.File, opts.evaluator())
	if err != nil {
		return err
	}
	m, err := Lookup(models, opts.File, key)
	if err != nil {
		return err
	}
	switch m.Status() {
	case NotPinned:
		return fmt.Errorf("%w: %s has the placeholder hash; pin it with: %s %s", ErrNotPinned, key, pinCommand, key)
	case InvalidHash:
		return fmt.Errorf("%s has an invalid hash %q", key, m.Hash)
	}
	want, _ := narhash.Parse(m.Hash)
	c, err := compute(ctx, m, opts)
	if err != nil {
		return err
	}
	if !c.hash.Equal(want) {
		return fmt.Errorf("%w: %s pins %s, but %s from %s (manifest %.19s…) hashes to %s; if the tag was re-pushed, pin it again with: %s %s",
			ErrMismatch, opts.File, m.Hash, c.name, c.source, c.manifest.Digest(), c.hash.SRI(), pinCommand, key)
	}
	fmt.Fprintf(ui.Or(opts.Out), "%s (%s): OK, %s from %s (manifest %s)\n", key, c.name, c.hash.SRI(), c.source, c.manifest.Digest())
	return nil
}
