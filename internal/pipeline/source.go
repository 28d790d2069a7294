package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// Listed adds the files named (relative to dir, with slashes) as
// [Inputs.Dir] counts files: contents and executable bit, a symbolic link
// by its target's name. So an edit, a rename, an addition or a removal in
// the list changes the key; a file gone since it was listed is left out.
// For a flake, the list is what nixbuild.FlakeFiles returns. A relative dir
// is taken from [Options.Dir]; files are named by their path from there.
func (in *Inputs) Listed(dir string, names []string) error {
	root := in.abs(dir)
	for _, name := range names {
		// Dir of a file adds just that file.
		err := in.Dir(filepath.Join(root, filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted since it was listed, so not there for Nix either
		}
		if err != nil {
			return fmt.Errorf("reading input source %s: %w", dir, err)
		}
	}
	return nil
}
