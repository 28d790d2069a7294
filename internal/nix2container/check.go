package nix2container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
)

// Check is a preflight run before any streaming. For every layer it checks
// that the rewrite and perms regexes compile (Go RE2) and that perms modes
// parse as octal; for a layer with a layer-path, that it names a regular
// file inside StoreDir once every symlink is resolved; for a layer without
// one, that every store path is a direct child of StoreDir and exists
// (paths are not read when a layer-path is set).
// Files are looked up under store.Root. All problems are returned, joined
// with errors.Join.
func (img *Image) Check(store Store) error {
	var errs []error
	for i, l := range img.Layers {
		errs = append(errs, checkOptions(i, l)...)
		if l.LayerPath != "" {
			if err := checkLayerPath(i, l.LayerPath, store); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		for _, p := range l.Paths {
			if err := checkStorePath(i, p.Path, store); err != nil {
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

// checkLayerPath checks that a layer-path is a regular file in the store,
// symlinks resolved.
func checkLayerPath(i int, lp string, store Store) error {
	file, err := store.layerFile(lp)
	switch {
	case errors.Is(err, ErrOutsideStore):
		return fmt.Errorf("layer %d: layer-path %w", i, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("layer-path %s of layer %d is missing: build or realise it first (nix build / nix-store --realise)", lp, i)
	case err != nil:
		return fmt.Errorf("checking layer-path %s of layer %d: %w", lp, i, err)
	}
	info, err := os.Stat(file)
	switch {
	case err != nil:
		return fmt.Errorf("checking layer-path %s of layer %d: %w", lp, i, err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("layer-path %s of layer %d is not a regular file (mode %v)", lp, i, info.Mode())
	}
	return nil
}

// checkStorePath checks that a store path is one and exists (it may be a
// symlink).
func checkStorePath(i int, p string, store Store) error {
	if err := confineStorePath(p); err != nil {
		return fmt.Errorf("layer %d: path %w", i, err)
	}
	_, err := os.Lstat(store.fsPath(p))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store path %s of layer %d is missing: build or realise it first (nix build / nix-store --realise)", p, i)
	case err != nil:
		return fmt.Errorf("checking store path %s of layer %d: %w", p, i, err)
	}
	return nil
}
