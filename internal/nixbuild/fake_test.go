package nixbuild

import (
	"context"
	"io"
)

// withRunner returns a copy of o that runs r instead of nix.
func (o Options) withRunner(r Runner) Options {
	o.run = r
	return o
}

// fakeNix stands in for the nix process: it records each argument list,
// writes its stderr to the log like the real runner, and returns canned
// results.
type fakeNix struct {
	stdout string
	stderr string
	err    error
	calls  [][]string
}

var _ Runner = (&fakeNix{}).run

func (f *fakeNix) run(_ context.Context, args []string, log io.Writer) ([]byte, []byte, error) {
	f.calls = append(f.calls, append([]string(nil), args...))
	if log == nil {
		panic("runner called with a nil log")
	}
	_, _ = io.WriteString(log, f.stderr)
	return []byte(f.stdout), []byte(f.stderr), f.err
}

// options returns Options that run f.
func (f *fakeNix) options() Options { return Options{}.withRunner(f.run) }
