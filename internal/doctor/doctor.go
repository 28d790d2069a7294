package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Status is the outcome of a check.
type Status int

const (
	// OK means the check passed.
	OK Status = iota
	// Warn means something optional is missing.
	Warn
	// Fail means a target will not work.
	Fail
)

// String is the status as the report's first column shows it.
func (s Status) String() string {
	return [...]string{"ok", "warn", "FAIL"}[s]
}

// Finding is what one check found.
type Finding struct {
	Status Status
	Detail string // what was found
	Fix    string // what to do, for Warn and Fail
}

// Check is one named diagnosis.
type Check struct {
	Name string
	Run  func(ctx context.Context) Finding
}

// ErrUnhealthy is returned by Run when a check failed.
var ErrUnhealthy = errors.New("the machine is not ready")

// Run runs the checks in order, prints one line per check (and its fix) to
// w, and returns ErrUnhealthy naming the failed checks if any failed.
func Run(ctx context.Context, w io.Writer, checks []Check) error {
	var failed []string
	for _, c := range checks {
		f := c.Run(ctx)
		fmt.Fprintf(w, "%-4s  %-14s %s\n", f.Status, c.Name, f.Detail)
		if f.Status != OK && f.Fix != "" {
			fmt.Fprintf(w, "      %-14s fix: %s\n", "", f.Fix)
		}
		if f.Status == Fail {
			failed = append(failed, c.Name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s failed", ErrUnhealthy, strings.Join(failed, ", "))
	}
	return nil
}
