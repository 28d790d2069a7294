package flock

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them, and
// runs as the lock-holding process of TestLockHeldByAnotherProcess when
// asked to.
func TestMain(m *testing.M) {
	if path := os.Getenv(holderEnv); path != "" {
		os.Exit(holdLock(path))
	}
	goleak.VerifyTestMain(m)
}

// holderEnv names the file the lock-holding process of
// TestLockHeldByAnotherProcess locks.
const holderEnv = "NANNA_FLOCK_TEST_HOLDER"

// holdLock locks path, says "locked" on stdout and keeps the lock until
// stdin is closed.
func holdLock(path string) int {
	f, err := os.Open(path)
	if err == nil {
		err = Lock(context.Background(), f, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin) //nolint:errcheck // EOF or error: either ends the hold
	return 0
}
