package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Options configure a benchmark.
type Options struct {
	// Dir holds what the benchmark generates (trees, JSON files, archives,
	// the compiled magefiles), e.g. .bench; it is kept between runs.
	Dir string
	// Mage runs this project's targets as a developer does: go tool mage.
	Mage []string
	// Reps is how many times each measurement is repeated; the median counts.
	Reps int
	// Daemons are the daemons bench:load runs against, one after the
	// other (see Daemons); none means the Docker CLI's.
	Daemons []Daemon
	// SizeMiB is the size of bench:load's generated image; 0 means 300.
	SizeMiB int
	// Log receives progress and the report.
	Log io.Writer
}

// measurement is one timed command.
type measurement struct {
	elapsed time.Duration
	maxRSS  int64  // bytes, of the process and its children
	output  string // the first line it printed on stdout
}

// timeCommand runs args with env added to this process's environment and
// returns its wall time, peak RSS and first line of output; on failure it
// returns a *commandError, which ends with what the command printed.
func timeCommand(ctx context.Context, env, args []string) (measurement, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout strings.Builder
	var stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	m := measurement{elapsed: time.Since(start)}
	if err != nil {
		return m, &commandError{args: args, err: err, stderr: stderr.String()}
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss << 10
	}
	m.output, _, _ = strings.Cut(strings.TrimSpace(stdout.String()), "\n")
	return m, nil
}

// commandError is a command that failed, with the end of its stderr.
type commandError struct {
	args   []string
	err    error
	stderr string
}

// Error implements error.
func (e *commandError) Error() string {
	return fmt.Sprintf("%s: %v\n%s", strings.Join(e.args, " "), e.err, e.stderr)
}

// Unwrap returns the exec error.
func (e *commandError) Unwrap() error { return e.err }

// summary is err in one line for a report row: a command's last line of
// stderr (where docker and mage put the reason), or the error's first line.
func summary(err error) string {
	var ce *commandError
	msg := err.Error()
	if errors.As(err, &ce) {
		msg = ce.err.Error()
		lines := strings.Split(strings.TrimSpace(ce.stderr), "\n")
		if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
			msg = last
		}
	}
	msg, _, _ = strings.Cut(msg, "\n")
	msg = strings.TrimPrefix(msg, "Error: ")
	msg = longDigest().ReplaceAllStringFunc(msg, func(d string) string { return d[:len("sha256:")+12] })
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:199]) + "…"
	}
	return msg
}

// longDigest matches a full sha256 digest, which summary shortens.
func longDigest() *regexp.Regexp { return regexp.MustCompile(`sha256:[0-9a-f]{64}`) }

func median(ms []measurement) measurement {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measurement) int { return int(a.elapsed - b.elapsed) })
	return s[len(s)/2]
}
