package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The outputs in testdata/ are those of the compiled targets binary on
// bench:pipeline's slow project: a second run with nothing changed
// (*-cached.txt), and a run after a tracked file changed (*-ran.txt).
func readOutput(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRequireCached(t *testing.T) {
	tests := []struct {
		name, out string
		wantErr   string
	}{
		{name: "both cached", out: readOutput(t, "load-cached.txt")},
		{name: "both ran", out: readOutput(t, "load-ran.txt"), wantErr: "build:ollama, load:ollama not cached"},
		{name: "load ran", out: "build:ollama cached: x\nnanna-coder-ollama:latest: loaded abc\n", wantErr: "load:ollama not cached"},
		{name: "cached mentioned mid-line", out: "note: build:ollama cached: x\nload:ollama cached: y\n", wantErr: "build:ollama not cached"},
		{name: "nothing printed", wantErr: "build:ollama, load:ollama not cached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := requireCached(tt.out, "build:ollama", "load:ollama")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("requireCached() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("requireCached() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCIAllCached(t *testing.T) {
	cached := readOutput(t, "ci-cached.txt")
	tests := []struct {
		name, out, want string
		wantErr         string
	}{
		{name: "second run", out: cached, want: "11 cached, 3 push steps skipped"},
		{name: "after an edit", out: readOutput(t, "ci-ran.txt"),
			wantErr: "nix:check ran, build:harness ran, load:harness ran, smoke:harness ran, smoke:ollama ran, build:all ran, load:all ran, smoke ran;"},
		{name: "a skipped step other than push", out: strings.Replace(cached, "smoke          cached ", "smoke          skipped", 1), wantErr: "smoke skipped;"},
		{name: "failed", out: strings.Replace(cached, "nix:check      cached ", "nix:check      failed ", 1), wantErr: "nix:check failed;"},
		{name: "nothing pushed, nothing skipped", out: "STEP STATUS TIME NOTE\nbuild:all cached 0.0s\n1 cached in 0.0s\n", want: "1 cached"},
		{name: "no table", out: "Error: reading nix/container-config.nix: no such file\n", wantErr: "no table"},
		{name: "header only", out: "STEP STATUS TIME NOTE\n0 ran in 0.0s\n", wantErr: "no table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ciAllCached(tt.out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ciAllCached() = %q, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ciAllCached() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
