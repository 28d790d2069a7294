package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
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
