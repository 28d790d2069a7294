package pipeline

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nanna-coder/build/internal/ui"
)

// text is the plain-text Reporter.
type text struct{ w io.Writer }

// NewText returns a Reporter for a terminal or a plain log: a line on w
// when a step starts, and at the end a table of every step (status, time,
// and its summary, explanation or skip reason), a count of each status,
// and the full error of each failed step.
func NewText(w io.Writer) Reporter { return text{w: w} }

func (t text) Started(step string) { fmt.Fprintf(t.w, "▸ %s\n", step) }

func (t text) Finished(Result) {}

func (t text) Done(s Summary) {
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tSTATUS\tTIME\tNOTE")
	count := map[Status]int{}
	for _, r := range s.Results {
		count[r.Status]++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Step, r.Status, duration(r), note(r))
	}
	tw.Flush() //nolint:errcheck // a broken terminal has nowhere to report to
	var counts []string
	for _, st := range []Status{Ran, Cached, Skipped, Failed} {
		if count[st] > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", count[st], st))
		}
	}
	fmt.Fprintf(t.w, "%s in %s\n", strings.Join(counts, ", "), seconds(s.Duration))
	if failed := s.Failed(); len(failed) > 0 {
		fmt.Fprintln(t.w, "\nfailures:")
		for _, r := range failed {
			msg := strings.ReplaceAll(strings.TrimRight(r.Err.Error(), "\n"), "\n", "\n    ")
			fmt.Fprintf(t.w, "  %s: %s\n", r.Step, msg)
		}
	}
}

// note is the last column of a step's row.
func note(r Result) string {
	var parts []string
	switch r.Status {
	case Failed:
		first, _, _ := strings.Cut(r.Err.Error(), "\n")
		parts = append(parts, first)
	case Skipped:
		parts = append(parts, r.Reason)
	}
	for _, line := range r.Summary {
		if img, ok := ui.ParseImageLine(line); ok && r.Status == Cached {
			img.Layers = false // counts of the run that made the record
			line = img.Brief()
		}
		parts = append(parts, ui.Readable(line))
	}
	if r.Why != "" {
		parts = append(parts, r.Why)
	}
	return strings.Join(parts, "; ")
}

// duration is a step's time column: "-" for a step that never started.
func duration(r Result) string {
	if r.Status == Skipped && r.Duration == 0 {
		return "-"
	}
	return seconds(r.Duration)
}

// seconds formats d as "0.4s", "12.0s" or "3m2s".
func seconds(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}
