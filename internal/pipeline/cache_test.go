package pipeline

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// world is the checkout, environment and outputs (store paths, images)
// that a pipeline shaped like nanna-coder's sees.
type world struct {
	dir    string
	mu     sync.Mutex
	env    map[string]string
	system string
	gone   map[string]string // step → why its output is gone
	made   map[string]string // step → what its Run makes (default: its name)
	calls  calls
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{
		dir:    t.TempDir(),
		env:    map[string]string{"DOCKER_HOST": "", "GITHUB_SHA": "abc"},
		system: "x86_64-linux",
		gone:   map[string]string{},
		made:   map[string]string{},
	}
	w.write(t, "flake.nix", "{ outputs = ...; }")
	w.write(t, "nix/foo.nix", "foo")
	w.write(t, "nix/sub/image.nix", "image")
	w.write(t, "models.json", `{"llama3": "sha256:1"}`)
	return w
}

func (w *world) write(t *testing.T, name, content string) {
	t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (w *world) lookupEnv(name string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, ok := w.env[name]
	return v, ok
}

// steps returns nix:check → build:all → load:all → smoke → push:all, and
// models:check → push:all, each declaring what the real one would.
func (w *world) steps() []Step {
	step := func(name string, deps []string, inputs func(*Inputs) error) Step {
		return Step{
			Name: name,
			Deps: deps,
			Inputs: func(_ context.Context, in *Inputs) error {
				if inputs == nil {
					return nil
				}
				return inputs(in)
			},
			Run: func(context.Context, *Context) (Output, error) {
				w.calls.add("run " + name)
				w.mu.Lock()
				defer w.mu.Unlock()
				delete(w.gone, name) // running makes the output again
				return Output{"made": name + w.made[name]}, nil
			},
			Valid: func(_ context.Context, out Output) error {
				w.calls.add("valid " + name)
				w.mu.Lock()
				defer w.mu.Unlock()
				if why := w.gone[name]; why != "" {
					return errors.New(why)
				}
				return nil
			},
		}
	}
	return []Step{
		step("nix:check", nil, func(in *Inputs) error { return in.Dir("nix") }),
		step("build:all", []string{"nix:check"}, func(in *Inputs) error {
			in.String("system", w.system)
			if err := in.Files("flake.nix"); err != nil {
				return err
			}
			return in.Dir("nix")
		}),
		step("load:all", []string{"build:all"}, func(in *Inputs) error {
			in.Env("DOCKER_HOST")
			return nil
		}),
		step("smoke", []string{"load:all"}, nil),
		step("models:check", nil, func(in *Inputs) error {
			in.Env("OLLAMA_HOST")
			return in.Files("models.json")
		}),
		step("push:all", []string{"smoke", "models:check"}, func(in *Inputs) error {
			in.Env("GITHUB_SHA")
			return nil
		}),
	}
}

// engine returns an Engine over the world with the cache in cache.
func (w *world) engine(t *testing.T, cache string, edit func(*Options)) *Engine {
	return newEngine(t, func(o *Options) {
		o.CacheDir = cache
		o.Dir = w.dir
		o.lookupEnv = w.lookupEnv
		if edit != nil {
			edit(o)
		}
	})
}

// all maps every step of the world's pipeline to status.
func all(status Status) map[string]Status {
	return map[string]Status{
		"nix:check": status, "build:all": status, "load:all": status,
		"smoke": status, "models:check": status, "push:all": status,
	}
}

// ran returns the steps run since calls were at before, sorted.
func (w *world) ranSince(before int) []string {
	w.calls.mu.Lock()
	defer w.calls.mu.Unlock()
	var ran []string
	for _, c := range w.calls.order[before:] {
		if step, ok := strings.CutPrefix(c, "run "); ok {
			ran = append(ran, step)
		}
	}
	slices.Sort(ran)
	return ran
}

func (w *world) mark() int {
	w.calls.mu.Lock()
	defer w.calls.mu.Unlock()
	return len(w.calls.order)
}

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
		why:    map[string]string{"build:all": "string system changed"},
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

func TestRunFailureWritesNoRecord(t *testing.T) {
	cache := t.TempDir()
	broken := errors.New("nix build: exit status 1")
	var fail bool
	var input string
	steps := []Step{{
		Name: "build:all",
		Inputs: func(_ context.Context, in *Inputs) error {
			in.String("flake", input)
			return nil
		},
		Run: func(context.Context, *Context) (Output, error) {
			if fail {
				return nil, broken
			}
			return Output{"path": "/nix/store/abc-" + input}, nil
		},
	}}
	path := store{dir: cache}.path("build:all")
	run := func(in string, failing bool) (Result, []byte) {
		t.Helper()
		input, fail = in, failing
		s, err := newEngine(t, func(o *Options) { o.CacheDir = cache }).Run(context.Background(), steps)
		if failing != errors.Is(err, broken) {
			t.Fatalf("Run() = %v", err)
		}
		b, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return s.Results[0], b
	}
	if _, b := run("one", true); b != nil {
		t.Fatalf("a failed first run wrote %s", b)
	}
	r, saved := run("one", false)
	if r.Status != Ran || r.Why != "no record" {
		t.Errorf("run after a failure = %s (%s), want ran (no record)", r.Status, r.Why)
	}
	if _, b := run("two", true); string(b) != string(saved) {
		t.Errorf("a failed run replaced the record of the last success:\n%s\nwith\n%s", saved, b)
	}
	if r, _ := run("one", false); r.Status != Cached {
		t.Errorf("back to the inputs of the last success: %s (%s), want cached", r.Status, r.Why)
	}
}

func TestRunCorruptRecord(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(b []byte, other []byte) []byte
		why     string
	}{
		{"garbage", func([]byte, []byte) []byte { return []byte("not json") }, "invalid character 'o' in literal null (expecting 'u')"},
		{"empty", func([]byte, []byte) []byte { return nil }, "unexpected end of JSON input"},
		{"truncated", func(b, _ []byte) []byte { return b[:len(b)/2] }, "unexpected end of JSON input"},
		{"other format", func(b, _ []byte) []byte {
			return []byte(strings.Replace(string(b), `"version": 1`, `"version": 7`, 1))
		}, "record format 7, not 1"},
		{"an input digest edited", func(b, _ []byte) []byte {
			return []byte(strings.Replace(string(b), `"string flake": "`, `"string flake": "0`, 1))
		}, "its key does not match its inputs"},
		{"another step's record", func(_, other []byte) []byte { return other }, `record of step "nix:check"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			var runs calls
			steps := []Step{
				{Name: "nix:check", Run: func(context.Context, *Context) (Output, error) { return nil, nil }},
				{
					Name:   "build:all",
					Inputs: func(_ context.Context, in *Inputs) error { in.String("flake", "."); return nil },
					Run: func(context.Context, *Context) (Output, error) {
						runs.add("build:all")
						return Output{"path": "/nix/store/abc"}, nil
					},
				},
			}
			e := newEngine(t, func(o *Options) { o.CacheDir = cache })
			if _, err := e.Run(context.Background(), steps); err != nil {
				t.Fatal(err)
			}
			s := store{dir: cache}
			b, err := os.ReadFile(s.path("build:all"))
			if err != nil {
				t.Fatal(err)
			}
			other, err := os.ReadFile(s.path("nix:check"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.path("build:all"), tt.corrupt(b, other), 0o644); err != nil {
				t.Fatal(err)
			}
			sum, err := e.Run(context.Background(), steps)
			if err != nil {
				t.Fatal(err)
			}
			r := result(t, sum, "build:all")
			if want := "no record (the saved record is unreadable: " + tt.why + ")"; r.Status != Ran || r.Why != want {
				t.Errorf("build:all = %s (%s), want ran (%s)", r.Status, r.Why, want)
			}
			if n := runs.count("build:all"); n != 2 {
				t.Errorf("build:all ran %d times, want 2", n)
			}
			rec, err := s.read("build:all")
			if err != nil {
				t.Fatalf("the record after the run: %v", err)
			}
			if want := (Output{"path": "/nix/store/abc"}); !maps.Equal(rec.Output, want) {
				t.Errorf("recorded output = %v, want %v", rec.Output, want)
			}
		})
	}
}
