package pipeline

import (
	"context"
	"testing"
)

func TestRunInvalidPipeline(t *testing.T) {
	tests := []struct {
		name    string
		steps   func(c *calls) []Step
		targets []string
		want    string
	}{{
		name: "unknown dependency",
		steps: func(c *calls) []Step {
			return []Step{simple(c, "nix:check", nil), simple(c, "build:all", nil, "nix:chek")}
		},
		want: "step build:all depends on nix:chek, which is not a step",
	}, {
		name: "cycle",
		steps: func(c *calls) []Step {
			return []Step{
				simple(c, "ok", nil),
				simple(c, "build:all", nil, "ok", "load:all"),
				simple(c, "load:all", nil, "smoke"),
				simple(c, "smoke", nil, "build:all"),
			}
		},
		want: "steps depend on each other in a cycle: build:all → load:all → smoke → build:all",
	}, {
		name:  "a step needing itself",
		steps: func(c *calls) []Step { return []Step{simple(c, "ok", nil), simple(c, "smoke", nil, "ok", "smoke")} },
		want:  "steps depend on each other in a cycle: smoke → smoke",
	}, {
		name:  "two names alike",
		steps: func(c *calls) []Step { return []Step{simple(c, "smoke", nil), simple(c, "smoke", nil)} },
		want:  "two steps are named smoke",
	}, {
		name:  "no name",
		steps: func(c *calls) []Step { return []Step{simple(c, "ok", nil), simple(c, "", nil)} },
		want:  "step 2 of 2 has no name",
	}, {
		name:  "nothing to run",
		steps: func(c *calls) []Step { return []Step{simple(c, "ok", nil), {Name: "smoke"}} },
		want:  "step smoke has nothing to run",
	}, {
		name:    "unknown target",
		steps:   func(c *calls) []Step { return []Step{simple(c, "smoke", nil)} },
		targets: []string{"smoke", "smok"},
		want:    "there is no step smok to run",
	}, {
		name: "every problem at once",
		steps: func(c *calls) []Step {
			return []Step{simple(c, "a", nil, "b", "x"), simple(c, "b", nil, "a"), simple(c, "c", nil, "y")}
		},
		want: "step a depends on x, which is not a step\n" +
			"step c depends on y, which is not a step\n" +
			"steps depend on each other in a cycle: a → b → a",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &calls{}
			rep := &events{}
			s, err := newEngine(t, func(o *Options) { o.Reporter = rep }).Run(context.Background(), tt.steps(c), tt.targets...)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Run() = %v, want %q", err, tt.want)
			}
			if len(c.order) != 0 || len(s.Results) != 0 || len(rep.lines) != 0 {
				t.Errorf("an invalid pipeline ran %v, results %v, events %v", c.order, s.Results, rep.lines)
			}
		})
	}
}
