//go:build integration

package binfmt

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/testenv"
)

// TestIntegrationDocker loads an arm64 image, the arm64 probe as its
// entrypoint, the way load:json does, and runs it with docker run
// --platform linux/arm64 after Setup.
func TestIntegrationDocker(t *testing.T) {
	ctx := context.Background()
	docker, err := exec.LookPath("docker")
	testenv.Require(t, "the docker CLI", err)
	_, closer, err := daemon.DialEnv(os.Getenv)(ctx)
	testenv.Require(t, "a Docker daemon", err)
	closer.Close()
	_, err = exec.LookPath("nix-store")
	testenv.Require(t, "Nix (nix-store)", err)
	setupArm64(t)

	p := arm64(t)[0]
	probe, err := Probe(p)
	if err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(t.TempDir(), "nanna-test-binfmt-probe")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "probe"), probe, 0o555); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nix-store", "--add", tree).Output()
	if err != nil {
		t.Fatalf("nix-store --add %s: %v", tree, err)
	}
	sp := strings.TrimSpace(string(out))
	layer, err := nix2container.NewLayer(ctx, []nix2container.Path{{
		Path:    sp,
		Options: &nix2container.PathOptions{Rewrite: nix2container.Rewrite{Regex: "^" + sp, Repl: ""}},
	}}, nix2container.Store{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 9, 20, 0, 0, 0, 0, time.UTC)
	img := &nix2container.Image{Version: nix2container.Version, Arch: p.Architecture, Created: &created, Layers: []nix2container.Layer{layer}}
	img.Config.Entrypoint = []string{"/probe"}
	data, err := img.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := nix2container.Parse(data)
	if err != nil {
		t.Fatal(err)
	}

	const ref = "nanna-test-binfmt-probe:arm64"
	t.Cleanup(func() { exec.Command(docker, "image", "rm", "--force", ref).Run() })
	if _, err := daemon.Image(ctx, daemon.DialEnv(os.Getenv), parsed, daemon.Options{Refs: []string{ref}, Log: io.Discard}); err != nil {
		t.Fatalf("loading %s: %v", ref, err)
	}
	arch, err := exec.Command(docker, "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", ref).Output()
	if err != nil || strings.TrimSpace(string(arch)) != "linux/arm64" {
		t.Errorf("docker image inspect %s = %q, %v; want linux/arm64", ref, arch, err)
	}
	start := time.Now()
	run, err := exec.Command(docker, "run", "--rm", "--platform", p.String(), "--network", "none", ref).CombinedOutput()
	if err != nil {
		t.Fatalf("docker run --platform %s %s: %v\n%s", p, ref, err, run)
	}
	if got := strings.TrimSpace(string(run)); got != p.Architecture {
		t.Errorf("docker run --platform %s %s printed %q, want %q", p, ref, got, p.Architecture)
	}
	t.Logf("docker run --platform %s: %q in %s", p, strings.TrimSpace(string(run)), time.Since(start).Round(time.Millisecond))
}
