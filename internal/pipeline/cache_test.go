package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunCache(t *testing.T) {
	below := func(steps ...string) []string { return append(steps, "push:all") }
	tests := []struct {
		name   string
		mutate func(t *testing.T, w *world, o *Options)
		ran    []string
		why    map[string]string
	}{{
		name:   "edit a file in a declared directory",
		mutate: func(t *testing.T, w *world, _ *Options) { w.write(t, "nix/foo.nix", "foo 2") },
		ran:    below("nix:check", "build:all", "load:all", "smoke"),
		why: map[string]string{
			"nix:check":    "file nix/foo.nix changed",
			"build:all":    "file nix/foo.nix changed, dependency nix:check re-ran",
			"load:all":     "dependency build:all re-ran",
			"smoke":        "dependency load:all re-ran",
			"models:check": "unchanged since its last success",
			"push:all":     "dependency smoke re-ran",
		},
	}, {
		name: "rename a file",
		mutate: func(t *testing.T, w *world, _ *Options) {
			if err := os.Rename(filepath.Join(w.dir, "nix/foo.nix"), filepath.Join(w.dir, "nix/bar.nix")); err != nil {
				t.Fatal(err)
			}
		},
		ran: below("nix:check", "build:all", "load:all", "smoke"),
		why: map[string]string{"nix:check": "new file nix/bar.nix, file nix/foo.nix removed"},
	}, {
		name:   "add a file to a declared directory",
		mutate: func(t *testing.T, w *world, _ *Options) { w.write(t, "nix/sub/new.nix", "") },
		ran:    below("nix:check", "build:all", "load:all", "smoke"),
		why:    map[string]string{"nix:check": "new file nix/sub/new.nix"},
	}, {
		name: "remove a file from a declared directory",
		mutate: func(t *testing.T, w *world, _ *Options) {
			if err := os.Remove(filepath.Join(w.dir, "nix/sub/image.nix")); err != nil {
				t.Fatal(err)
			}
		},
		ran: below("nix:check", "build:all", "load:all", "smoke"),
		why: map[string]string{"nix:check": "file nix/sub/image.nix removed"},
	}, {
		name:   "edit a declared file",
		mutate: func(t *testing.T, w *world, _ *Options) { w.write(t, "flake.nix", "{ }") },
		ran:    below("build:all", "load:all", "smoke"),
		why:    map[string]string{"build:all": "file flake.nix changed", "nix:check": "unchanged since its last success"},
	}, {
		name: "make a declared file executable",
		mutate: func(t *testing.T, w *world, _ *Options) {
			if err := os.Chmod(filepath.Join(w.dir, "flake.nix"), 0o755); err != nil {
				t.Fatal(err)
			}
		},
		ran: below("build:all", "load:all", "smoke"),
		why: map[string]string{"build:all": "file flake.nix changed"},
	}, {
		name:   "change an environment variable",
		mutate: func(_ *testing.T, w *world, _ *Options) { w.env["GITHUB_SHA"] = "def" },
		ran:    below(),
		why:    map[string]string{"push:all": "env GITHUB_SHA changed", "smoke": "unchanged since its last success"},
	}, {
		name:   "unset an empty environment variable",
		mutate: func(_ *testing.T, w *world, _ *Options) { delete(w.env, "DOCKER_HOST") },
		ran:    below("load:all", "smoke"),
		why:    map[string]string{"load:all": "env DOCKER_HOST unset"},
	}, {
		name:   "set an unset environment variable to empty",
		mutate: func(_ *testing.T, w *world, _ *Options) { w.env["OLLAMA_HOST"] = "" },
		ran:    below("models:check"),
		why:    map[string]string{"models:check": "env OLLAMA_HOST set", "push:all": "dependency models:check re-ran"},
	}, {
		name:   "change a string input",
		mutate: func(_ *testing.T, w *world, _ *Options) { w.system = "aarch64-linux" },
		ran:    below("build:all", "load:all", "smoke"),
		why:    map[string]string{"build:all": "system changed"},
	}, {
		name: "output gone, made again the same",
		mutate: func(_ *testing.T, w *world, _ *Options) {
			w.gone["load:all"] = "image sha256:abc is not in the daemon"
		},
		ran: []string{"load:all"},
		why: map[string]string{
			"load:all": "output gone: image sha256:abc is not in the daemon",
			"smoke":    "unchanged since its last success",
		},
	}, {
		name: "output gone, made again differently",
		mutate: func(_ *testing.T, w *world, _ *Options) {
			w.gone["build:all"] = "/nix/store/abc-image is not valid"
			w.made["build:all"] = " again"
		},
		ran: below("build:all", "load:all", "smoke"),
		why: map[string]string{
			"build:all": "output gone: /nix/store/abc-image is not valid",
			"load:all":  "dependency build:all made a different output",
			"smoke":     "dependency load:all re-ran",
		},
	}, {
		name:   "change the code version",
		mutate: func(_ *testing.T, _ *world, o *Options) { o.CodeVersion = "v2" },
		ran:    below("nix:check", "build:all", "load:all", "smoke", "models:check"),
		why: map[string]string{
			"nix:check": "code version changed (v1 → v2)",
			"build:all": "code version changed (v1 → v2), dependency nix:check re-ran",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			cache := t.TempDir()
			opts := Options{CodeVersion: "v1"}
			run := func(step string) Summary {
				t.Helper()
				s, err := w.engine(t, cache, func(o *Options) { o.CodeVersion = opts.CodeVersion }).
					Run(context.Background(), w.steps())
				if err != nil {
					t.Fatalf("%s: Run() = %v", step, err)
				}
				return s
			}
			if diff := cmp.Diff(all(Ran), statuses(run("first run"))); diff != "" {
				t.Fatalf("first run (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(all(Cached), statuses(run("second run"))); diff != "" {
				t.Fatalf("second run (-want +got):\n%s", diff)
			}
			tt.mutate(t, w, &opts)
			before := w.mark()
			s := run("after the change")
			want := all(Cached)
			for _, step := range tt.ran {
				want[step] = Ran
			}
			if diff := cmp.Diff(want, statuses(s)); diff != "" {
				t.Errorf("statuses after the change (-want +got):\n%s", diff)
			}
			slices.Sort(tt.ran)
			if diff := cmp.Diff(tt.ran, w.ranSince(before)); diff != "" {
				t.Errorf("steps run after the change (-want +got):\n%s", diff)
			}
			for step, why := range tt.why {
				if got := result(t, s, step).Why; got != why {
					t.Errorf("%s: Why = %q, want %q", step, got, why)
				}
			}
			if diff := cmp.Diff(all(Cached), statuses(run("run after the change"))); diff != "" {
				t.Errorf("the run after the change (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunForce(t *testing.T) {
	w := newWorld(t)
	cache := t.TempDir()
	if _, err := w.engine(t, cache, nil).Run(context.Background(), w.steps()); err != nil {
		t.Fatal(err)
	}
	before := w.mark()
	s, err := w.engine(t, cache, func(o *Options) { o.Force = true }).Run(context.Background(), w.steps())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all(Ran), statuses(s)); diff != "" {
		t.Errorf("forced run (-want +got):\n%s", diff)
	}
	for _, r := range s.Results {
		if r.Why != "forced" {
			t.Errorf("%s: Why = %q, want forced", r.Step, r.Why)
		}
	}
	w.calls.mu.Lock()
	defer w.calls.mu.Unlock()
	for _, c := range w.calls.order[before:] {
		if strings.HasPrefix(c, "valid ") {
			t.Errorf("forced run called %s", c)
		}
	}
}

func TestRunExplainOff(t *testing.T) {
	w := newWorld(t)
	cache := t.TempDir()
	for run := range 2 {
		s, err := w.engine(t, cache, func(o *Options) { o.Explain = false }).Run(context.Background(), w.steps())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range s.Results {
			if r.Why != "" {
				t.Errorf("run %d: %s: Why = %q without Explain", run+1, r.Step, r.Why)
			}
		}
	}
}
