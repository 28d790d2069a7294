package ci

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// newTestGitHub returns a GitHubReporter on w whose random tokens are
// "token1", "token2", …, and whose summary and outputs files are in a
// temporary directory.
func newTestGitHub(t *testing.T, w io.Writer, gh GitHub, secrets ...string) *GitHubReporter {
	t.Helper()
	dir := t.TempDir()
	if gh.StepSummary == "" {
		gh.StepSummary = filepath.Join(dir, "summary.md")
	}
	if gh.Output == "" {
		gh.Output = filepath.Join(dir, "output")
	}
	r := NewGitHub(w, gh, secrets)
	n := 0
	r.token = func() string { n++; return fmt.Sprintf("token%d", n) }
	return r
}

// fixedTimes passes a run's events on with each step's duration replaced
// by a fixed one, so that the golden files do not depend on the clock. It
// drops Started: whether a step starts before the engine reports the
// previous one finished depends on goroutine scheduling.
type fixedTimes struct {
	pipeline.Reporter
	step map[string]time.Duration
	run  time.Duration
}

func (f fixedTimes) Started(string) {}

func (f fixedTimes) Finished(r pipeline.Result) {
	if r.Duration != 0 || r.Status != pipeline.Skipped {
		r.Duration = f.step[r.Step]
	}
	f.Reporter.Finished(r)
}

func (f fixedTimes) Done(s pipeline.Summary) {
	for i := range s.Results {
		if r := &s.Results[i]; r.Duration != 0 || r.Status != pipeline.Skipped {
			r.Duration = f.step[r.Step]
		}
	}
	s.Duration = f.run
	f.Reporter.Done(s)
}

// goldenSteps is a pipeline whose second run has a cached, a run, two
// failed (one with 12 errors, most of them located) and two skipped steps.
// Steps write their output to StepOutput(rep, …).
func goldenSteps(rev string, rep pipeline.Reporter) []pipeline.Step {
	ok := func(context.Context, *pipeline.Context) (pipeline.Output, error) { return pipeline.Output{}, nil }
	return []pipeline.Step{
		{Name: "nix:check", Run: ok},
		{
			Name: "build:all",
			Inputs: func(_ context.Context, in *pipeline.Inputs) error {
				in.String("rev", rev)
				return nil
			},
			Run: func(_ context.Context, c *pipeline.Context) (pipeline.Output, error) {
				out := StepOutput(rep, "build:all", io.Discard)
				fmt.Fprintln(out, "building .#images.ollama")
				fmt.Fprint(out, "::endgroup::\n::add-mask::not a command\nno newline at the end")
				c.Summarize("2 images")
				c.Summarize(ui.ImageLine(ui.Image{Reference: "ghcr.io/nanna-coder/ollama:latest", ID: "sha256:aaa", Digest: "sha256:ddd",
					Size: 1288490188, Layers: true, LayersSent: 2, LayersSkipped: 5}))
				c.Summarize(ui.ImageLine(ui.Image{Reference: "ghcr.io/nanna-coder/ollama:" + rev, ID: "sha256:aaa"}))
				c.Summarize(ui.ImageLine(ui.Image{Reference: "ghcr.io/nanna-coder/web|ui:latest", Size: 700}))
				return pipeline.Output{"rev": rev}, nil
			},
		},
		{
			Name: "models:check",
			Run: func(context.Context, *pipeline.Context) (pipeline.Output, error) {
				return nil, errors.New("llama3: the registry answered 500\nretry later, 100% sure")
			},
		},
		{
			Name: "load:all",
			Deps: []string{"build:all"},
			Run: func(context.Context, *pipeline.Context) (pipeline.Output, error) {
				errs := []error{
					At("/work/repo/nix/models.nix", 12, errors.New("llama3: hash mismatch: got sha256-x, want sha256-y")),
					fmt.Errorf("reading the configuration: %w", At("nanna.toml", 0, errors.New("registry.url, a URL: missing"))),
				}
				for i := range 10 {
					errs = append(errs, At("nix/images.nix", 40+i, fmt.Errorf("image %d: no such attribute", i)))
				}
				return nil, errors.Join(errs...)
			},
		},
		{Name: "smoke", Deps: []string{"load:all"}, Run: ok},
		{
			Name: "push:all",
			Deps: []string{"build:all"},
			Run: func(context.Context, *pipeline.Context) (pipeline.Output, error) {
				_, reason := GitHub{Event: "pull_request", Fork: true, HeadRepository: "someone/build"}.PushAllowed()
				return nil, pipeline.Skip(reason)
			},
		},
	}
}

// TestGitHubGolden renders a whole run of the pipeline engine: the log,
// the step summary and the outputs, against testdata/github_run.*.
func TestGitHubGolden(t *testing.T) {
	cache := t.TempDir()
	run := func(rev string, rep, wrapped pipeline.Reporter) {
		e, err := pipeline.New(pipeline.Options{CacheDir: cache, CodeVersion: "test", Parallel: 1, Explain: true, Reporter: wrapped})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Run(context.Background(), goldenSteps(rev, rep)); err == nil {
			t.Fatal("Run() = nil error, want the failures of models:check and load:all")
		}
	}
	text := pipeline.NewText(io.Discard)
	run("v1", text, text) // records nix:check's and build:all's successes

	var log strings.Builder
	gh := newTestGitHub(t, &log, GitHub{Event: "pull_request", Workspace: "/work/repo"}, "ghp_secret", "line1\nline2\r\n")
	times := map[string]time.Duration{"nix:check": 40 * time.Millisecond, "build:all": 3*time.Minute + 2*time.Second,
		"models:check": 1200 * time.Millisecond, "load:all": 12 * time.Second, "push:all": time.Second}
	run("v2", gh, fixedTimes{Reporter: gh, step: times, run: 3*time.Minute + 20*time.Second})

	summary, err := os.ReadFile(gh.gh.StepSummary)
	if err != nil {
		t.Fatal(err)
	}
	output, err := os.ReadFile(gh.gh.Output)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/github_run.log", log.String())
	golden(t, "testdata/github_run_summary.md", string(summary))
	golden(t, "testdata/github_run_output", string(output))
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the golden file (go test ./ci -run %s -update writes it): %v", t.Name(), err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
