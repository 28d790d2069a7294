package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

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
// the same environment (os.Getenv). Config.Env lists the variables read:
// from the file's text (see EnvVars) when it was evaluated, Defaults'
// otherwise; a variable name EnvVars cannot read is an error.
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
	if c.Env, err = fileEnv(file); err != nil {
		return Config{}, err
	}
	return c, nil
}

// fileEnv lists the variables file reads (EnvVars) and those Defaults
// reads, which are the same unless the file is out of step with them; a
// variable too many only makes a cache key stricter.
func fileEnv(file string) ([]string, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	names, err := EnvVars(src)
	if err != nil {
		return nil, fmt.Errorf("listing the environment variables %s reads: %w", file, err)
	}
	names = append(names, Defaults(nil).Env...)
	slices.Sort(names)
	return slices.Compact(names), nil
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
