package models

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/ollama"
	"github.com/nanna-coder/build/internal/ui"
)

// pinCommand is how people pin a model, as the hints of this package's
// workflows (the models:* targets) spell it before the model's key.
const pinCommand = "go tool mage models:pin"

// Result is what Pin found and did.
type Result struct {
	// Model is the entry as it was before pinning.
	Model Model
	// Name is the parsed model name.
	Name ollama.Name
	// Size is the model's download size in bytes (config and layers).
	Size int64
	// Manifest is the manifest's digest, "sha256:<hex>".
	Manifest string
	// Old is the hash in the file before, New the computed one.
	Old, New string
	// Line is the line of the hash in the file.
	Line int
	// Written reports whether the file was rewritten: false in a dry run
	// and when the model was already pinned to New.
	Written bool
}

// Pin computes the hash of model key of opts.File (downloaded, or taken
// from opts.From) and writes it into the file, changing only the hash
// string of that model.
//
// The file is checked before anything is downloaded: the model must exist
// (the error lists the known keys) and its hash must be findable exactly
// once (see SetHash). The new file is written next to the old one,
// evaluated with Nix, which must give the same models except for the new
// hash, and renamed over it; on any failure the file is untouched. A file
// edited while Pin ran is left with that edit, and Pin fails asking to run
// it again. A symlinked file is edited where the link points. With
// opts.DryRun the change is printed as a diff instead.
func Pin(ctx context.Context, key string, opts Options) (Result, error) {
	res, err := pin(ctx, key, opts)
	if err != nil {
		return res, fmt.Errorf("pinning %s: %w", key, err)
	}
	return res, nil
}

func pin(ctx context.Context, key string, opts Options) (Result, error) {
	models, err := Read(ctx, opts.File, opts.evaluator())
	if err != nil {
		return Result{}, err
	}
	m, err := Lookup(models, opts.File, key)
	if err != nil {
		return Result{}, err
	}
	src, err := os.ReadFile(opts.File)
	if err != nil {
		return Result{}, err
	}
	old, err := CurrentHash(src, key)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", opts.File, err)
	}
	if old != m.Hash {
		return Result{}, fmt.Errorf("%s: the hash of %s reads %q but evaluates to %q", opts.File, key, old, m.Hash)
	}
	if !opts.DryRun {
		f, err := os.OpenFile(opts.File, os.O_WRONLY, 0)
		if err != nil {
			return Result{}, fmt.Errorf("%w (nothing downloaded)", err)
		}
		f.Close()
	}

	c, err := compute(ctx, m, opts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Model: m, Name: c.name, Size: c.manifest.Size(), Manifest: c.manifest.Digest(), Old: old, New: c.hash.SRI()}
	out, line, err := SetHash(src, key, res.New)
	if err != nil {
		return res, err
	}
	res.Line = line
	if same(old, res.New) {
		report(opts, res, c.source, "already pinned: "+opts.File+" unchanged")
		return res, nil
	}
	if opts.DryRun {
		fmt.Fprint(ui.Or(opts.Out), lineDiff(opts.File, src, out, line))
		report(opts, res, c.source, "dry run: "+opts.File+" not written")
		return res, nil
	}
	check := func(tmp string) error { return checkEdit(ctx, opts, tmp, models, key, res.New) }
	if err := writeAtomic(opts.fileSystem(), opts.File, src, out, check); err != nil {
		if errors.Is(err, errChanged) {
			return res, fmt.Errorf("%s changed while the model was pinned (edited meanwhile?), so it was left as it is: run %s %s again", opts.File, pinCommand, key)
		}
		return res, fmt.Errorf("writing %s: %w", opts.File, err)
	}
	res.Written = true
	report(opts, res, c.source, fmt.Sprintf("%s line %d updated", opts.File, line))
	return res, nil
}

// checkEdit evaluates the rewritten file: it must hold the same models with
// only key's hash changed, to hash.
func checkEdit(ctx context.Context, opts Options, tmp string, before []Model, key, hash string) error {
	after, err := Read(ctx, tmp, opts.evaluator())
	if err != nil {
		return err
	}
	if len(after) != len(before) {
		return fmt.Errorf("it has %d models, the old file %d", len(after), len(before))
	}
	for i, m := range before {
		if m.Key == key {
			m.Hash = hash
		}
		if after[i] != m {
			return fmt.Errorf("model %s evaluates to %+v, want %+v", m.Key, after[i], m)
		}
	}
	return nil
}

// same reports whether two hash strings denote the same digest.
func same(a, b string) bool {
	ha, err1 := narhash.Parse(a)
	hb, err2 := narhash.Parse(b)
	return err1 == nil && err2 == nil && ha.Equal(hb)
}

// report prints the pin summary.
func report(opts Options, res Result, source, outcome string) {
	w := ui.Or(opts.Out)
	fmt.Fprintf(w, "%s (%s)\n", res.Model.Key, res.Name)
	fmt.Fprintf(w, "  from:      %s\n", source)
	fmt.Fprintf(w, "  size:      %s (%d bytes; %s says %s)\n", ui.DecimalBytes(res.Size), res.Size, opts.File, res.Model.Size)
	fmt.Fprintf(w, "  manifest:  %s\n", res.Manifest)
	fmt.Fprintf(w, "  hash:      %s → %s\n", res.Old, res.New)
	fmt.Fprintf(w, "  %s\n", outcome)
}
