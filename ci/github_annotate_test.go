package ci

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/pipeline"
)

func TestAnnotations(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	tests := []struct {
		name string
		err  error
		want []annotation
	}{
		{"plain", a, []annotation{{message: "a"}}},
		{"joined", errors.Join(a, At("nix/x.nix", 3, b)), []annotation{{message: "a"}, {file: "nix/x.nix", line: 3, message: "b"}}},
		{"nested joins", errors.Join(errors.Join(a, b), a), []annotation{{message: "a"}, {message: "b"}, {message: "a"}}},
		{"wrapped join stays whole", fmt.Errorf("checking: %w", errors.Join(a, At("f", 1, b))),
			[]annotation{{file: "f", line: 1, message: "checking: a\nb"}}},
		{"two %w stay whole", fmt.Errorf("x %w y %w", a, b), []annotation{{message: "x a y b"}}},
		{"located through wrapping", fmt.Errorf("reading: %w", At("/work/repo/nanna.toml", 7, a)),
			[]annotation{{file: "nanna.toml", line: 7, message: "reading: a"}}},
		{"outside the workspace", At("/etc/nix/nix.conf", 2, a), []annotation{{file: "/etc/nix/nix.conf", line: 2, message: "a"}}},
		{"workspace prefix is not enough", At("/work/repository/x", 2, a), []annotation{{file: "/work/repository/x", line: 2, message: "a"}}},
	}
	r := NewGitHub(&strings.Builder{}, GitHub{Workspace: "/work/repo"}, nil)
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, r.annotations(tt.err), cmp.AllowUnexported(annotation{})); diff != "" {
			t.Errorf("%s: annotations(%q) (-want +got):\n%s", tt.name, tt.err, diff)
		}
	}
}

// manyErrors joins n errors located at lines 1..n of file.
func manyErrors(file string, n int) error {
	var errs []error
	for i := range n {
		errs = append(errs, At(file, i+1, fmt.Errorf("problem %d", i+1)))
	}
	return errors.Join(errs...)
}

// errorLines returns the ::error lines of log.
func errorLines(log string) []string {
	var e []string
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(l, "::error ") {
			e = append(e, l)
		}
	}
	return e
}

func TestAnnotationCaps(t *testing.T) {
	tests := []struct {
		name        string
		perRun      int
		errs        map[string]int // step → errors, run in order a, b
		annotated   map[string]int
		unannotated map[string]int
	}{
		{"per step", 100, map[string]int{"a": 12, "b": 3}, map[string]int{"a": 10, "b": 3}, map[string]int{"a": 2}},
		{"per run", 10, map[string]int{"a": 6, "b": 6}, map[string]int{"a": 6, "b": 4}, map[string]int{"b": 2}},
		{"under both", 10, map[string]int{"a": 5, "b": 5}, map[string]int{"a": 5, "b": 5}, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			r := newTestGitHub(t, &log, GitHub{})
			r.maxPerRun = tt.perRun
			var results []pipeline.Result
			for _, step := range []string{"a", "b"} {
				res := pipeline.Result{Step: step, Status: pipeline.Failed, Err: manyErrors("f.nix", tt.errs[step])}
				r.Finished(res)
				results = append(results, res)
			}
			annotated := map[string]int{}
			for _, l := range errorLines(log.String()) {
				_, after, _ := strings.Cut(l, "title=")
				step, _, _ := strings.Cut(after, "::")
				annotated[step]++
			}
			if diff := cmp.Diff(tt.annotated, annotated); diff != "" {
				t.Errorf("annotations per step (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.unannotated, r.unannotated); diff != "" {
				t.Errorf("errors left without an annotation (-want +got):\n%s", diff)
			}
			r.Done(pipeline.Summary{Results: results})
			total := 0
			for _, n := range tt.unannotated {
				total += n
			}
			warned := strings.Contains(log.String(), fmt.Sprintf("::warning title=more errors::%d more errors", total))
			if warned != (total > 0) {
				t.Errorf("Done warned of %d more errors: %v, want %v; log:\n%s", total, warned, total > 0, log.String())
			}
		})
	}
}

func TestAnnotationsOnlyForFailures(t *testing.T) {
	var log strings.Builder
	r := newTestGitHub(t, &log, GitHub{})
	r.Finished(pipeline.Result{Step: "push:all", Status: pipeline.Skipped, Reason: "a fork", Err: errors.New("skipped: a fork")})
	r.Finished(pipeline.Result{Step: "build:all", Status: pipeline.Ran})
	if e := errorLines(log.String()); len(e) != 0 {
		t.Errorf("a skipped and a successful step wrote annotations %q", e)
	}
}
