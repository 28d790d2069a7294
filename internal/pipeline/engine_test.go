package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunOrder(t *testing.T) {
	// nix:check → build:all → load:all → smoke → push:all, and models:check
	// → push:all, given out of order.
	tests := []struct {
		name     string
		parallel int
	}{
		{"serial", 1},
		{"parallel", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &calls{}
			steps := []Step{
				simple(c, "push:all", nil, "smoke", "models:check"),
				simple(c, "smoke", nil, "load:all"),
				simple(c, "load:all", nil, "build:all"),
				simple(c, "models:check", nil),
				simple(c, "build:all", nil, "nix:check"),
				simple(c, "nix:check", nil),
			}
			s, err := newEngine(t, func(o *Options) { o.Parallel = tt.parallel }).Run(context.Background(), steps, "push:all")
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range steps {
				started := slices.Index(c.order, "start "+st.Name)
				for _, d := range st.Deps {
					if ended := slices.Index(c.order, "end "+d); ended < 0 || ended > started {
						t.Errorf("%s started before its dependency %s ended: %v", st.Name, d, c.order)
					}
				}
			}
			var order []string
			for _, r := range s.Results {
				order = append(order, r.Step)
			}
			want := []string{"models:check", "nix:check", "build:all", "load:all", "smoke", "push:all"}
			if diff := cmp.Diff(want, order); diff != "" {
				t.Errorf("Summary.Results order (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunSerialFollowsGivenOrder(t *testing.T) {
	c := &calls{}
	steps := []Step{simple(c, "b", nil), simple(c, "a", nil), simple(c, "c", nil, "a")}
	if _, err := newEngine(t, func(o *Options) { o.Parallel = 1 }).Run(context.Background(), steps); err != nil {
		t.Fatal(err)
	}
	want := []string{"start b", "end b", "start a", "end a", "start c", "end c"}
	if diff := cmp.Diff(want, c.order); diff != "" {
		t.Errorf("call order (-want +got):\n%s", diff)
	}
}

func TestRunOncePerRun(t *testing.T) {
	// A diamond: b and c need a, d needs b and c; and targets sharing a.
	tests := []struct {
		name    string
		targets []string
		want    map[string]int
	}{
		{"diamond", []string{"d"}, map[string]int{"start a": 1, "start b": 1, "start c": 1, "start d": 1}},
		{"targets sharing a dependency", []string{"b", "c", "b"}, map[string]int{"start a": 1, "start b": 1, "start c": 1}},
		{"only what the target needs", []string{"b"}, map[string]int{"start a": 1, "start b": 1}},
		{"no targets: all", nil, map[string]int{"start a": 1, "start b": 1, "start c": 1, "start d": 1, "start e": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &calls{}
			steps := []Step{
				simple(c, "a", nil),
				simple(c, "b", nil, "a"),
				simple(c, "c", nil, "a", "a"),
				simple(c, "d", nil, "b", "c"),
				simple(c, "e", nil),
			}
			if _, err := newEngine(t, nil).Run(context.Background(), steps, tt.targets...); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for k, v := range c.n {
				if strings.HasPrefix(k, "start ") {
					got[k] = v
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunOutputs(t *testing.T) {
	// load sees build's output when build ran, and when it was cached.
	var seen []Output
	var loadInput string
	steps := []Step{
		{Name: "build", Run: func(context.Context, *Context) (Output, error) {
			return Output{"path": "/nix/store/abc-image"}, nil
		}},
		{
			Name: "load",
			Deps: []string{"build"},
			Inputs: func(_ context.Context, in *Inputs) error {
				in.String("daemon", loadInput)
				return nil
			},
			Run: func(_ context.Context, c *Context) (Output, error) {
				seen = append(seen, c.Output("build"), c.Output("nope"))
				return nil, nil
			},
		},
	}
	e := newEngine(t, nil)
	for _, loadInput = range []string{"docker", "podman"} {
		if _, err := e.Run(context.Background(), steps); err != nil {
			t.Fatal(err)
		}
	}
	want := []Output{{"path": "/nix/store/abc-image"}, nil, {"path": "/nix/store/abc-image"}, nil}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("Context.Output (-want +got):\n%s", diff)
	}
}

func TestRunParallel(t *testing.T) {
	// Six independent steps, at most two at once: each waits until two
	// run, so a serial engine would never finish them.
	const limit = 2
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	running, most := 0, 0
	var steps []Step
	for i := range 6 {
		steps = append(steps, Step{Name: strconv.Itoa(i), Run: func(context.Context, *Context) (Output, error) {
			mu.Lock()
			defer mu.Unlock()
			running++
			most = max(most, running)
			cond.Broadcast()
			for running < limit && most < limit {
				cond.Wait()
			}
			running--
			return nil, nil
		}})
	}
	if _, err := newEngine(t, func(o *Options) { o.Parallel = limit }).Run(context.Background(), steps); err != nil {
		t.Fatal(err)
	}
	if most != limit {
		t.Errorf("at most %d steps ran at once, want %d", most, limit)
	}
}

func TestRunReporter(t *testing.T) {
	c := &calls{}
	rep := &events{}
	steps := []Step{simple(c, "a", errors.New("no")), simple(c, "b", nil, "a")}
	s, _ := newEngine(t, func(o *Options) { o.Reporter = rep }).Run(context.Background(), steps)
	want := []string{"started a", "finished a failed", "finished b skipped", "done"}
	if diff := cmp.Diff(want, rep.lines); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Summary{s}, rep.done, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("Done got (-want +got):\n%s", diff)
	}
	// The fake clock moves a second per reading: a's start and end, inside
	// the run's start and end.
	if got := result(t, s, "a").Duration.Seconds(); got != 1 {
		t.Errorf("a's Duration = %vs, want 1s", got)
	}
	if got := s.Duration.Seconds(); got != 3 {
		t.Errorf("Summary.Duration = %vs, want 3s", got)
	}
}

func TestNewDefaults(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	user, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(user, "nanna-coder", "pipeline"); e.opts.CacheDir != want {
		t.Errorf("CacheDir = %s, want %s", e.opts.CacheDir, want)
	}
	if e.opts.Dir != wd {
		t.Errorf("Dir = %s, want %s", e.opts.Dir, wd)
	}
	if e.opts.Parallel != runtime.GOMAXPROCS(0) {
		t.Errorf("Parallel = %d, want GOMAXPROCS", e.opts.Parallel)
	}
}
