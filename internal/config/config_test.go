package config

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLookup(t *testing.T) {
	c := Defaults(nil)
	tests := []struct {
		key  string
		want Image
		err  string
	}{
		{key: "ollama", want: Image{Key: "ollama", Name: "nanna-coder-ollama", Attr: "ollamaImage", Short: "ollama", Smoke: []string{"ollama", "--version"}, SmokeTimeout: time.Minute}},
		{key: "harness", want: Image{Key: "harness", Name: "nanna-coder-harness", Attr: "harnessImage", Short: "harness", Smoke: []string{"harness", "--help"}, SmokeTimeout: time.Minute}},
		{key: "qwen3", want: Image{Key: "qwen3", Name: "nanna-coder-ollama-qwen3", Attr: "qwen3-container", Short: "ollama-qwen3", Model: true, Smoke: []string{"ollama", "--version"}, SmokeTimeout: time.Minute}},
		{key: "foo", err: `unknown image "foo": known images are gemma, harness, llama3, mistral, ollama, qwen3`},
		{key: "nanna-coder-ollama", err: `unknown image "nanna-coder-ollama": known images are gemma, harness, llama3, mistral, ollama, qwen3`},
		{key: "", err: `unknown image "": known images are gemma, harness, llama3, mistral, ollama, qwen3`},
	}
	for _, tt := range tests {
		got, err := c.Lookup(tt.key)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Lookup(%q) = %v, want %s", tt.key, err, tt.err)
			}
			if !errors.Is(err, ErrUnknownImage) {
				t.Errorf("errors.Is(%v, ErrUnknownImage) = false", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Lookup(%q) = %v", tt.key, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tt.key, diff)
		}
	}
}

func TestLookupNoImages(t *testing.T) {
	_, err := Config{}.Lookup("ollama")
	if want := `unknown image "ollama": no images are configured`; err == nil || err.Error() != want {
		t.Errorf("Lookup() = %v, want %s", err, want)
	}
}

func TestRefs(t *testing.T) {
	ollama := Image{Key: "ollama", Name: "nanna-coder-ollama", Attr: "ollamaImage", Short: "ollama"}
	qwen3 := Image{Key: "qwen3", Name: "nanna-coder-ollama-qwen3", Attr: "qwen3-container", Short: "ollama-qwen3", Model: true}
	tests := []struct {
		name      string
		env       map[string]string
		img       Image
		imageName string
		tag       string
		want      []string
	}{{
		name:      "local",
		img:       ollama,
		imageName: "nanna-coder-ollama",
		tag:       "latest",
		want:      []string{"nanna-coder-ollama:latest", "ghcr.io/local/nanna-coder/ollama:latest"},
	}, {
		name:      "CI",
		env:       map[string]string{"GITHUB_REPOSITORY": "DominicBurkart/nanna-coder", "GITHUB_SHA": "d5676c6"},
		img:       qwen3,
		imageName: "nanna-coder-ollama-qwen3",
		tag:       "latest",
		want: []string{
			"nanna-coder-ollama-qwen3:latest",
			"ghcr.io/dominicburkart/nanna-coder/ollama-qwen3:latest",
			"ghcr.io/dominicburkart/nanna-coder/ollama-qwen3:d5676c6",
		},
	}, {
		name:      "commit tag equals the image tag",
		env:       map[string]string{"GITHUB_SHA": "v1", "CONTAINER_REGISTRY": "localhost:5000"},
		img:       ollama,
		imageName: "nanna-coder-ollama",
		tag:       "v1",
		want:      []string{"nanna-coder-ollama:v1", "localhost:5000/local/nanna-coder/ollama:v1"},
	}, {
		name: "name and tag default to the config's",
		img:  ollama,
		want: []string{"nanna-coder-ollama:latest", "ghcr.io/local/nanna-coder/ollama:latest"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults(mapEnv(tt.env))
			got := c.Refs(tt.img, tt.imageName, tt.tag)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Refs(%s, %q, %q) (-want +got):\n%s", tt.img.Key, tt.imageName, tt.tag, diff)
			}
		})
	}
}

func TestRegistryRef(t *testing.T) {
	c := Config{Registry: Registry{URL: "ghcr.io", Repository: "DominicBurkart/Nanna-Coder"}}
	img := Image{Key: "harness", Name: "nanna-coder-harness", Short: "harness"}
	if got, want := c.RegistryRef(img, "abc"), "ghcr.io/dominicburkart/nanna-coder/harness:abc"; got != want {
		t.Errorf("RegistryRef() = %q, want %q", got, want)
	}
}

func TestShortName(t *testing.T) {
	tests := []struct{ name, short string }{
		{"nanna-coder-ollama", "ollama"},
		{"nanna-coder-ollama-qwen3", "ollama-qwen3"},
		{"other-image", "other-image"},
	}
	for _, tt := range tests {
		if got := newImage("k", tt.name, false).Short; got != tt.short {
			t.Errorf("newImage(%q).Short = %q, want %q", tt.name, got, tt.short)
		}
	}
}

// mapEnv returns a getenv reading m.
func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}
