//go:build integration

package container

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/testenv"
)

// smokeImage is the image the tests load: testdata/smokeprog, statically
// built, as /smokeprog, with no Entrypoint or Cmd, like nanna-coder's
// images once a smoke command replaces their Cmd.
const smokeImage = "nanna-coder-build-smoketest:latest"

// loadSmokeImage builds testdata/smokeprog, puts it in an image and loads
// that into the daemon of DOCKER_HOST with docker load.
func loadSmokeImage(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	prog := filepath.Join(dir, "smokeprog")
	build := exec.Command("go", "build", "-trimpath", "-o", prog, "./testdata/smokeprog")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./testdata/smokeprog: %v\n%s", err, out)
	}
	data, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	if err := tw.WriteHeader(&tar.Header{Name: "smokeprog", Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write(data)
	tw.Close()
	l, err := tarball.LayerFromReader(bytes.NewReader(layer.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf.OS, cf.Architecture, cf.Config.Env = "linux", runtime.GOARCH, []string{"PATH=/"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(smokeImage)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "image.tar")
	if err := tarball.WriteToFile(file, tag, img); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("docker", "load", "-q", "-i", file).CombinedOutput(); err != nil {
		t.Fatalf("docker load: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", smokeImage).Run() })
}

// dockerClient connects to the daemon of DOCKER_HOST (or the Docker
// context), as the targets do.
func dockerClient(t *testing.T) Client {
	t.Helper()
	testenv.RequireDocker(t)
	ep, err := daemon.Resolve(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := daemon.Connect(context.Background(), ep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// leftovers returns the IDs of the containers Run created that still exist.
func leftovers(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-aq", "--filter", "label="+label).CombinedOutput()
	if err != nil {
		t.Fatalf("docker ps: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestIntegrationSmoke(t *testing.T) {
	c := dockerClient(t)
	loadSmokeImage(t)
	tests := []struct {
		name     string
		cmd      []string
		timeout  time.Duration
		output   string
		wantErr  string
		wantCode int
		timedOut bool
	}{
		{"passes", []string{"/smokeprog", "print", "ok", "warn", "careful"}, time.Minute, "ok\ncareful\n", "", 0, false},
		{"exits 3", []string{"smokeprog", "print", "failing", "exit", "3"}, time.Minute, "failing\n",
			"smoke test of " + smokeImage + ": `smokeprog print failing exit 3` exited with status 3; it printed:\n  | failing", 3, false},
		{"outlasts its timeout", []string{"smokeprog", "print", "sleeping", "sleep", "600"}, 2 * time.Second, "sleeping\n",
			"smoke test of " + smokeImage + ": `smokeprog print sleeping sleep 600` did not finish within 2s and was killed; it printed:\n  | sleeping", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Smoke(context.Background(), c, Options{Image: smokeImage, Cmd: tt.cmd, Timeout: tt.timeout})
			// The daemon keeps the order of lines within stdout and within
			// stderr, not across them.
			if lines(out) != lines(tt.output) {
				t.Errorf("Smoke() output = %q, want %q", out, tt.output)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Smoke() = %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("Smoke() = %v, want\n%s", err, tt.wantErr)
			}
			var se *SmokeError
			if tt.wantErr != "" && (!errors.As(err, &se) || se.Code != tt.wantCode) {
				t.Errorf("Smoke() = %#v, want a *SmokeError with code %d", err, tt.wantCode)
			}
			if errors.Is(err, ErrTimeout) != tt.timedOut {
				t.Errorf("errors.Is(%v, ErrTimeout) = %v, want %v", err, !tt.timedOut, tt.timedOut)
			}
			if ids := leftovers(t); ids != "" {
				t.Errorf("containers left behind: %s", ids)
			}
		})
	}
}

// TestIntegrationSmokeNoSuchProgram runs a command the image lacks: the
// daemon refuses to start it, and Smoke returns that as it is.
func TestIntegrationSmokeNoSuchProgram(t *testing.T) {
	c := dockerClient(t)
	loadSmokeImage(t)
	_, err := Smoke(context.Background(), c, Options{Image: smokeImage, Cmd: []string{"ollama", "--version"}, Timeout: time.Minute})
	var se *SmokeError
	if err == nil || errors.As(err, &se) || !strings.Contains(err.Error(), "starting a container of "+smokeImage) || !strings.Contains(err.Error(), "ollama") {
		t.Errorf("Smoke() = %v, want the daemon's refusal to start ollama", err)
	}
	t.Logf("Smoke() = %v", err)
	if ids := leftovers(t); ids != "" {
		t.Errorf("containers left behind: %s", ids)
	}
}

// lines returns the lines of s, sorted.
func lines(s string) string {
	l := strings.SplitAfter(s, "\n")
	slices.Sort(l)
	return strings.Join(l, "")
}
