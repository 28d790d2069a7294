package narhash

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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
// While one file is hashed, a second goroutine looks ahead in its
// directory (lstat, open, readlink), so that with a second core the
// SHA-256 rarely waits for the file system.
func Path(ctx context.Context, path string) (Hash, error) {
	e := newEncoder(ctx)
	closer := make(chan io.Closer, lookahead)
	closed := make(chan struct{})
	go func() { // closing a file costs a system call: not on the hashing goroutine
		for c := range closer {
			c.Close()
		}
		close(closed)
	}()
	defer func() { close(closer); <-closed }()
	e.closer = closer
	if err := e.node(path, look(path)); err != nil {
		return Hash{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	h, err := e.finish()
	if err != nil {
		return Hash{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return h, nil
}

// lookahead is how many entries of a directory are looked at (and regular
// files opened) ahead of the one being hashed.
const lookahead = 32

// found is what looking at a path found.
type found struct {
	mode   fs.FileMode
	size   int64
	file   io.ReadCloser // a regular file, open
	target string        // a symlink's target
	err    error
}

// look lstats path and opens it if it is a regular file or reads it if it
// is a symlink.
func look(path string) found {
	fi, err := os.Lstat(path)
	if err != nil {
		return found{err: err}
	}
	en := found{mode: fi.Mode(), size: fi.Size()}
	switch {
	case en.mode.IsRegular():
		en.file, en.err = openFile(path)
	case en.mode&fs.ModeSymlink != 0:
		en.target, en.err = os.Readlink(path)
	}
	return en
}

// node writes what look found at path, and closes its file.
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
	case mode.IsDir():
		return e.dir(path)
	default:
		return fmt.Errorf("%s: unsupported file type %s (Nix archives hold only regular files, directories and symlinks)", path, mode.Type())
	}
}

// dir writes a directory: its entries in byte order of their names (as
// Nix's std::map<std::string, …>), looked at by a goroutine that keeps up
// to lookahead entries ahead.
func (e *encoder) dir(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return err
	}
	sort.Strings(names)
	ahead := make(chan found, lookahead)
	stop := make(chan struct{})
	go func() {
		defer close(ahead)
		for _, name := range names {
			en := look(filepath.Join(path, name))
			select {
			case ahead <- en:
			case <-stop:
				if en.file != nil {
					en.file.Close()
				}
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for en := range ahead { // close what was opened ahead
			if en.file != nil {
				en.file.Close()
			}
		}
	}()
	e.openDir()
	for _, name := range names {
		en := <-ahead
		e.openEntry(name)
		if err := e.node(filepath.Join(path, name), en); err != nil {
			return err
		}
		e.closeEntry()
		if e.err != nil {
			return e.err
		}
	}
	e.closeDir()
	return e.err
}
