package daemon

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/imageref"
)

func TestReadRefs(t *testing.T) {
	got, err := readRefs(Options{
		Refs:    []string{"nanna-coder-ollama", "ghcr.io/o/ollama:dev", "docker.io/library/nanna-coder-ollama:latest"},
		Related: []string{"nanna-coder-harness:latest", "ghcr.io/o/ollama:dev", "nanna-coder-harness"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := refs{
		familiar:   []string{"nanna-coder-ollama:latest", "ghcr.io/o/ollama:dev", "nanna-coder-ollama:latest"},
		record:     "docker.io/library/nanna-coder-ollama:latest",
		candidates: []string{"nanna-coder-ollama:latest", "ghcr.io/o/ollama:dev", "nanna-coder-harness:latest"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(refs{})); diff != "" {
		t.Errorf("readRefs() (-want +got):\n%s", diff)
	}
}

func TestReadRefsInvalid(t *testing.T) {
	digest := "app@sha256:" + strings.Repeat("a", 64)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"none", Options{}, "no reference to tag the image with"},
		{"invalid", Options{Refs: []string{"Not A Ref!"}}, `invalid image reference "Not A Ref!": want name[:tag]`},
		{"digest", Options{Refs: []string{digest}}, `invalid image reference "` + digest + `"`},
		{"invalid related", Options{Refs: []string{"app"}, Related: []string{"Bad Ref"}}, `related images: invalid image reference "Bad Ref"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readRefs(tt.opts)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("readRefs(%+v) = %v, want an error starting %q", tt.opts, err, tt.want)
			}
			if tt.name != "none" && !errors.Is(err, imageref.ErrInvalid) {
				t.Errorf("readRefs(%+v) = %v, want it to wrap imageref.ErrInvalid", tt.opts, err)
			}
		})
	}
}
