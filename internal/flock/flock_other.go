//go:build !unix

package flock

import "os"

// Supported reports whether this system has flock(2), so that Lock locks.
const Supported = false

// try locks nothing: there is no flock on this system.
func try(*os.File) (busy bool, err error) { return false, nil }
