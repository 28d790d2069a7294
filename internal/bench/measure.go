package bench

import (
	"context"
	"fmt"
	"io"
	"os/exec"
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
	// Log receives progress and the report.
	Log io.Writer
}

// measurement is one timed command.
type measurement struct {
	elapsed time.Duration
	maxRSS  int64  // bytes, of the process and its children
	output  string // the first line it printed on stdout
}

// timeCommand runs args and returns its wall time, peak RSS and first line
// of output; on failure the error ends with what it printed.
func timeCommand(ctx context.Context, args []string) (measurement, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var stdout strings.Builder
	var stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	m := measurement{elapsed: time.Since(start)}
	if err != nil {
		return m, fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss << 10
	}
	m.output, _, _ = strings.Cut(strings.TrimSpace(stdout.String()), "\n")
	return m, nil
}

func median(ms []measurement) measurement {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measurement) int { return int(a.elapsed - b.elapsed) })
	return s[len(s)/2]
}
