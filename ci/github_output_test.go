package ci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

func TestOutputs(t *testing.T) {
	img := func(ref, digest string) string { return ui.ImageLine(ui.Image{Reference: ref, Digest: digest}) }
	tests := []struct {
		name    string
		results []pipeline.Result
		want    []output
	}{
		{"no images", []pipeline.Result{{Step: "a", Status: pipeline.Ran, Summary: []string{"3 images"}}}, nil},
		{
			"one image", []pipeline.Result{{Step: "push", Status: pipeline.Ran, Summary: []string{img("ghcr.io/o/ollama:latest", "sha256:d")}}},
			[]output{{"images", "ghcr.io/o/ollama:latest"}, {"digests", "ghcr.io/o/ollama:latest@sha256:d"},
				{"image-ollama", "ghcr.io/o/ollama:latest"}, {"digest-ollama", "sha256:d"}},
		},
		{
			"merged across steps, first name wins", []pipeline.Result{
				{Step: "load", Status: pipeline.Cached, Summary: []string{img("localhost:5000/ollama:dev", ""), img("web", "")}},
				{Step: "push", Status: pipeline.Ran, Summary: []string{img("localhost:5000/ollama:dev", "sha256:d"), img("ghcr.io/x/ollama@sha256:e", "")}},
				{Step: "bad", Status: pipeline.Failed, Summary: []string{img("failed/ref", "sha256:f")}},
				{Step: "skip", Status: pipeline.Skipped, Summary: []string{img("skipped/ref", "")}},
			},
			[]output{
				{"images", "localhost:5000/ollama:dev\nweb\nghcr.io/x/ollama@sha256:e"},
				{"digests", "localhost:5000/ollama:dev@sha256:d"},
				{"image-ollama", "localhost:5000/ollama:dev"}, {"digest-ollama", "sha256:d"},
				{"image-web", "web"},
			},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, outputs(pipeline.Summary{Results: tt.results}), cmp.AllowUnexported(output{})); diff != "" {
			t.Errorf("%s: outputs() (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestOutputLine(t *testing.T) {
	tests := []struct {
		name   string
		o      output
		tokens []string
		want   string
	}{
		{"one line", output{"image-ollama", "ghcr.io/o/ollama:latest"}, nil, "image-ollama=ghcr.io/o/ollama:latest\n"},
		{"lines", output{"images", "a\nb"}, []string{"x1"}, "images<<ghadelimiter_x1\na\nb\nghadelimiter_x1\n"},
		{"CR", output{"images", "a\rb"}, []string{"x1"}, "images<<ghadelimiter_x1\na\rb\nghadelimiter_x1\n"},
		{"delimiter in the value", output{"images", "a\nghadelimiter_x1\nb"}, []string{"x1", "x2"},
			"images<<ghadelimiter_x2\na\nghadelimiter_x1\nb\nghadelimiter_x2\n"},
	}
	for _, tt := range tests {
		r := NewGitHub(&strings.Builder{}, GitHub{}, nil)
		r.token = func() string { tok := tt.tokens[0]; tt.tokens = tt.tokens[1:]; return tok }
		got, err := r.outputLine(tt.o)
		if err != nil || got != tt.want {
			t.Errorf("%s: outputLine(%v) = %q, %v, want %q", tt.name, tt.o, got, err, tt.want)
		}
	}
	r := NewGitHub(&strings.Builder{}, GitHub{}, nil)
	r.token = func() string { return "same" }
	if got, err := r.outputLine(output{"images", "a\nghadelimiter_same"}); err == nil {
		t.Errorf("outputLine with a value holding every delimiter = %q, want an error", got)
	}
}

// TestOutputFile checks that Done appends to GITHUB_OUTPUT, keeping what
// earlier steps of the job wrote.
func TestOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "output")
	if err := os.WriteFile(path, []byte("earlier=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newTestGitHub(t, &strings.Builder{}, GitHub{Output: path})
	r.Done(pipeline.Summary{Results: []pipeline.Result{{Step: "push", Status: pipeline.Ran, Summary: []string{
		ui.ImageLine(ui.Image{Reference: "ghcr.io/o/a:1", Digest: "sha256:a"}), ui.ImageLine(ui.Image{Reference: "ghcr.io/o/b:1"}),
	}}}})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "earlier=1\n" +
		"images<<ghadelimiter_token1\nghcr.io/o/a:1\nghcr.io/o/b:1\nghadelimiter_token1\n" +
		"digests=ghcr.io/o/a:1@sha256:a\n" +
		"image-a=ghcr.io/o/a:1\ndigest-a=sha256:a\nimage-b=ghcr.io/o/b:1\n"
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
	}
}
