package nixbuild

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nanna-coder/build/internal/jsonerr"
	"github.com/nanna-coder/build/internal/ui"
)

// ErrGone means a store path is no longer valid in the Nix store, most
// likely garbage-collected; building it again brings it back.
var ErrGone = errors.New("gone (garbage-collected?)")

// Version returns what nix --version prints, such as "nix (Nix) 2.8.0":
// the implementation as well as the version, since Lix and Nix of the same
// number differ.
func Version(ctx context.Context, opts Options) (string, error) {
	stdout, stderr, err := opts.runner()(ctx, nixArgs("--version"), ui.Or(opts.Log))
	if err != nil {
		return "", commandError(ctx, "asking for the version of", "nix", err, stderr, opts.Log != nil)
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(stdout)), "\n")
	if v == "" {
		return "", errors.New("asking for the version of nix: nix --version printed nothing")
	}
	return v, nil
}

// System returns the Nix system this machine builds for by default, such
// as "x86_64-linux": builtins.currentSystem, which follows the system
// setting of nix.conf and NIX_CONFIG.
func System(ctx context.Context, opts Options) (string, error) {
	args := nixArgs("eval", "--impure", "--raw", "--expr", "builtins.currentSystem")
	stdout, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err != nil {
		return "", commandError(ctx, "asking nix for", "the current system", err, stderr, opts.Log != nil)
	}
	s := strings.TrimSpace(string(stdout))
	if s == "" {
		return "", errors.New("asking nix for the current system: builtins.currentSystem is empty")
	}
	return s, nil
}

// Valid returns nil when storePath (a path such as Build returns) is still
// valid in the Nix store, and an error wrapping ErrGone when it is not. It
// only asks the local store: nothing is substituted or built.
func Valid(ctx context.Context, storePath string, opts Options) error {
	valid, err := validPaths(ctx, []string{storePath}, opts)
	if err != nil {
		return err
	}
	if !valid[storePath] {
		return fmt.Errorf("store path %s is %w", storePath, ErrGone)
	}
	return nil
}

// validPaths returns which of paths are valid in the local store, with
// nix path-info --offline --json: without --offline, path-info tries to
// substitute a missing path, retrying an unreachable cache for seconds.
func validPaths(ctx context.Context, paths []string, opts Options) (map[string]bool, error) {
	valid := map[string]bool{}
	if len(paths) == 0 {
		return valid, nil
	}
	args := nixArgs(append([]string{"path-info", "--offline", "--json"}, paths...)...)
	stdout, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err != nil {
		return nil, commandError(ctx, "checking store path", ui.FirstN(paths, 3), err, stderr, opts.Log != nil)
	}
	infos, err := parsePathInfo(stdout)
	if err != nil {
		return nil, fmt.Errorf("checking store path %s: nix path-info --json printed %q: %w", ui.FirstN(paths, 3), ui.Abbreviate(string(stdout), 200), err)
	}
	for p, ok := range infos {
		valid[p] = ok
	}
	return valid, nil
}

// parsePathInfo reads the validity of each path from nix path-info --json:
// a list of objects with "valid": false for invalid paths (Nix 2.4 to
// 2.18), or an object from path to info, null for invalid ones (2.19 and
// later).
func parsePathInfo(stdout []byte) (map[string]bool, error) {
	out := map[string]bool{}
	if t := bytes.TrimSpace(stdout); len(t) > 0 && t[0] == '{' {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(t, &m); err != nil {
			return nil, jsonerr.Describe(t, err)
		}
		for p, info := range m {
			out[p] = string(bytes.TrimSpace(info)) != "null"
		}
		return out, nil
	}
	var list []struct {
		Path  string `json:"path"`
		Valid *bool  `json:"valid"`
	}
	if err := json.Unmarshal(stdout, &list); err != nil {
		return nil, jsonerr.Describe(stdout, err)
	}
	for _, e := range list {
		out[e.Path] = e.Valid == nil || *e.Valid
	}
	return out, nil
}
