package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/nanna-coder/build/internal/flock"
)

// lockDir takes an exclusive lock (flock.Lock) on the directory dir
// itself, making it first if it is missing, and returns the function that
// releases it and whether this call made dir. While another export holds
// the lock it waits (saying so once on log) until the lock is free or ctx
// is done. A directory that was removed while waiting (a failed export
// cleaning up) is made and locked again. On a system without flock,
// exports into one layout are not serialised.
//
// The directory, not a file in it, is locked: its inode never changes
// (index.json is replaced by rename, so a lock on it would guard a file
// that is gone), and the layout gets no extra file.
func lockDir(ctx context.Context, dir string, log io.Writer) (unlock func() error, made bool, err error) {
	said := false
	onWait := func() {
		if !said {
			fmt.Fprintf(log, "%s: waiting for another export into it to finish\n", dir)
			said = true
		}
	}
	for {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, made, err
			}
			made = true
		}
		f, err := os.Open(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, made, err
		}
		if err := flock.Lock(ctx, f, onWait); err != nil {
			f.Close() //nolint:errcheck // read-only
			return nil, made, err
		}
		if sameDir(f, dir) {
			return f.Close, made, nil // closing releases the lock
		}
		f.Close() //nolint:errcheck // read-only; dir was removed meanwhile
	}
}

// sameDir reports whether path still names the directory f is open on.
func sameDir(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}
