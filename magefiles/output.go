//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/project"
)

// open reads the repository's configuration and the environment once for a
// target. Output goes to stderr: one summary line per image, detail under -v.
func open(ctx context.Context) (*project.Project, error) {
	return project.Open(ctx, ".", os.Getenv, project.Output{Log: os.Stderr, Verbose: mg.Verbose(), Progress: isTerminal(os.Stderr)})
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
