package narhash

import (
	"context"
	"fmt"
	"io"
	"io/fs"
)

// Path returns the NAR hash of the file, directory or symlink at path: the
// value `nix hash path` prints in SRI form and `nix-hash --type sha256
// --base32` in Nix's base 32.
//
// It serialises like Nix: symlinks are never followed, not even at the top
// (their target is stored as written), directory entries are sorted by the
// bytes of their names, a regular file is executable when its owner may
// execute it, and no other metadata counts. Sockets, FIFOs and devices are
// errors. Files are streamed: memory use does not grow with their size.
//
// While one file is hashed, a second goroutine walks ahead (lstat, open,
// readlink, list directories), so that with a second core the SHA-256
// rarely waits for the file system. At most maxOpen files are open at
// once, however deep the tree.
func Path(ctx context.Context, path string) (Hash, error) {
	return hashPath(ctx, path, osFS{})
}

func hashPath(ctx context.Context, path string, fsys fileSystem) (Hash, error) {
	w := startWalk(path, fsys)
	defer w.stop()
	e := newEncoder(ctx)
	e.closer = w.closer
	if err := e.tree(w.items); err != nil {
		return Hash{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	h, err := e.finish()
	if err != nil {
		return Hash{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return h, nil
}

// tree writes the nodes of a walk. An item at depth 0 is the top node;
// every other item is an entry of the directory opened last, and a
// directory's entries end with an item marking its end.
func (e *encoder) tree(items <-chan item) error {
	depth := 0
	for it := range items {
		if it.end {
			e.closeDir()
			if depth--; depth > 0 {
				e.closeEntry()
			}
			if e.err != nil {
				return e.err
			}
			continue
		}
		if depth > 0 {
			e.openEntry(it.name)
		}
		if it.err == nil && it.mode.IsDir() {
			e.openDir()
			depth++
			continue
		}
		if err := e.node(it.path, it.found); err != nil {
			return err
		}
		if depth > 0 {
			e.closeEntry()
		}
		if e.err != nil {
			return e.err
		}
	}
	return e.err
}

// node writes a node other than a directory, and hands its file to the
// closer.
func (e *encoder) node(path string, en found) error {
	if en.file != nil {
		defer func() { e.closer <- en.file }()
	}
	if en.err != nil {
		return en.err
	}
	switch mode := en.mode; {
	case mode.IsRegular():
		if err := e.regular(mode&0o100 != 0, en.size, en.file); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	case mode&fs.ModeSymlink != 0:
		return e.symlink(en.target)
	default:
		return fmt.Errorf("%s: unsupported file type %s (Nix archives hold only regular files, directories and symlinks)", path, mode.Type())
	}
}

// osFS is the file system Path hashes.
type osFS struct{}

func (osFS) openFile(name string) (io.ReadCloser, error) { return openFile(name) }

func (osFS) readDirNames(name string) ([]string, error) { return readDirNames(name) }
