package config

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// evalJSON is what `nix eval --impure --json --file nix/container-config.nix`
// prints in an empty environment.
const evalJSON = `{"images":{"harness":"nanna-coder-harness","models":{"gemma":"nanna-coder-ollama-gemma","llama3":"nanna-coder-ollama-llama3","mistral":"nanna-coder-ollama-mistral","qwen3":"nanna-coder-ollama-qwen3"},"ollama":"nanna-coder-ollama"},"loading":{"method":"native","retries":{"delaySeconds":5,"maxAttempts":3},"timeoutSeconds":300,"verbose":false},"registry":{"repository":"local/nanna-coder","url":"ghcr.io"},"runtime":{"buildTimestamp":"2025-09-20T00:00:00Z","maxLayers":100},"smoke":{"commands":{"harness":["harness","--help"],"models":{"gemma":["ollama","--version"],"llama3":["ollama","--version"],"mistral":["ollama","--version"],"qwen3":["ollama","--version"]},"ollama":["ollama","--version"]},"timeoutSeconds":60},"tags":{"default":"latest","fromBranch":"main","fromCommit":"","semver":""}}`

// edit returns evalJSON with the value at each dotted key path replaced;
// a nil value deletes the key.
func edit(t *testing.T, changes map[string]any) []byte {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal([]byte(evalJSON), &root); err != nil {
		t.Fatal(err)
	}
	for path, v := range changes {
		parts := strings.Split(path, ".")
		m := root
		for _, p := range parts[:len(parts)-1] {
			m = m[p].(map[string]any)
		}
		if v == nil {
			delete(m, parts[len(parts)-1])
		} else {
			m[parts[len(parts)-1]] = v
		}
	}
	data, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParse(t *testing.T) {
	got, err := Parse([]byte(evalJSON))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	version := []string{"ollama", "--version"}
	want := Config{
		Registry: Registry{URL: "ghcr.io", Repository: "local/nanna-coder"},
		Images: []Image{
			{Key: "harness", Name: "nanna-coder-harness", Attr: "harnessImage", Short: "harness", Smoke: []string{"harness", "--help"}, SmokeTimeout: time.Minute},
			{Key: "ollama", Name: "nanna-coder-ollama", Attr: "ollamaImage", Short: "ollama", Smoke: version, SmokeTimeout: time.Minute},
			{Key: "gemma", Name: "nanna-coder-ollama-gemma", Attr: "gemma-container", Short: "ollama-gemma", Model: true, Smoke: version, SmokeTimeout: time.Minute},
			{Key: "llama3", Name: "nanna-coder-ollama-llama3", Attr: "llama3-container", Short: "ollama-llama3", Model: true, Smoke: version, SmokeTimeout: time.Minute},
			{Key: "mistral", Name: "nanna-coder-ollama-mistral", Attr: "mistral-container", Short: "ollama-mistral", Model: true, Smoke: version, SmokeTimeout: time.Minute},
			{Key: "qwen3", Name: "nanna-coder-ollama-qwen3", Attr: "qwen3-container", Short: "ollama-qwen3", Model: true, Smoke: version, SmokeTimeout: time.Minute},
		},
		Tags: Tags{Default: "latest", FromBranch: "main"},
		Loading: Loading{
			Method:  "native",
			Retries: Retries{MaxAttempts: 3, Delay: 5 * time.Second},
			Timeout: 300 * time.Second,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse() (-want +got):\n%s", diff)
	}
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]any
		check   func(Config) any
		want    any
	}{
		{"fractional delay", map[string]any{"loading.retries.delaySeconds": 0.5}, func(c Config) any { return c.Loading.Retries.Delay }, 500 * time.Millisecond},
		{"zero delay", map[string]any{"loading.retries.delaySeconds": 0}, func(c Config) any { return c.Loading.Retries.Delay }, time.Duration(0)},
		{"verbose", map[string]any{"loading.verbose": true}, func(c Config) any { return c.Loading.Verbose }, true},
		{"copyToPodman", map[string]any{"loading.method": "copyToPodman"}, func(c Config) any { return c.Loading.Method }, "copyToPodman"},
		{"registry with port", map[string]any{"registry.url": "localhost:5000"}, func(c Config) any { return c.Registry.URL }, "localhost:5000"},
		{"no models", map[string]any{"images.models": nil, "smoke.commands.models": map[string]any{}}, func(c Config) any { return len(c.Images) }, 2},
		{"unknown keys ignored", map[string]any{"validation": map[string]any{"isCI": true}}, func(c Config) any { return c.Tags.Default }, "latest"},
		{"commit tag", map[string]any{"tags.fromCommit": "0123abc"}, func(c Config) any { return c.Tags.FromCommit }, "0123abc"},
		{"no smoke test", map[string]any{"smoke.commands.ollama": []any{}}, func(c Config) any { return c.Images[1].Smoke }, []string(nil)},
		{"commands for images that are gone", map[string]any{"smoke.commands.old": []any{"x"}, "smoke.commands.models.phi": []any{}}, func(c Config) any { return len(c.Images) }, 6},
		{"model smoke command", map[string]any{"smoke.commands.models.qwen3": []any{"ls", "/models"}}, func(c Config) any { return c.Images[5].Smoke }, []string{"ls", "/models"}},
		{"fractional smoke timeout", map[string]any{"smoke.timeoutSeconds": 1.5}, func(c Config) any { return c.Images[0].SmokeTimeout }, 1500 * time.Millisecond},
		{"no smoke tests, no timeout needed", map[string]any{"smoke.timeoutSeconds": 0, "smoke.commands": map[string]any{"harness": []any{}, "ollama": []any{}, "models": map[string]any{"gemma": []any{}, "llama3": []any{}, "mistral": []any{}, "qwen3": []any{}}}},
			func(c Config) any { return c.Images[0].Smoke }, []string(nil)},
		{"no models, no model commands", map[string]any{"images.models": nil, "smoke.commands.models": nil}, func(c Config) any { return len(c.Images) }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(edit(t, tt.changes))
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			if diff := cmp.Diff(tt.want, tt.check(c)); diff != "" {
				t.Errorf("Parse() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]any
		want    string
	}{
		{"zero attempts", map[string]any{"loading.retries.maxAttempts": 0}, "config: loading.retries.maxAttempts must be at least 1, got 0"},
		{"fractional attempts", map[string]any{"loading.retries.maxAttempts": 1.5}, "config: loading.retries.maxAttempts must be an integer, got 1.5"},
		{"attempts as string", map[string]any{"loading.retries.maxAttempts": "3"}, `config: loading.retries.maxAttempts must be an integer, got "3"`},
		{"negative delay", map[string]any{"loading.retries.delaySeconds": -1}, "config: loading.retries.delaySeconds must be at least 0, got -1"},
		{"zero timeout", map[string]any{"loading.timeoutSeconds": 0}, "config: loading.timeoutSeconds must be greater than 0, got 0"},
		{"null timeout", map[string]any{"loading.timeoutSeconds": nil}, "config: loading.timeoutSeconds is missing"},
		{"unknown method", map[string]any{"loading.method": "docker"}, `config: loading.method must be one of native, copyToDockerDaemon, copyToPodman, got "docker"`},
		{"verbose as string", map[string]any{"loading.verbose": "true"}, `config: loading.verbose must be a boolean, got "true"`},
		{"retries not a set", map[string]any{"loading.retries": 3}, "config: loading.retries must be an attribute set, got 3"},
		{"no loading", map[string]any{"loading": nil}, "config: loading is missing"},
		{"empty url", map[string]any{"registry.url": ""}, `config: registry.url must be a registry host such as ghcr.io (no scheme or path), got ""`},
		{"url with scheme", map[string]any{"registry.url": "https://ghcr.io"}, `config: registry.url must be a registry host such as ghcr.io (no scheme or path), got "https://ghcr.io"`},
		{"empty repository", map[string]any{"registry.repository": ""}, `config: registry.repository must be of the form owner/name, got ""`},
		{"repository without owner", map[string]any{"registry.repository": "nanna-coder"}, `config: registry.repository must be of the form owner/name, got "nanna-coder"`},
		{"repository too deep", map[string]any{"registry.repository": "a/b/c"}, `config: registry.repository must be of the form owner/name, got "a/b/c"`},
		{"upper-case image name", map[string]any{"images.ollama": "Nanna-Coder-Ollama"}, `config: images.ollama must be a lower-case image name, got "Nanna-Coder-Ollama"`},
		{"empty model name", map[string]any{"images.models.qwen3": ""}, `config: images.models.qwen3 must be a lower-case image name, got ""`},
		{"model name not a string", map[string]any{"images.models.qwen3": 3}, "config: images.models.qwen3 must be a string, got 3"},
		{"models not a set", map[string]any{"images.models": []any{"qwen3"}}, "config: images.models must be an attribute set, got a list"},
		{"model key clash", map[string]any{"images.models.ollama": "nanna-coder-ollama-ollama", "smoke.commands.models.ollama": []any{}}, "config: images.models.ollama has the same key as images.ollama"},
		{"no images", map[string]any{"images": map[string]any{}}, "config: images must name at least one image"},
		{"empty default tag", map[string]any{"tags.default": ""}, `config: tags.default must be an image tag, got ""`},
		{"bad commit tag", map[string]any{"tags.fromCommit": "a/b"}, `config: tags.fromCommit must be empty or an image tag, got "a/b"`},
		{"semver null", map[string]any{"tags.semver": nil}, "config: tags.semver is missing"},
		{"negative smoke timeout", map[string]any{"smoke.timeoutSeconds": -1}, "config: smoke.timeoutSeconds must be greater than 0, got -1"},
		{"zero smoke timeout", map[string]any{"smoke.timeoutSeconds": 0}, "config: smoke.timeoutSeconds must be greater than 0, got 0"},
		{"smoke timeout as string", map[string]any{"smoke.timeoutSeconds": "60"}, `config: smoke.timeoutSeconds must be a number of seconds, got "60"`},
		{"no smoke", map[string]any{"smoke": nil}, "config: smoke is missing"},
		{"smoke command missing", map[string]any{"smoke.commands.harness": nil}, "config: smoke.commands.harness is missing: give the image a smoke command, or [ ] for none"},
		{"model smoke command missing", map[string]any{"smoke.commands.models.gemma": nil}, "config: smoke.commands.models.gemma is missing: give the image a smoke command, or [ ] for none"},
		{"model smoke commands missing", map[string]any{"images.models": map[string]any{"qwen3": "nanna-coder-ollama-qwen3"}, "smoke.commands.models": nil},
			"config: smoke.commands.models.qwen3 is missing: give the image a smoke command, or [ ] for none"},
		{"smoke command as string", map[string]any{"smoke.commands.ollama": "ollama --version"}, `config: smoke.commands.ollama must be a list of strings, got "ollama --version"`},
		{"smoke argument not a string", map[string]any{"smoke.commands.models.qwen3": []any{"ollama", 1}}, "config: smoke.commands.models.qwen3[1] must be a string, got 1"},
		{"smoke program empty", map[string]any{"smoke.commands.ollama": []any{"", "--version"}}, `config: smoke.commands.ollama[0] must name a program, got ""`},
		{"smoke model program empty", map[string]any{"smoke.commands.models.qwen3": []any{""}}, `config: smoke.commands.models.qwen3[0] must name a program, got ""`},
		{"smoke commands not a set", map[string]any{"smoke.commands": []any{}}, "config: smoke.commands must be an attribute set, got a list"},
		{"smoke model commands not a set", map[string]any{"smoke.commands.models": []any{}}, "config: smoke.commands.models must be an attribute set, got a list"},
		{
			"several problems",
			map[string]any{"loading.retries.maxAttempts": 0, "loading.timeoutSeconds": -5},
			"config: loading.retries.maxAttempts must be at least 1, got 0\nconfig: loading.timeoutSeconds must be greater than 0, got -5",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(edit(t, tt.changes))
			if err == nil {
				t.Fatalf("Parse() succeeded, want %s", tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Parse() error (-want +got):\n%s", diff)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}
}

func TestParseNotJSON(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "config: no JSON value: the text is empty or cut short"},
		{"null", "config: parsing JSON: want an attribute set, got null"},
		{"[1]", "config: line 1, column 1: the document should be an object, not an array"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v, want %s", tt.in, err, tt.want)
		}
	}
}
