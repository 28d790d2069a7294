package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nanna-coder/build/internal/flock"
)

// TestLockFile checks what lockFile adds to flock.Lock (whose waiting is
// tested in package flock): it creates the file, and the lock it takes
// excludes a second lockFile.
func TestLockFile(t *testing.T) {
	if !flock.Supported {
		t.Skip("no flock")
	}
	path := filepath.Join(t.TempDir(), "lock")
	unlock, exclusive, err := lockFile(context.Background(), path)
	if err != nil || !exclusive {
		t.Fatalf("lockFile() = %v, %v; want an exclusive lock", exclusive, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("lockFile() did not create the lock file: %v", err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := lockFile(canceled, path); !errors.Is(err, context.Canceled) {
		t.Errorf("lockFile() while locked, context canceled = %v, want it to wait and give up", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	again, _, err := lockFile(context.Background(), path)
	if err != nil {
		t.Fatalf("lockFile() after unlock = %v", err)
	}
	if err := again(); err != nil {
		t.Fatal(err)
	}
}
