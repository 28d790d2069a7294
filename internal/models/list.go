package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/nanna-coder/build/internal/ui"
)

// List prints a table of every model of opts.File: key, Ollama name, size,
// status (pinned, placeholder or invalid) and hash.
func List(ctx context.Context, opts Options) error {
	models, err := Read(ctx, opts.File, opts.evaluator())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(ui.Or(opts.Out), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tNAME\tSIZE\tSTATUS\tHASH")
	for _, m := range models {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Key, m.Name, m.Size, m.Status(), m.Hash)
	}
	return tw.Flush()
}

// ErrNotPinned means a model still has the placeholder hash.
var ErrNotPinned = errors.New("not pinned")

// Check reports the models of opts.File that are not pinned. Each gets a
// warning line; with strict, Check then fails (CI's "every model pinned"
// gate), otherwise it succeeds. A hash that is neither the placeholder nor
// a valid sha256 is always an error.
func Check(ctx context.Context, strict bool, opts Options) error {
	models, err := Read(ctx, opts.File, opts.evaluator())
	if err != nil {
		return err
	}
	var placeholders, invalid []string
	for _, m := range models {
		switch m.Status() {
		case NotPinned:
			placeholders = append(placeholders, m.Key)
			fmt.Fprintf(ui.Or(opts.Out), "warning: %s (%s) is not pinned (placeholder hash); pin it with: %s %s\n", m.Key, m.Name, pinCommand, m.Key)
		case InvalidHash:
			invalid = append(invalid, m.Key)
		}
	}
	switch {
	case len(invalid) > 0:
		return fmt.Errorf("checking models: invalid hash for %s in %s (want sha256-<base64>; pin with %s NAME)", strings.Join(invalid, ", "), opts.File, pinCommand)
	case len(placeholders) > 0 && strict:
		return fmt.Errorf("checking models: %d of %d models are %w: %s", len(placeholders), len(models), ErrNotPinned, strings.Join(placeholders, ", "))
	}
	fmt.Fprintf(ui.Or(opts.Out), "%d of %d models pinned\n", len(models)-len(placeholders), len(models))
	return nil
}
