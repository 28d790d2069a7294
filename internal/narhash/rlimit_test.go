//go:build unix

package narhash

import (
	"context"
	"syscall"
	"testing"
)

// TestPathUnderLowFileLimit hashes the deep vector with the process
// allowed 128 open files, fewer than the tree has files that a walk could
// open ahead, as `nix hash path` can.
func TestPathUnderLowFileLimit(t *testing.T) {
	const limit = 128
	v := deep()
	p := v.build(t, t.TempDir())
	w := readVectors(t)[v.name]

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	low := old
	low.Cur = limit
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	h, err := Path(context.Background(), p)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	if err != nil || h.SRI() != w.SRI {
		t.Errorf("Path(%d levels deep) with %d files allowed = %s, %v; want %s", deepLevels, limit, h.SRI(), err, w.SRI)
	}
}
