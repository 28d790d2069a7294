package ci

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

// play sends rep the events of a small run.
func play(rep pipeline.Reporter) {
	rep.Started("build:all")
	res := []pipeline.Result{
		{Step: "build:all", Status: pipeline.Ran, Duration: time.Second, Summary: []string{"1 image"}},
		{Step: "push:all", Status: pipeline.Failed, Duration: time.Second, Err: errors.New("denied")},
	}
	rep.Finished(res[0])
	rep.Started("push:all")
	rep.Finished(res[1])
	rep.Done(pipeline.Summary{Results: res, Duration: 2 * time.Second})
}

func TestNewReporterLocal(t *testing.T) {
	var got, want strings.Builder
	getenv := func(k string) string {
		return map[string]string{"CI": "true", "GITHUB_TOKEN": "ghp_secret", "GITHUB_ACTIONS": "false"}[k]
	}
	play(NewReporter(getenv, &got))
	play(pipeline.NewText(&want))
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("NewReporter outside GitHub Actions (-text +got):\n%s", diff)
	}
}

func TestNewReporterGitHub(t *testing.T) {
	var log strings.Builder
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{
			"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_TOKEN": "ghp_secret", "REGISTRY_TOKEN": "reg,secret",
			"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"), "GITHUB_OUTPUT": filepath.Join(dir, "output"),
		}[k]
	}
	rep := NewReporter(getenv, &log)
	if _, ok := rep.(*GitHubReporter); !ok {
		t.Fatalf("NewReporter on GitHub Actions = %T, want the GitHub reporter", rep)
	}
	play(rep)
	lines := strings.Split(log.String(), "\n")
	if diff := cmp.Diff([]string{"::add-mask::ghp_secret", "::add-mask::reg,secret", "▸ build:all"}, lines[:3]); diff != "" {
		t.Errorf("the log does not start with the masks (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), "::error title=push%3Aall::denied\n") {
		t.Errorf("the log lacks push:all's annotation:\n%s", log.String())
	}
}

func TestGroupTitle(t *testing.T) {
	tests := []struct {
		res  pipeline.Result
		want string
	}{
		{pipeline.Result{Step: "build:all", Status: pipeline.Ran}, "build:all"},
		{pipeline.Result{Step: "nix:check", Status: pipeline.Cached}, "nix:check (cached)"},
		{pipeline.Result{Step: "push:all", Status: pipeline.Skipped, Reason: "a fork"}, "push:all (skipped: a fork)"},
		{pipeline.Result{Step: "load:all", Status: pipeline.Failed}, "load:all (failed)"},
	}
	for _, tt := range tests {
		if got := groupTitle(tt.res); got != tt.want {
			t.Errorf("groupTitle(%s %s) = %q, want %q", tt.res.Step, tt.res.Status, got, tt.want)
		}
	}
}

// TestStepOutput writes to two steps' outputs from several goroutines,
// as parallel steps do: each group holds its own step's lines, whole.
func TestStepOutput(t *testing.T) {
	var log strings.Builder
	r := newTestGitHub(t, &log, GitHub{})
	var wg sync.WaitGroup
	for _, step := range []string{"a", "b"} {
		for w := range 3 {
			wg.Go(func() {
				out := StepOutput(r, step, nil)
				for i := range 50 {
					fmt.Fprintf(out, "%s %d %d\n", step, w, i)
				}
			})
		}
	}
	wg.Wait()
	r.Finished(pipeline.Result{Step: "a", Status: pipeline.Ran})
	r.Finished(pipeline.Result{Step: "b", Status: pipeline.Ran})
	groups := strings.Split(log.String(), "::endgroup::\n")
	for i, step := range []string{"a", "b"} {
		n := 0
		for _, l := range strings.Split(groups[i], "\n") {
			if strings.HasPrefix(l, step+" ") {
				n++
			} else if l != "" && !strings.HasPrefix(l, "::") {
				t.Errorf("group %s holds the line %q", step, l)
			}
		}
		if n != 150 {
			t.Errorf("group %s holds %d of its 150 lines", step, n)
		}
	}
	var w strings.Builder
	if got := StepOutput(pipeline.NewText(&w), "a", &w); got != &w {
		t.Errorf("StepOutput of the text reporter = %v, want the writer given", got)
	}
}

func TestDoneWarnsOfUnwritableFiles(t *testing.T) {
	var log strings.Builder
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	r := newTestGitHub(t, &log, GitHub{StepSummary: filepath.Join(missing, "summary"), Output: filepath.Join(missing, "output")})
	r.Done(pipeline.Summary{Results: []pipeline.Result{{Step: "push", Status: pipeline.Ran, Summary: []string{ui.ImageLine(ui.Image{Reference: "a"})}}}})
	for _, want := range []string{"::warning::writing the step summary: ", "::warning::writing the step outputs: "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("Done's log lacks %q:\n%s", want, log.String())
		}
	}
}
