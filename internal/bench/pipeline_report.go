package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// The measurements of bench:pipeline, as the report names them.
const (
	rowFloor    = "mage start-up floor (compiled binary, bench:floor)"
	rowNoop     = "load:ollama no-op (compiled binary)"
	rowNixFresh = "nix build --no-link --no-eval-cache .#ollamaImage"
	rowNix      = "nix build --no-link .#ollamaImage (eval cache)"
	rowCI       = "ci, nothing changed (compiled binary)"
	rowGoTool   = "load:ollama no-op (go tool mage)"
)

// The targets of bench:pipeline.
const (
	noopOverFloor = 150 * time.Millisecond // load:ollama no-op over the floor, at most
	slowEval      = 1500 * time.Millisecond
	ciOverFloor   = 2 * time.Second
)

// pipelineResult is what bench:pipeline measured.
type pipelineResult struct {
	nix, engine string // versions, for the header
	reps        int
	times       map[string][]measurement // by row name
	failed      map[string]string        // row name → why it failed
	notes       map[string]string        // row name → what its last timed run reported ("11 cached, …")
}

// printPipeline writes bench:pipeline's report: a row per measurement
// with its median and its ratio or target (✔ met, ✘ missed).
func printPipeline(w io.Writer, res pipelineResult) {
	fmt.Fprintf(w, "\nbench:pipeline: testdata/project, its images evaluated after testdata/slow-eval's work, on a dirty Git tree; median of %d runs\n", res.reps)
	fmt.Fprintf(w, "%s; %s\n", res.nix, res.engine)
	fmt.Fprintf(w, "%-52s %9s  %s\n", "measurement", "seconds", "ratio, target")
	row := rows{w: w, width: 52, times: res.times, failed: res.failed, failedAs: "failed"}.row
	floor, haveFloor := row(rowFloor, func(time.Duration) string { return "" })
	noop, haveNoop := row(rowNoop, func(m time.Duration) string {
		if !haveFloor {
			return "no floor to compare with"
		}
		return fmt.Sprintf("%+.3f s over the floor (target ≤ +%.3f s) %s", (m - floor).Seconds(), noopOverFloor.Seconds(), mark(m-floor <= noopOverFloor))
	})
	timesNoop := func(m time.Duration) string {
		if !haveNoop {
			return ""
		}
		return fmt.Sprintf("%.1f× the no-op", ratio(m, noop))
	}
	row(rowNixFresh, func(m time.Duration) string {
		return join(timesNoop(m), fmt.Sprintf("(target ≥ %.3f s) %s", slowEval.Seconds(), mark(m >= slowEval)))
	})
	row(rowNix, timesNoop)
	row(rowCI, func(m time.Duration) string {
		note := res.notes[rowCI]
		if haveFloor {
			note = join(note, fmt.Sprintf("(target ≤ %.3f s, 2 s + the floor) %s", (ciOverFloor+floor).Seconds(), mark(m <= ciOverFloor+floor)))
		}
		return note
	})
	row(rowGoTool, func(m time.Duration) string {
		if !haveNoop {
			return "no compiled no-op to compare with"
		}
		return fmt.Sprintf("%.1f× the compiled binary, which saves %.3f s", ratio(m, noop), (m - noop).Seconds())
	})
	fmt.Fprint(w, `
--no-eval-cache: current Nix does not use its evaluation cache for a dirty Git
tree, so there every nix build evaluates the flake again; older releases,
Nix 2.8 among them, still cache it while no file changes (the plain nix
build row shows what this Nix does). load:ollama evaluates nothing while its
inputs are unchanged. go tool mage hashes the magefiles before it runs the
binary it compiled; CI runs the binary of go tool mage -compile.
`)
}

// join joins the non-empty parts with spaces.
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// mark is ✔ for a target met, ✘ for one missed.
func mark(ok bool) string {
	if ok {
		return "✔"
	}
	return "✘"
}
