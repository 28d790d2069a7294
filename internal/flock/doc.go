// Package flock takes exclusive advisory locks (flock(2)) on open files and directories, waiting for them under a context.
package flock
