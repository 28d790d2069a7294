package nix2container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Check is a preflight run before any streaming. For every layer it checks
// that the rewrite and perms regexes compile (Go RE2) and that perms modes
// parse as octal; for a layer with a layer-path, that it is an absolute path
// under /nix/store/ naming a regular file; for a layer without one, that
// every store path exists (paths are not read when a layer-path is set).
// Files are looked up under opts.Root. All problems are returned, joined
// with errors.Join.
func (img *Image) Check(opts Options) error {
	var errs []error
	for i, l := range img.Layers {
		errs = append(errs, checkOptions(i, l)...)
		if l.LayerPath != "" {
			if err := checkLayerPath(i, l.LayerPath, opts); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		for _, p := range l.Paths {
			if err := checkStorePath(i, p.Path, opts); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// checkOptions checks the regexes and modes of a layer's paths.
func checkOptions(i int, l Layer) []error {
	var errs []error
	for _, p := range l.Paths {
		if p.Options == nil {
			continue
		}
		if re := p.Options.Rewrite.Regex; re != "" {
			if _, err := regexp.Compile(re); err != nil {
				errs = append(errs, fmt.Errorf("layer %d, path %s: rewrite regex %q: %w", i, p.Path, re, err))
			}
		}
		for j, perm := range p.Options.Perms {
			if _, err := regexp.Compile(perm.Regex); err != nil {
				errs = append(errs, fmt.Errorf("layer %d, path %s: perms[%d] regex %q: %w", i, p.Path, j, perm.Regex, err))
			}
			if perm.Mode == "" {
				continue
			}
			var mode int64
			if _, err := fmt.Sscanf(perm.Mode, "%o", &mode); err != nil {
				errs = append(errs, fmt.Errorf("layer %d, path %s: perms[%d] mode %q is not octal: %w", i, p.Path, j, perm.Mode, err))
			}
		}
	}
	return errs
}

// checkLayerPath checks that a layer-path is a regular file in the store.
func checkLayerPath(i int, lp string, opts Options) error {
	if !filepath.IsAbs(lp) || !strings.HasPrefix(filepath.Clean(lp), "/nix/store/") {
		return fmt.Errorf("layer-path %s of layer %d is outside /nix/store", lp, i)
	}
	info, err := os.Stat(opts.fsPath(lp))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("layer-path %s of layer %d is missing: build or realise it first (nix build / nix-store --realise)", lp, i)
	case err != nil:
		return fmt.Errorf("checking layer-path %s of layer %d: %w", lp, i, err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("layer-path %s of layer %d is not a regular file (mode %v)", lp, i, info.Mode())
	}
	return nil
}

// checkStorePath checks that a store path exists (it may be a symlink).
func checkStorePath(i int, p string, opts Options) error {
	_, err := os.Lstat(opts.fsPath(p))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store path %s of layer %d is missing: build or realise it first (nix build / nix-store --realise)", p, i)
	case err != nil:
		return fmt.Errorf("checking store path %s of layer %d: %w", p, i, err)
	}
	return nil
}
