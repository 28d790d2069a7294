//go:build unix

package flock

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// open opens path for a lock, closing it at the end of the test.
func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// lockedOut tries to lock f while another file holds the lock: it must
// wait (onWait is called once) and stop when the context is canceled from
// onWait, returning the cause.
func lockedOut(t *testing.T, f *os.File) {
	t.Helper()
	cause := errors.New("gave up")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	waits := 0
	err := Lock(ctx, f, func() { waits++; cancel(cause) })
	if !errors.Is(err, cause) || waits != 1 {
		t.Errorf("Lock() while another file holds the lock = %v after %d onWait calls, want it to wait once and return the context's cause", err, waits)
	}
}

func TestLockWaitsForAnotherOpenFile(t *testing.T) {
	for _, kind := range []string{"file", "directory"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lock")
			if kind == "directory" {
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			openLock := func() *os.File {
				if kind == "directory" {
					d, err := os.Open(path)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { d.Close() })
					return d
				}
				return open(t, path)
			}
			holder := openLock()
			if err := Lock(context.Background(), holder, func() { t.Error("Lock() of a free lock waited") }); err != nil {
				t.Fatalf("Lock() of a free lock = %v", err)
			}
			lockedOut(t, openLock())

			waiting := make(chan struct{})
			got := make(chan error, 1)
			next := openLock()
			go func() { got <- Lock(context.Background(), next, func() { close(waiting) }) }()
			<-waiting // it waits while holder has the lock …
			if err := holder.Close(); err != nil {
				t.Fatal(err)
			}
			if err := <-got; err != nil { // … and gets it once holder lets go
				t.Errorf("Lock() after the holder closed its file = %v", err)
			}
			lockedOut(t, openLock())
		})
	}
}

func TestLockHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	f := open(t, path)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		stdin.Close()
		cmd.Wait() //nolint:errcheck // already failing
		t.Fatalf("lock holder said %q, %v; want locked", line, err)
	}
	lockedOut(t, f)
	stdin.Close() // the holder exits, releasing its lock
	if err := cmd.Wait(); err != nil {
		t.Fatalf("lock holder: %v", err)
	}
	if err := Lock(context.Background(), f, nil); err != nil {
		t.Errorf("Lock() after the other process exited = %v", err)
	}
}

func TestLockReportsFailure(t *testing.T) {
	f := open(t, filepath.Join(t.TempDir(), "lock"))
	f.Close()
	if err := Lock(context.Background(), f, nil); err == nil || !strings.Contains(err.Error(), "locking "+f.Name()) {
		t.Errorf("Lock() of a closed file = %v, want an error naming it", err)
	}
}
