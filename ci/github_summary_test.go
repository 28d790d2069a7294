package ci

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/pipeline"
)

func TestTruncate(t *testing.T) {
	tail := strings.Repeat("z", 300) + "\n" // makes each doc longer than its limit
	note := func(doc string, keep int) string { return truncatedNote(len(doc) - keep) }
	lines := "line 1\nline 2\n" + tail
	block := "a\n```text\nb\nc\n" + tail + "```\n"
	long := "````text\n```\nb\n" + tail + "````\n"
	closed := "```\nb\n```\nmore\n" + tail
	tests := []struct {
		name  string
		doc   string
		limit int
		want  string
	}{
		{"fits", lines, len(lines), lines},
		{"cut at a line end", lines, len(note(lines, 7)) + 10, "line 1\n" + note(lines, 7)},
		{"no line fits", lines, len(note(lines, 0)) + 3, note(lines, 0)},
		{"not even the note", lines, 10, ""},
		{"no room left", lines, -5, ""},
		{"open block closed", block, len(note(block, 12)) + 17, "a\n```text\nb\n```\n" + note(block, 12)},
		{"open block: the fence needs a line less", block, len(note(block, 12)) + 15, "a\n```text\n```\n" + note(block, 10)},
		{"longer fence", long, len(note(long, 13)) + 18, "````text\n```\n````\n" + note(long, 13)},
		{"closed block stays", closed, len(note(closed, 10)) + 10, "```\nb\n```\n" + note(closed, 10)},
	}
	for _, tt := range tests {
		got := truncate(tt.doc, tt.limit)
		if got != tt.want {
			t.Errorf("%s: truncate(%q, %d) = %q, want %q", tt.name, tt.doc, tt.limit, got, tt.want)
		}
		if len(got) > max(tt.limit, 0) {
			t.Errorf("%s: truncate(…, %d) is %d bytes", tt.name, tt.limit, len(got))
		}
	}
}

// TestSummaryLimit fails a step with an error of 2 MiB: the summary file
// must stay within GitHub's 1 MiB, counting what was in it before.
func TestSummaryLimit(t *testing.T) {
	huge := errors.New(strings.Repeat("a long line of the failure's output\n", 2<<20/36))
	results := []pipeline.Result{
		{Step: "build:all", Status: pipeline.Ran},
		{Step: "integration", Status: pipeline.Failed, Err: huge},
	}
	for _, before := range []int{0, 300 << 10, 1 << 20} {
		path := filepath.Join(t.TempDir(), "summary.md")
		if err := os.WriteFile(path, []byte(strings.Repeat("x", before)), 0o644); err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		r := newTestGitHub(t, &log, GitHub{StepSummary: path})
		r.Done(pipeline.Summary{Results: results})
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 1<<20 {
			t.Errorf("with %d bytes before: the summary file has %d bytes, more than 1 MiB", before, len(b))
		}
		added := string(b[before:])
		if before == 1<<20 {
			if added != "" {
				t.Errorf("with a full file: %d bytes were added", len(added))
			}
			continue
		}
		if !strings.Contains(added, "| integration | ❌ failed |") || !strings.HasSuffix(added, "The job's log has all of it.\n") {
			t.Errorf("with %d bytes before: the summary lacks the steps' table or ends with %q", before, added[max(0, len(added)-200):])
		}
		if len(b) < 1<<20-200 {
			t.Errorf("with %d bytes before: the summary file has %d bytes, far from the 1 MiB it may fill", before, len(b))
		}
		if openFence(added) != "" {
			t.Errorf("with %d bytes before: the summary leaves a code block open", before)
		}
	}
}

func TestSummaryCells(t *testing.T) {
	r := newTestGitHub(t, &strings.Builder{}, GitHub{})
	md := r.markdown(pipeline.Summary{Results: []pipeline.Result{
		{Step: "a|b", Status: pipeline.Failed, Err: errors.New("<details> & | pipes\nsecond line")},
		{Step: "c", Status: pipeline.Failed, Err: errors.New("has ``` inside")},
	}})
	for _, want := range []string{
		"| a\\|b | ❌ failed | 0.0s | &lt;details&gt; &amp; \\| pipes |",
		"````text\nhas ``` inside\n````\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown() lacks %q:\n%s", want, md)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "", 1: "1 B", 1023: "1023 B", 1024: "1.0 KiB", 1288490188: "1.2 GiB", 3 << 40: "3.0 TiB", 5 << 50: "5120.0 TiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}
