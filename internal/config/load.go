package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/nanna-coder/build/internal/nixbuild"
)

// Load evaluates the configuration file with eval and parses the result.
//
// When the file does not exist, eval is nil, or eval reports that Nix is
// not installed (nixbuild.ErrNixNotFound), Load returns Defaults(getenv)
// instead, after validating it. Other evaluation errors are returned, so a
// broken file is never silently replaced by the defaults.
//
// Nix reads environment variables itself, from its own process
// environment; getenv is only used for the defaults and should describe
// the same environment (os.Getenv).
func Load(ctx context.Context, file string, eval nixbuild.Evaluator, getenv func(string) string) (Config, error) {
	_, err := os.Stat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && eval == nil):
		return defaults(getenv)
	case err != nil:
		return Config{}, fmt.Errorf("reading %s: %w", file, err)
	}
	data, err := eval(ctx, file)
	if errors.Is(err, nixbuild.ErrNixNotFound) {
		return defaults(getenv)
	}
	if err != nil {
		return Config{}, fmt.Errorf("reading %s: %w", file, err)
	}
	c, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("reading %s: %w", file, err)
	}
	return c, nil
}

// defaults returns Defaults(getenv) if it is valid; environment variables
// can make it invalid (GITHUB_REPOSITORY=foo).
func defaults(getenv func(string) string) (Config, error) {
	c := Defaults(getenv)
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("reading built-in default configuration: %w", err)
	}
	return c, nil
}
