package tasks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
)

// openDefaults opens a project without a configuration file: the built-in
// defaults (harness, ollama and four model images) apply.
func openDefaults(t *testing.T) *project.Project {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "nix"), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(context.Background(), root, func(string) string { return "" }, project.Output{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStepsDependOnWhatTheyUse(t *testing.T) {
	steps := Steps(openDefaults(t), Options{})
	deps := map[string][]string{}
	for _, s := range steps {
		deps[s.Name] = s.Deps
	}
	tests := []struct {
		step string
		want []string
	}{
		{NixCheck, nil},
		{ModelsCheck, nil},
		{"build:ollama", nil},
		{"load:ollama", []string{"build:ollama"}},
		{"smoke:ollama", []string{"load:ollama"}},
		{"push:ollama", []string{"build:ollama", "smoke:ollama", NixCheck, ModelsCheck}},
		{BuildAll, []string{"build:gemma", "build:harness", "build:llama3", "build:mistral", "build:ollama", "build:qwen3"}},
		{PushAll, []string{"push:gemma", "push:harness", "push:llama3", "push:mistral", "push:ollama", "push:qwen3"}},
	}
	for _, tt := range tests {
		got, ok := deps[tt.step]
		if !ok {
			t.Errorf("no step %s among %d steps", tt.step, len(steps))
			continue
		}
		if diff := cmp.Diff(tt.want, got, sortStrings()); diff != "" {
			t.Errorf("%s needs (-want +got):\n%s", tt.step, diff)
		}
	}
}

func TestPushSkipsWithTheReason(t *testing.T) {
	const reason = "pushing is not allowed on a pull request from a fork (someone/build)"
	for _, s := range Steps(openDefaults(t), Options{Push: Policy{Reason: reason}}) {
		if !strings.HasPrefix(s.Name, "push:") || s.Inputs == nil {
			continue
		}
		err := s.Inputs(context.Background(), nil) // skips before declaring anything
		if err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("%s inputs = %v, want a skip saying %q", s.Name, err, reason)
		}
	}
}

func TestFailuresIsOneLine(t *testing.T) {
	s := pipeline.Summary{Results: []pipeline.Result{
		{Step: "build:ollama", Status: pipeline.Failed, Err: errors.New("building\nlong log")},
		{Step: "load:harness", Status: pipeline.Ran},
		{Step: "smoke:harness", Status: pipeline.Failed, Err: errors.New("exit 3")},
	}}
	err := Failures(s, errors.New("build:ollama: building\nlong log\nsmoke:harness: exit 3"))
	if got, want := err.Error(), "2 steps failed: build:ollama, smoke:harness (see above)"; got != want {
		t.Errorf("Failures() = %q, want %q", got, want)
	}
	if err := Failures(pipeline.Summary{}, nil); err != nil {
		t.Errorf("Failures(nothing failed) = %v, want nil", err)
	}
	invalid := errors.New("unknown step load:nope")
	if err := Failures(pipeline.Summary{}, invalid); err != invalid {
		t.Errorf("Failures(invalid pipeline) = %v, want the error itself", err)
	}
}

func TestTerseSaysWhatDidNotRun(t *testing.T) {
	tests := []struct {
		name    string
		explain bool
		res     pipeline.Result
		want    string
	}{
		{"cached with a summary", false, pipeline.Result{Step: "load:ollama", Status: pipeline.Cached, Summary: []string{"image nanna-coder-ollama:latest id=sha256:b8f38a7553d6c0ffee sent=0 skipped=3"}, Why: "unchanged"},
			"load:ollama cached: nanna-coder-ollama:latest b8f38a7553d6\n"},
		{"cached with a plain summary", false, pipeline.Result{Step: "nix:check", Status: pipeline.Cached, Summary: []string{"nix flake check"}},
			"nix:check cached: nix flake check\n"},
		{"cached, explained", true, pipeline.Result{Step: "build:ollama", Status: pipeline.Cached, Why: "unchanged since its last success"},
			"build:ollama cached: unchanged since its last success (unchanged since its last success)\n"},
		{"aggregate cached", false, pipeline.Result{Step: "load:all", Status: pipeline.Cached}, ""},
		{"skipped", false, pipeline.Result{Step: "push:ollama", Status: pipeline.Skipped, Reason: "not allowed"}, "push:ollama skipped: not allowed\n"},
		{"ran", false, pipeline.Result{Step: "load:ollama", Status: pipeline.Ran, Why: "file flake.nix changed"}, ""},
		{"ran, asked for", false, pipeline.Result{Step: "nix:check", Status: pipeline.Ran, Summary: []string{"nix flake check"}}, "nix flake check\n"},
		{"ran, asked for, an image line", false, pipeline.Result{Step: "load:harness", Status: pipeline.Ran, Summary: []string{"image a:b id=sha256:ab"}}, ""},
		{"ran, not asked for", false, pipeline.Result{Step: "build:harness", Status: pipeline.Ran, Summary: []string{"a:b: /nix/store/x.json (1 layer)"}}, ""},
		{"ran, explained", true, pipeline.Result{Step: "load:ollama", Status: pipeline.Ran, Why: "file flake.nix changed"}, "load:ollama ran (file flake.nix changed)\n"},
		{"failed", true, pipeline.Result{Step: "load:ollama", Status: pipeline.Failed, Err: errors.New("x")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			Terse(&b, tt.explain, []string{"nix:check", "load:harness"}).Finished(tt.res)
			if b.String() != tt.want {
				t.Errorf("Terse printed %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestLocalFlake(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		flake string
		want  string
		ok    bool
	}{
		{dir, dir, true},
		{"path:" + dir, dir, true},
		{filepath.Join(dir, "missing"), "", false},
		{"github:nanna-coder/nanna-coder", "", false},
		{"git+https://example.com/x.git", "", false},
	}
	for _, tt := range tests {
		got, ok := localFlake(tt.flake)
		if got != tt.want || ok != tt.ok {
			t.Errorf("localFlake(%q) = %q, %v; want %q, %v", tt.flake, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCacheDirIsPerCheckout(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a, err := CacheDir("/src/a/nanna-coder")
	if err != nil {
		t.Fatal(err)
	}
	b, err := CacheDir("/src/b/nanna-coder")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := CacheDir("/src/a/nanna-coder")
	if a == b || a != again || !strings.Contains(filepath.Base(a), "nanna-coder-") {
		t.Errorf("CacheDir = %q, %q, %q; want one directory per checkout, named after it, stable", a, b, again)
	}
}

func TestExpand(t *testing.T) {
	got := Expand([]string{"nix:check", "smoke", "load:ollama"}, []string{"harness", "ollama"})
	want := []string{"nix:check", "smoke:harness", "smoke:ollama", "load:ollama"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expand() mismatch (-want +got):\n%s", diff)
	}
}

func TestBuildIDOfThisTest(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, err := buildID(exe)
	if err != nil {
		t.Fatalf("buildID(%s) = %v", exe, err)
	}
	want, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if id != strings.TrimSpace(string(want)) {
		t.Errorf("buildID() = %q, want go tool buildid's %q", id, want)
	}
	if _, err := buildID(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("buildID(missing file) = nil error")
	}
}
