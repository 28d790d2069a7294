package ollama

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		in       string
		want     Name
		str      string
		manifest string
	}{
		{"llama3:8b", Name{"registry.ollama.ai", "library", "llama3", "8b"}, "llama3:8b", "manifests/registry.ollama.ai/library/llama3/8b"},
		{"qwen3", Name{"registry.ollama.ai", "library", "qwen3", "latest"}, "qwen3:latest", "manifests/registry.ollama.ai/library/qwen3/latest"},
		{"someone/model:v1.2", Name{"registry.ollama.ai", "someone", "model", "v1.2"}, "someone/model:v1.2", "manifests/registry.ollama.ai/someone/model/v1.2"},
		{"127.0.0.1:5000/library/tiny:latest", Name{"127.0.0.1:5000", "library", "tiny", "latest"}, "127.0.0.1:5000/library/tiny:latest", "manifests/127.0.0.1:5000/library/tiny/latest"},
		{"llama3.2:1b", Name{"registry.ollama.ai", "library", "llama3.2", "1b"}, "llama3.2:1b", "manifests/registry.ollama.ai/library/llama3.2/1b"},
	}
	for _, tt := range tests {
		got, err := ParseName(tt.in)
		if err != nil {
			t.Errorf("ParseName(%q) = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseName(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.str || got.ManifestPath() != tt.manifest {
			t.Errorf("ParseName(%q) = %s, %s; want %s, %s", tt.in, got, got.ManifestPath(), tt.str, tt.manifest)
		}
	}
	for _, bad := range []string{"", ":8b", "llama3:", "a/b/c/d", "llama3@sha256:00", "-x", "model:tag with space", "../x"} {
		if n, err := ParseName(bad); err == nil {
			t.Errorf("ParseName(%q) = %+v, want an error", bad, n)
		}
	}
}
