package project

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/push"
)

func TestRegistryRefs(t *testing.T) {
	tests := []struct {
		name      string
		getenv    map[string]string
		imageName string
		want      []string
	}{
		{"defaults", nil, "", []string{"ghcr.io/local/nanna-coder/ollama:latest"}},
		{"CI adds the commit", map[string]string{"GITHUB_REPOSITORY": "Fork/Nanna", "GITHUB_SHA": "0123abc"}, "", []string{"ghcr.io/fork/nanna/ollama:latest", "ghcr.io/fork/nanna/ollama:0123abc"}},
		{"local registry", map[string]string{"CONTAINER_REGISTRY": "127.0.0.1:5000"}, "", []string{"127.0.0.1:5000/local/nanna-coder/ollama:latest"}},
		{"image named with a registry", nil, "quay.io/x/ollama", []string{"quay.io/x/ollama:latest", "ghcr.io/local/nanna-coder/ollama:latest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Defaults(func(k string) string { return tt.getenv[k] })
			img, err := cfg.Lookup("ollama")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, RegistryRefs(cfg, img, tt.imageName, "")); diff != "" {
				t.Errorf("RegistryRefs() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitList(t *testing.T) {
	got := SplitList(" a=b, ,c ,")
	if diff := cmp.Diff([]string{"a=b", "c"}, got); diff != "" {
		t.Errorf("SplitList() mismatch (-want +got):\n%s", diff)
	}
}

func TestPushIndexArguments(t *testing.T) {
	env, _, _ := testEnv(t, nil)
	tests := []struct {
		platforms, wantErr string
	}{
		{"amd64", "want PLATFORM=PATH"},
		{"=x.json", "want PLATFORM=PATH"},
		{"amd64=/nonexistent/image.json", "reading image JSON /nonexistent/image.json"},
		{"", "no images for the index"},
	}
	for _, tt := range tests {
		_, err := env.PushIndex(context.Background(), []string{"127.0.0.1:1/x:y"}, tt.platforms, PushOptions{})
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("PushIndex(%q) = %v, want an error containing %q", tt.platforms, err, tt.wantErr)
		}
	}
}

func TestPushUnknownNameBuildsNothing(t *testing.T) {
	env, n, _ := testEnv(t, nil)
	if _, err := env.Push(context.Background(), "nope", PushOptions{}); err == nil || !strings.Contains(err.Error(), "known images are") {
		t.Errorf("Push(nope) = %v, want the list of known images", err)
	}
	if len(n.builds) != 0 {
		t.Errorf("built %v, want nothing", n.builds)
	}
}

func TestPushOptionsFollowTheConfiguration(t *testing.T) {
	env, _, _ := testEnv(t, nil)
	env.Config.Loading.Timeout = 20 * time.Second
	env.Config.Loading.Retries = config.Retries{MaxAttempts: 4, Delay: 2 * time.Second}
	got := env.pushOptions(PushOptions{Gzip: true, Insecure: true})
	if got.Timeout != 20*time.Second || got.Attempts != 4 || got.RetryDelay != 2*time.Second || !got.Gzip || !got.Insecure {
		t.Errorf("pushOptions() = timeout %s, %d attempts, delay %s, gzip %v, insecure %v; want 20s, 4, 2s, true, true",
			got.Timeout, got.Attempts, got.RetryDelay, got.Gzip, got.Insecure)
	}
}

func TestPushErrorsSayWhatToDo(t *testing.T) {
	other := errors.New("pushing x: 400 Bad Request")
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("pushing x: %w", push.ErrPlainHTTP), "(pass -insecure)"},
		{fmt.Errorf("pushing x: registry h stalled: %w after 20s", push.ErrTimeout), "raise loading.timeoutSeconds in nix/container-config.nix"},
		{other, other.Error()},
		{nil, ""},
	}
	for _, tt := range tests {
		err := pushError(tt.err)
		if tt.err == nil {
			if err != nil {
				t.Errorf("pushError(nil) = %v", err)
			}
			continue
		}
		if !errors.Is(err, tt.err) || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("pushError(%v) = %v, want it to wrap the error and end with %q", tt.err, err, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"--help", []string{"--help"}, false},
		{"  --model qwen3\t--verbose ", []string{"--model", "qwen3", "--verbose"}, false},
		{`say 'hello world' "a \"b\" c" d\ e`, []string{"say", "hello world", `a "b" c`, "d e"}, false},
		{`''`, []string{""}, false},
		{`'open`, nil, true},
		{`trailing\`, nil, true},
	}
	for _, tt := range tests {
		got, err := SplitWords(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("SplitWords(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SplitWords(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestBuiltCommand(t *testing.T) {
	img := func(entrypoint, cmd []string) Built {
		b := Built{Image: &nix2container.Image{}}
		b.Image.Config.Entrypoint, b.Image.Config.Cmd = entrypoint, cmd
		return b
	}
	tests := []struct {
		name string
		b    Built
		args []string
		want []string
	}{
		{"no args keeps the image's Cmd", img(nil, []string{"/bin/ollama", "serve"}), nil, nil},
		{"args follow the Cmd's program", img(nil, []string{"/bin/ollama", "serve"}), []string{"--version"}, []string{"/bin/ollama", "--version"}},
		{"args go to the Entrypoint", img([]string{"/bin/harness"}, []string{"--port", "1"}), []string{"--help"}, []string{"--help"}},
		{"no Cmd: args are the command", img(nil, nil), []string{"sh", "-c", "true"}, []string{"sh", "-c", "true"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.b.Command(tt.args)); diff != "" {
			t.Errorf("%s: Command(%q) mismatch (-want +got):\n%s", tt.name, tt.args, diff)
		}
	}
}
