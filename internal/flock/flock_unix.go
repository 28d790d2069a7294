//go:build unix

package flock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Supported reports whether this system has flock(2), so that Lock locks.
const Supported = true

// try makes one non-blocking attempt at the lock: busy when another open
// file holds it (or a signal interrupted the call), else the outcome.
func try(f *os.File) (busy bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("locking %s: %w", f.Name(), err)
	}
	return false, nil
}
