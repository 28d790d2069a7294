package ci

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

// summaryLimit is the most GitHub accepts in a step's summary file: 1 MiB.
const summaryLimit = 1 << 20

// writeSummary appends the run's Markdown report to GITHUB_STEP_SUMMARY,
// cut to fit what the file may still take.
func (r *GitHubReporter) writeSummary(s pipeline.Summary) error {
	f, err := os.OpenFile(r.gh.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	room := r.summaryLimit - int(fi.Size())
	if _, err := f.WriteString(truncate(r.markdown(s), room)); err != nil {
		return err
	}
	return f.Close()
}

// markdown is the run's report: the counts, a table of the steps, a table
// of the images they reported, and each failure in full.
func (r *GitHubReporter) markdown(s pipeline.Summary) string {
	var b strings.Builder
	b.WriteString("## Pipeline\n\n" + counts(s) + "\n\n")
	b.WriteString("| Step | Status | Time | Note |\n|---|---|---|---|\n")
	for _, res := range s.Results {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(res.Step), statusCell(res.Status), elapsed(res), cell(note(res)))
	}
	var images strings.Builder
	for _, res := range s.Results {
		for _, line := range res.Summary {
			if img, ok := ui.ParseImageLine(line); ok {
				fmt.Fprintf(&images, "| %s | %s | %s | %s | %s | %s |\n",
					cell(res.Step), cell(img.Reference), cell(img.ID), cell(img.Digest), size(img.Size), layers(img, res.Status))
			}
		}
	}
	if images.Len() > 0 {
		b.WriteString("\n### Images\n\n| Step | Reference | Identity | Digest | Size | Layers sent / skipped |\n|---|---|---|---|---|---|\n")
		b.WriteString(images.String())
	}
	if failed := s.Failed(); len(failed) > 0 {
		b.WriteString("\n### Failures\n")
		for _, res := range failed {
			fmt.Fprintf(&b, "\n#### %s\n\n", cell(res.Step))
			if n := r.unannotated[res.Step]; n > 0 {
				fmt.Fprintf(&b, "%d of its errors have no annotation (GitHub shows %d per step); all are below.\n\n", n, annotationsPerRun)
			}
			if res.Err != nil {
				b.WriteString(fenced(strings.TrimRight(res.Err.Error(), "\n")))
			}
		}
	}
	return b.String()
}

// counts is "1 ran, 1 cached, 2 skipped, 2 failed in 3m3s".
func counts(s pipeline.Summary) string {
	n := map[pipeline.Status]int{}
	for _, res := range s.Results {
		n[res.Status]++
	}
	var parts []string
	for _, st := range []pipeline.Status{pipeline.Ran, pipeline.Cached, pipeline.Skipped, pipeline.Failed} {
		if n[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[st], st))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no steps")
	}
	return strings.Join(parts, ", ") + " in " + seconds(s.Duration)
}

// statusCell marks a status for a quick scan of the table.
func statusCell(st pipeline.Status) string {
	mark := map[pipeline.Status]string{pipeline.Ran: "✅", pipeline.Cached: "♻️", pipeline.Skipped: "⏭️", pipeline.Failed: "❌"}[st]
	return strings.TrimSpace(mark + " " + string(st))
}

// note is a step's last column: its error's first line or skip reason,
// its summary lines other than images, and why it ran.
func note(res pipeline.Result) string {
	var parts []string
	switch res.Status {
	case pipeline.Failed:
		if res.Err != nil {
			first, _, _ := strings.Cut(res.Err.Error(), "\n")
			parts = append(parts, first)
		}
	case pipeline.Skipped:
		parts = append(parts, res.Reason)
	}
	for _, line := range res.Summary {
		if _, ok := ui.ParseImageLine(line); !ok {
			parts = append(parts, line)
		}
	}
	if res.Why != "" {
		parts = append(parts, res.Why)
	}
	return strings.Join(parts, "; ")
}

// cellEscaper keeps text inside one Markdown table cell, shown as written.
var cellEscaper = strings.NewReplacer("|", `\|`, "\r\n", "<br>", "\n", "<br>", "&", "&amp;", "<", "&lt;", ">", "&gt;")

// cell escapes s for a table cell.
func cell(s string) string { return cellEscaper.Replace(s) }

// fenced puts s in a code block whose fence is longer than any run of
// backticks in s.
func fenced(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + "text\n" + s + "\n" + fence + "\n"
}

// elapsed is a step's time column: "-" for a step that never started.
func elapsed(res pipeline.Result) string {
	if res.Status == pipeline.Skipped && res.Duration == 0 {
		return "-"
	}
	return seconds(res.Duration)
}

// seconds formats d as "0.4s", "12.0s" or "3m2s".
func seconds(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// size formats bytes as "512 B", "1.2 GiB"; empty when unknown.
func size(n int64) string {
	if n <= 0 {
		return ""
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[i])
}

// layers is the layers column: "2 / 5"; "none, cached" for a step that
// did not run this time (its record's counts are of an earlier run).
func layers(img ui.Image, st pipeline.Status) string {
	if st == pipeline.Cached {
		return "none, cached"
	}
	if !img.Layers {
		return ""
	}
	return fmt.Sprintf("%d / %d", img.LayersSent, img.LayersSkipped)
}

// truncate returns doc if it fits in limit bytes, else as much of it as
// fits with a note saying it was cut: cut at a line end (a table row, a
// line of an error), an open code block closed. Nothing if even the note
// does not fit.
func truncate(doc string, limit int) string {
	if len(doc) <= limit {
		return doc
	}
	for room := limit - len(truncatedNote(len(doc))); room >= 0; {
		keep := strings.LastIndexByte(doc[:room], '\n') + 1 // 0 if no line fits
		cut := doc[:keep]
		if fence := openFence(cut); fence != "" {
			cut += fence + "\n"
		}
		if out := cut + truncatedNote(len(doc)-keep); len(out) <= limit {
			return out
		}
		room = keep - 1 // the closing fence did not fit: drop a line more
	}
	return ""
}

// truncatedNote ends a summary whose last n bytes were left out.
func truncatedNote(n int) string {
	return fmt.Sprintf("\n> [!WARNING]\n> This summary was cut to fit GitHub's limit of 1 MiB: its last %d bytes are left out. The job's log has all of it.\n", n)
}

// openFence returns the fence of the code block doc leaves open, if any.
func openFence(doc string) string {
	open := ""
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case open == "" && strings.HasPrefix(line, "```"):
			open = line[:len(line)-len(strings.TrimLeft(line, "`"))]
		case open != "" && line == open:
			open = ""
		}
	}
	return open
}
