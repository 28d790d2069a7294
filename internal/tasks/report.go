package tasks

import (
	"fmt"
	"io"
	"strings"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

// terse is the Reporter of single targets (load:image, build:all, …):
// for the steps asked for it prints what they found (a store path, a
// check, a smoke test; loads and pushes print their own lines), for every
// step one line when it did not run — cached, or skipped with its reason —
// and, with explain, why each step that ran did.
type terse struct {
	w       io.Writer
	explain bool
	asked   map[string]bool
}

// Terse returns the Reporter of a run of targets, writing to w.
func Terse(w io.Writer, explain bool, targets []string) pipeline.Reporter {
	t := terse{w: ui.Or(w), explain: explain, asked: map[string]bool{}}
	for _, s := range targets {
		t.asked[s] = true
	}
	return t
}

func (terse) Started(string) {}

func (b terse) Finished(r pipeline.Result) {
	why := ""
	if b.explain && r.Why != "" {
		why = " (" + r.Why + ")"
	}
	switch r.Status {
	case pipeline.Cached:
		what := "unchanged since its last success"
		switch {
		case len(r.Summary) > 0:
			what = r.Summary[0]
			if img, ok := ui.ParseImageLine(what); ok {
				img.Layers = false // counts of the run that made the record
				what = img.Brief()
			}
		case !b.explain:
			return // an aggregate: the steps it needs said it
		}
		fmt.Fprintf(b.w, "%s cached: %s%s\n", r.Step, what, why)
	case pipeline.Skipped:
		fmt.Fprintf(b.w, "%s skipped: %s\n", r.Step, r.Reason)
	case pipeline.Ran:
		if b.explain {
			fmt.Fprintf(b.w, "%s ran%s\n", r.Step, why)
		}
		if !b.asked[r.Step] {
			return
		}
		for _, line := range r.Summary {
			if _, ok := ui.ParseImageLine(line); !ok {
				fmt.Fprintln(b.w, line)
			}
		}
	}
}

func (terse) Done(pipeline.Summary) {}

// Failures turns a whole run's error into one line naming the failed
// steps, for a reporter that has shown each failure in full already.
func Failures(s pipeline.Summary, err error) error {
	failed := s.Failed()
	if err == nil || len(failed) == 0 {
		return err // nil, or an invalid pipeline / canceled run: say it all
	}
	names := make([]string, len(failed))
	for i, r := range failed {
		names[i] = r.Step
	}
	return fmt.Errorf("%s failed: %s (see above)", ui.Plural(len(failed), "step"), strings.Join(names, ", "))
}
