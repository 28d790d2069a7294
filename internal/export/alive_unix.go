//go:build unix

package export

import (
	"errors"
	"syscall"
)

// alive reports whether a process with the given ID runs (or may run: one
// of another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
