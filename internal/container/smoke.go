package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nanna-coder/build/internal/ui"
)

// SmokeOutputMax is how much of a smoke command's output Smoke keeps: the
// last 64 KiB.
const SmokeOutputMax = 64 << 10

// Smoke runs a smoke test: opts.Cmd in a container of opts.Image, bounded
// by opts.Timeout, as Run does. It passes when the command exits 0; its
// combined output (the last SmokeOutputMax bytes) is returned either way
// and also copied to opts.Stdout and opts.Stderr as it comes. A non-zero
// exit or the timeout is a *SmokeError, whose message holds the output; a
// timeout's wraps ErrTimeout. Other errors (no such image, no daemon,
// ctx ended) are Run's.
func Smoke(ctx context.Context, c Client, opts Options) (string, error) {
	out := &ui.Tail{Max: SmokeOutputMax}
	run := opts
	run.Stdout = io.MultiWriter(out, ui.Or(opts.Stdout))
	run.Stderr = io.MultiWriter(out, ui.Or(opts.Stderr))
	code, err := Run(ctx, c, run)
	output := string(out.Bytes())
	switch {
	case err != nil && errors.Is(err, ErrTimeout):
		return output, &SmokeError{Image: opts.Image, Cmd: opts.Cmd, Timeout: opts.Timeout, Err: err, Output: output, Truncated: out.Cut()}
	case err != nil:
		return output, err
	case code != 0:
		return output, &SmokeError{Image: opts.Image, Cmd: opts.Cmd, Code: code, Output: output, Truncated: out.Cut()}
	}
	return output, nil
}

// SmokeError is a smoke command that exited non-zero or ran out of time.
type SmokeError struct {
	// Image and Cmd are what ran.
	Image string
	Cmd   []string
	// Code is the exit status; 0 after a timeout.
	Code int
	// Timeout is the bound that ran out, when Err wraps ErrTimeout.
	Timeout time.Duration
	// Err is Run's error after a timeout, nil otherwise.
	Err error
	// Output is the end of the command's combined output, Truncated when
	// there was more.
	Output    string
	Truncated bool
	// Hint, when the caller sets it, says what to do; it is printed after
	// the problem and before the output.
	Hint string
}

// Error reads "smoke test of IMAGE: `CMD` exited with status 3; HINT; it
// printed:" and the output, one indented line per line.
func (e *SmokeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "smoke test of %s: %s ", e.Image, commandLine(e.Cmd))
	if e.Err != nil {
		fmt.Fprintf(&b, "did not finish within %s and was killed", e.Timeout)
	} else {
		fmt.Fprintf(&b, "exited with status %d", e.Code)
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	out := strings.TrimRight(e.Output, "\n")
	switch {
	case out == "":
		b.WriteString("; it printed nothing")
		return b.String()
	case e.Truncated:
		if _, rest, ok := strings.Cut(out, "\n"); ok {
			out = rest // the first line is cut short
		}
		fmt.Fprintf(&b, "; the last %d KiB it printed:", SmokeOutputMax>>10)
	default:
		b.WriteString("; it printed:")
	}
	for _, line := range strings.Split(out, "\n") {
		b.WriteString("\n  | " + line)
	}
	return b.String()
}

// Unwrap gives Run's error after a timeout (which wraps ErrTimeout).
func (e *SmokeError) Unwrap() error { return e.Err }

// commandLine renders cmd for messages, in backquotes, with the arguments
// that need it single-quoted as a shell would read them.
func commandLine(cmd []string) string {
	if len(cmd) == 0 {
		return "the image's command"
	}
	args := make([]string, len(cmd))
	for i, a := range cmd {
		args[i] = a
		if a == "" || strings.IndexFunc(a, needsQuote) >= 0 {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return "`" + strings.Join(args, " ") + "`"
}

func needsQuote(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
}
