//go:build unix

package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/nanna-coder/build/internal/wait"
)

// lockPoll is how often a busy layout lock is tried again.
const lockPoll = 10 * time.Millisecond

// lockDir takes an exclusive flock(2) on the directory dir itself, making
// it first if it is missing, and returns the function that releases it
// and whether this call made dir. While another export holds the lock it
// waits (saying so once on log) until the lock is free or ctx is done. A
// directory that was removed while waiting (a failed export cleaning up)
// is made and locked again.
//
// The directory, not a file in it, is locked: its inode never changes
// (index.json is replaced by rename, so a lock on it would guard a file
// that is gone), and the layout gets no extra file.
func lockDir(ctx context.Context, dir string, log io.Writer) (unlock func() error, made bool, err error) {
	said := false
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
		for {
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
				break
			}
			if !said {
				fmt.Fprintf(log, "%s: waiting for another export into it to finish\n", dir)
				said = true
			}
			if err := wait.Sleep(ctx, lockPoll); err != nil {
				f.Close() //nolint:errcheck // read-only
				return nil, made, err
			}
		}
		if err != nil {
			f.Close() //nolint:errcheck // read-only
			return nil, made, fmt.Errorf("locking %s: %w", dir, err)
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

// alive reports whether a process with the given ID runs (or may run: one
// of another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
