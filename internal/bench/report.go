package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// limitedBuffer keeps the last few KiB a command printed.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	if len(l.b) > 8192 {
		l.b = l.b[len(l.b)-8192:]
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }

// daemonResult is what bench:load measured on one daemon.
type daemonResult struct {
	daemon Daemon
	info   engineInfo
	err    error                    // the daemon could not be asked: nothing was measured
	times  map[string][]measurement // by row name
	failed map[string]string        // row name → why it failed
	skopeo string                   // why skopeo was not measured; "" when it was
	rounds int
}

// printDaemon writes one daemon's section of the report.
func printDaemon(w io.Writer, res daemonResult) {
	fmt.Fprintf(w, "\n== %s=%s: ", res.daemon.Name, res.daemon.Host)
	if res.err != nil {
		fmt.Fprintf(w, "unreachable: %s\n", summary(res.err))
		return
	}
	fmt.Fprintf(w, "%s, median of %d rounds\n", res.info, res.rounds)
	fmt.Fprintf(w, "%-48s %9s  %s\n", "measurement", "seconds", "ratio")
	row := rows{w: w, width: 48, times: res.times, failed: res.failed, failedAs: "load failed"}.row
	ref, haveRef := row(rowDocker, func(time.Duration) string { return "1.00 (the daemon's own ingest)" })
	against := func(base time.Duration, ok bool, what string, target float64) func(time.Duration) string {
		return func(m time.Duration) string {
			if !ok {
				return "no " + what + " to compare with"
			}
			r := ratio(m, base)
			return fmt.Sprintf("%.2f× %s (target ≤ %.2f): %s", r, what, target, verdict(r <= target))
		}
	}
	cold, haveCold := row(rowCold, against(ref, haveRef, "docker load", 1.15))
	row(rowTop, against(cold, haveCold, "cold", 0.25))
	row(rowRepeat, within(300*time.Millisecond))
	row(rowInProcess, within(20*time.Millisecond))
	present, havePresent := row(rowDockerPresent, func(time.Duration) string { return "" })
	row(rowReload, func(m time.Duration) string {
		if !havePresent {
			return "no docker load of the present image to compare with"
		}
		r := ratio(present, m)
		return fmt.Sprintf("%.1f× faster than docker load -i of it (target ≥ 5×): %s", r, verdict(r >= 5))
	})
	if res.skopeo != "" {
		fmt.Fprintf(w, "%-48s %9s  %s\n", rowSkopeo, "-", res.skopeo)
	} else {
		row(rowSkopeo, func(m time.Duration) string {
			if !haveRef {
				return ""
			}
			return fmt.Sprintf("%.2f× docker load", ratio(m, ref))
		})
	}
	peak := int64(0)
	for _, name := range []string{rowCold, rowTop, rowReload} {
		for _, m := range res.times[name] {
			peak = max(peak, m.maxRSS)
		}
	}
	if peak > 0 {
		fmt.Fprintf(w, "%-48s %6.1f MiB  target ≤ 64 MiB: %s\n", "peak RSS of the loader process", float64(peak)/(1<<20), verdict(peak <= 64<<20))
	}
}

// rows prints the rows of a report: a measurement's median and a note,
// or why it failed.
type rows struct {
	w        io.Writer
	width    int // of the name column
	times    map[string][]measurement
	failed   map[string]string // row name → why it failed
	failedAs string            // what a failed row says before why: "load failed"
}

// row prints name's median and note(median), or why it failed; it returns
// the median and whether there is one. A row without measurements is not
// printed.
func (r rows) row(name string, note func(m time.Duration) string) (time.Duration, bool) {
	if why, failed := r.failed[name]; failed {
		fmt.Fprintf(r.w, "%-*s %9s  %s: %s\n", r.width, name, "-", r.failedAs, why)
		return 0, false
	}
	ms := r.times[name]
	if len(ms) == 0 {
		return 0, false
	}
	m := median(ms).elapsed
	fmt.Fprintln(r.w, strings.TrimRight(fmt.Sprintf("%-*s %9.3f  %s", r.width, name, m.Seconds(), note(m)), " "))
	return m, true
}

// within notes whether a time meets target.
func within(target time.Duration) func(time.Duration) string {
	return func(m time.Duration) string {
		return fmt.Sprintf("target ≤ %.3f s: %s", target.Seconds(), verdict(m <= target))
	}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
