package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunFailures(t *testing.T) {
	errB, errC := errors.New("b broke"), errors.New("c broke")
	c := &calls{}
	steps := []Step{
		simple(c, "a", nil),
		simple(c, "b", errB, "a"),
		simple(c, "c", errC),
		simple(c, "d", nil, "b"),
		simple(c, "e", nil, "d", "f"),
		simple(c, "f", nil, "a"),
		simple(c, "g", nil, "c", "f"),
	}
	rep := &events{}
	s, err := newEngine(t, func(o *Options) { o.Reporter = rep }).Run(context.Background(), steps)
	if !errors.Is(err, errB) || !errors.Is(err, errC) {
		t.Fatalf("Run() = %v, want both failures", err)
	}
	if got, want := err.Error(), "b: b broke\nc: c broke"; got != want {
		t.Errorf("Run() error = %q, want %q", got, want)
	}
	var se *StepError
	if !errors.As(err, &se) || se.Step != "b" {
		t.Errorf("Run() error %v has no StepError of b", err)
	}
	want := map[string]Status{"a": Ran, "b": Failed, "c": Failed, "d": Skipped, "e": Skipped, "f": Ran, "g": Skipped}
	if diff := cmp.Diff(want, statuses(s)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	reasons := map[string]string{}
	for _, r := range s.Results {
		if r.Reason != "" {
			reasons[r.Step] = r.Reason
		}
	}
	wantReasons := map[string]string{"d": "b failed", "e": "b failed", "g": "c failed"}
	if diff := cmp.Diff(wantReasons, reasons); diff != "" {
		t.Errorf("skip reasons (-want +got):\n%s", diff)
	}
	for _, step := range []string{"d", "e", "g"} {
		if n := c.count("start " + step); n != 0 {
			t.Errorf("%s ran %d times, want 0", step, n)
		}
		if slices.Contains(rep.lines, "started "+step) {
			t.Errorf("%s was reported started: %v", step, rep.lines)
		}
	}
	if diff := cmp.Diff([]string{"b", "c"}, names(s.Failed())); diff != "" {
		t.Errorf("Summary.Failed() (-want +got):\n%s", diff)
	}
}

func names(rs []Result) []string {
	var n []string
	for _, r := range rs {
		n = append(n, r.Step)
	}
	return n
}

func TestRunSkip(t *testing.T) {
	c := &calls{}
	fromRun := Step{Name: "push:all", Deps: []string{"build"}, Run: func(_ context.Context, x *Context) (Output, error) {
		c.add("run push:all")
		x.Summarize("would push 3 images")
		return nil, Skip("pushing is not allowed on a pull request from a fork")
	}}
	fromInputs := Step{
		Name:   "models:check",
		Inputs: func(context.Context, *Inputs) error { return Skip("no Ollama") },
		Run: func(context.Context, *Context) (Output, error) {
			c.add("run models:check")
			return nil, nil
		},
	}
	steps := []Step{simple(c, "build", nil), fromRun, fromInputs, simple(c, "after", nil, "push:all")}
	e := newEngine(t, nil)
	for run := 1; run <= 2; run++ {
		s, err := e.Run(context.Background(), steps)
		if err != nil {
			t.Fatalf("run %d: Run() = %v, want nil: skipping is not failing", run, err)
		}
		got := map[string]string{}
		for _, r := range s.Results {
			got[r.Step] = string(r.Status) + " (" + r.Reason + ")"
		}
		want := map[string]string{
			"build":        "cached ()",
			"push:all":     "skipped (pushing is not allowed on a pull request from a fork)",
			"models:check": "skipped (no Ollama)",
			"after":        "skipped (push:all skipped)",
		}
		if run == 1 {
			want["build"] = "ran ()"
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run %d: results (-want +got):\n%s", run, diff)
		}
		if diff := cmp.Diff([]string{"would push 3 images"}, result(t, s, "push:all").Summary); diff != "" {
			t.Errorf("run %d: push:all summary (-want +got):\n%s", run, diff)
		}
	}
	if n := c.count("run push:all"); n != 2 {
		t.Errorf("push:all ran %d times in 2 runs, want 2: a skip is not a success to cache", n)
	}
	if n := c.count("run models:check"); n != 0 {
		t.Errorf("models:check ran %d times, want 0: its inputs skipped it", n)
	}
}

func TestRunPanic(t *testing.T) {
	c := &calls{}
	steps := []Step{
		{Name: "a", Run: func(context.Context, *Context) (Output, error) { panic("boom") }},
		simple(c, "b", nil),
	}
	s, err := newEngine(t, nil).Run(context.Background(), steps)
	if err == nil || !strings.HasPrefix(err.Error(), "a: panic: boom\n") {
		t.Errorf("Run() = %v, want a's panic", err)
	}
	if diff := cmp.Diff(map[string]Status{"a": Failed, "b": Ran}, statuses(s)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("interrupted")
	c := &calls{}
	steps := []Step{
		{Name: "a", Run: func(ctx context.Context, _ *Context) (Output, error) {
			c.add("start a")
			cancel(stop)
			return nil, context.Cause(ctx)
		}},
		simple(c, "b", nil, "a"),
		simple(c, "c", nil), // waits for a's slot, then finds the run canceled
		simple(c, "d", nil, "c"),
	}
	s, err := newEngine(t, func(o *Options) { o.Parallel = 1 }).Run(ctx, steps)
	if !errors.Is(err, stop) {
		t.Fatalf("Run() = %v, want the cause", err)
	}
	got := map[string]string{}
	for _, r := range s.Results {
		got[r.Step] = string(r.Status) + " (" + r.Reason + ")"
	}
	want := map[string]string{"a": "skipped (interrupted)", "b": "skipped (a skipped)", "c": "skipped (canceled)", "d": "skipped (canceled)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"start a"}, c.order); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestRunSkipReasonCanceled(t *testing.T) {
	// A step's own reason that reads like the engine's is still the step's.
	c := &calls{}
	steps := []Step{
		{Name: "a", Run: func(context.Context, *Context) (Output, error) { return nil, Skip(reasonCanceled) }},
		simple(c, "b", nil, "a"),
	}
	s, err := newEngine(t, nil).Run(context.Background(), steps)
	if err != nil {
		t.Errorf("Run() = %v, want nil", err)
	}
	if got := result(t, s, "b").Reason; got != "a skipped" {
		t.Errorf("b's Reason = %q, want %q", got, "a skipped")
	}
}
