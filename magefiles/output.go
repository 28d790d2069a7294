//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/project"
)

// setup reads the configuration and environment once for a target. Output
// goes to stderr: one summary line per image, detail under -v.
func setup(ctx context.Context) (images.Env, error) {
	return images.Setup(ctx, ".", os.Getenv, os.Stderr, mg.Verbose(), isTerminal(os.Stderr))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
