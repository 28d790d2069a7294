package models

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// fileSystem is the part of the OS the atomic write uses; tests make it
// fail.
type fileSystem interface {
	CreateTemp(dir, pattern string) (*os.File, error)
	Rename(oldpath, newpath string) error
}

type osFS struct{}

func (osFS) CreateTemp(dir, pattern string) (*os.File, error) { return os.CreateTemp(dir, pattern) }
func (osFS) Rename(oldpath, newpath string) error             { return os.Rename(oldpath, newpath) }

// errChanged means the file to be replaced no longer holds what it held
// when it was read: someone edited it meanwhile.
var errChanged = errors.New("the file changed")

// writeAtomic replaces path, which must still hold orig, with data: it
// writes a temporary file in the same directory with path's permissions,
// syncs it, runs check on it, makes sure path still holds orig, and
// renames the temporary file over path. A symlink at path is followed:
// the file it points to is replaced, from a temporary file in that file's
// directory, and the link stays as it is. On any failure the temporary
// file is removed and path is untouched; if path no longer holds orig,
// writeAtomic fails with errChanged and leaves the edit alone. (An edit
// between that last read and the rename, a few microseconds, is still
// lost: only a lock all editors take could prevent it.) A path the caller
// may not write (its permissions) is refused even where the directory
// would allow the rename.
func writeAtomic(fsys fileSystem, path string, orig, data []byte, check func(tmp string) error) error {
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	f.Close()
	tmp, err := fsys.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if check != nil {
		if err := check(tmp.Name()); err != nil {
			return fmt.Errorf("checking the new file before replacing %s: %w", path, err)
		}
	}
	now, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(now, orig) {
		return errChanged
	}
	if err := fsys.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(filepath.Dir(path)); err == nil { // make the rename durable
		d.Sync()
		d.Close()
	}
	return nil
}
