package flock

import (
	"context"
	"os"
	"time"

	"github.com/nanna-coder/build/internal/wait"
)

// poll is how often a busy lock is tried again.
const poll = 10 * time.Millisecond

// Lock takes an exclusive flock(2) on the open file or directory f. While
// another open file of the same inode holds it (in another process, or
// opened again in this one) Lock waits, trying again every few
// milliseconds, until the lock is free or ctx is done; it then returns
// ctx's cause. onWait, when not nil, is called once, the first time Lock
// has to wait (to say so). Closing f releases the lock.
//
// Where the system has no flock (Supported is false), Lock locks nothing
// and returns nil at once.
func Lock(ctx context.Context, f *os.File, onWait func()) error {
	waited := false
	for {
		busy, err := try(f)
		if !busy {
			return err
		}
		if !waited && onWait != nil {
			onWait()
		}
		waited = true
		if err := wait.Sleep(ctx, poll); err != nil {
			return err
		}
	}
}
