package nix2container

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// StoreDir is the Nix store. Every store path of an image JSON must be a
// direct child of it and every layer-path must be inside it; nothing else is
// ever read (Store.Root moves the whole store for tests).
const StoreDir = "/nix/store"

// ErrOutsideStore is wrapped by the errors about a store path or layer-path
// that leaves the Nix store, lexically or through a symlink.
var ErrOutsideStore = errors.New("outside " + StoreDir + ", the Nix store")

// rebuildHint ends the errors about paths nix2container would never write.
const rebuildHint = "only store paths are read (rebuild the image JSON with nix build)"

// confineStorePath checks, without touching the filesystem, that a
// paths[].path is a store path: after path.Clean, a direct child of
// StoreDir. The store path itself may be a symlink: it is tarred as one.
func confineStorePath(p string) error {
	clean := path.Clean(p)
	switch {
	case !strings.HasPrefix(clean, StoreDir+"/"):
		return fmt.Errorf("%s is %w; %s", p, ErrOutsideStore, rebuildHint)
	case path.Dir(clean) != StoreDir:
		return fmt.Errorf("%s is not a store path (a direct child of the Nix store, %s/<hash>-<name>); %s", p, StoreDir, rebuildHint)
	}
	return nil
}

// confineLayerPath checks, without touching the filesystem, that a
// layer-path is inside StoreDir after path.Clean.
func confineLayerPath(lp string) error {
	if !strings.HasPrefix(path.Clean(lp), StoreDir+"/") {
		return fmt.Errorf("%s is %w; %s", lp, ErrOutsideStore, rebuildHint)
	}
	return nil
}

// layerFile returns the file a layer-path is read from: the path under Root
// with every symlink resolved. It fails when the layer-path is outside the
// store, lexically or once resolved; a missing file gives an error for which
// errors.Is(err, fs.ErrNotExist) holds.
func (s Store) layerFile(lp string) (string, error) {
	if err := confineLayerPath(lp); err != nil {
		return "", err
	}
	store, err := filepath.EvalSymlinks(s.fsPath(StoreDir))
	if err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(s.fsPath(lp))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(store, resolved)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s is %w: it resolves to %s", lp, ErrOutsideStore, resolved)
	}
	return resolved, nil
}
