package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/nanna-coder/build/internal/nixbuild"
)

// Source adds every file of the source of the flake in dir as [Inputs.Dir]
// counts files (contents and executable bit; a symbolic link by its
// target's name), so that an edit, a rename, an addition or a removal
// changes the key. The files are those nixbuild.SourceFiles lists: in a
// Git work tree the files Git tracks plus the untracked ones it does not
// ignore, outside Git every file under dir. Ignored files do not count, so
// build outputs such as bin/ belong in .gitignore and a file the flake
// reads must not be in it. A relative dir is taken from [Options.Dir];
// files are named by their path from there. Git runs with ctx.
func (in *Inputs) Source(ctx context.Context, dir string) error {
	root := in.abs(dir)
	files, err := nixbuild.SourceFiles(ctx, root)
	if err != nil {
		return fmt.Errorf("reading input source %s: %w", dir, err)
	}
	for _, name := range files {
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
