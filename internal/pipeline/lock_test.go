//go:build unix

package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, exclusive, err := lockFile(context.Background(), path)
	if err != nil || !exclusive {
		t.Fatalf("lockFile() = %v, %v", exclusive, err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := lockFile(canceled, path); !errors.Is(err, context.Canceled) {
		t.Errorf("lockFile() while locked, context canceled = %v, want it to wait and give up", err)
	}
	got := make(chan error, 1)
	go func() {
		unlock, _, err := lockFile(context.Background(), path)
		if err == nil {
			err = unlock()
		}
		got <- err
	}()
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("lockFile() after the holder unlocked = %v", err)
	}
}
