package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves one second each time it is read.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// events records what a Reporter is told, one line per call.
type events struct {
	mu    sync.Mutex
	lines []string
	done  []Summary
}

func (e *events) add(line string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lines = append(e.lines, line)
}

func (e *events) Started(step string) { e.add("started " + step) }
func (e *events) Finished(r Result)   { e.add("finished " + r.Step + " " + string(r.Status)) }
func (e *events) Done(s Summary) {
	e.add("done")
	e.mu.Lock()
	defer e.mu.Unlock()
	e.done = append(e.done, s)
}

var _ Reporter = (*events)(nil)

// calls counts the calls of each step's functions and keeps their order.
type calls struct {
	mu    sync.Mutex
	n     map[string]int // "run build:all" → calls
	order []string
}

func (c *calls) add(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[what]++
	c.order = append(c.order, what)
}

func (c *calls) count(what string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[what]
}

// simple returns a step that records its start and end in c and returns
// err (nil: an output naming the step).
func simple(c *calls, name string, err error, deps ...string) Step {
	return Step{
		Name: name,
		Deps: deps,
		Run: func(context.Context, *Context) (Output, error) {
			c.add("start " + name)
			defer c.add("end " + name)
			if err != nil {
				return nil, err
			}
			return Output{"made": name}, nil
		},
	}
}

// newEngine returns an Engine over a new cache directory with a fake
// clock and no environment, its options changed by edit.
func newEngine(t *testing.T, edit func(*Options)) *Engine {
	t.Helper()
	opts := Options{
		CacheDir:    t.TempDir(),
		CodeVersion: "v1",
		Explain:     true,
		Parallel:    4,
		clock:       (&fakeClock{}).now,
		lookupEnv:   func(string) (string, bool) { return "", false },
	}
	if edit != nil {
		edit(&opts)
	}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// statuses maps each step of s to its status.
func statuses(s Summary) map[string]Status {
	m := map[string]Status{}
	for _, r := range s.Results {
		m[r.Step] = r.Status
	}
	return m
}

// result returns the result of step in s.
func result(t *testing.T, s Summary, step string) Result {
	t.Helper()
	for _, r := range s.Results {
		if r.Step == step {
			return r
		}
	}
	t.Fatalf("no result for %s in %v", step, s.Results)
	return Result{}
}
