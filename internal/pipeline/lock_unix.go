//go:build unix

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/nanna-coder/build/internal/wait"
)

// lockPoll is how often a busy lock is tried again.
const lockPoll = 5 * time.Millisecond

// lockFile takes an exclusive flock(2) on path, creating the file if it is
// missing, waiting while another process (or Engine) holds it until ctx is
// done. It returns the function that releases the lock and true: the lock
// excludes every other writer.
func lockFile(ctx context.Context, path string) (unlock func() error, exclusive bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			break
		}
		if err := wait.Sleep(ctx, lockPoll); err != nil {
			f.Close() //nolint:errcheck // nothing written
			return nil, false, err
		}
	}
	if err != nil {
		f.Close() //nolint:errcheck // nothing written
		return nil, false, fmt.Errorf("locking %s: %w", path, err)
	}
	return f.Close, true, nil // closing releases the lock
}
