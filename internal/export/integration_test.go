//go:build integration

package export

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/testenv"
)

// These tests export the golden fixtures from the real /nix/store and read
// the files with docker load (DOCKER_HOST), skopeo and podman.

// run runs a command and returns its stdout; a missing program skips the
// test (fails under CI).
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	_, err := exec.LookPath(name)
	testenv.Require(t, name, err)
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// daemonHost is the Docker endpoint for skopeo, which ignores DOCKER_HOST.
func daemonHost() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}

func TestIntegrationArchiveDockerLoad(t *testing.T) {
	fixtures.RequireInstalled(t)
	testenv.RequireDocker(t)
	for _, cs := range fixtures.Cases(t) {
		t.Run(cs, func(t *testing.T) {
			img, want := fixtures.Case(t, cs)
			file := filepath.Join(t.TempDir(), "image.tar")
			ref := "nanna-export-test/" + cs + ":archive"
			if _, err := Archive(context.Background(), img, file, Options{Refs: []string{ref}}); err != nil {
				t.Fatalf("Archive() = %v", err)
			}
			t.Cleanup(func() { _ = exec.Command("docker", "rmi", ref).Run() })
			run(t, "docker", "load", "-q", "-i", file)
			if got := run(t, "docker", "image", "inspect", "--format", "{{.Id}}", ref); got != want.ConfigDigest.String() {
				t.Errorf("docker load gives %s ID %s, want %s", ref, got, want.ConfigDigest)
			}
		})
	}
}

func TestIntegrationOCISkopeo(t *testing.T) {
	fixtures.RequireInstalled(t)
	img, want := fixtures.Case(t, "layered")
	dir := filepath.Join(t.TempDir(), "layout")
	res, err := OCI(context.Background(), img, dir, Options{Refs: []string{"nanna-export-test/layered:oci"}})
	if err != nil {
		t.Fatalf("OCI() = %v", err)
	}
	src := "oci:" + dir + ":nanna-export-test/layered:oci"
	if got := digest.FromString(run(t, "skopeo", "inspect", "--raw", src)); got != res.Manifest {
		t.Errorf("skopeo reads manifest %s, want %s", got, res.Manifest)
	}
	if got := digest.FromString(run(t, "skopeo", "inspect", "--config", "--raw", src)); got != want.ConfigDigest {
		t.Errorf("skopeo reads config %s, want %s", got, want.ConfigDigest)
	}

	file := filepath.Join(t.TempDir(), "image.oci.tar")
	if _, err := OCIArchive(context.Background(), img, file, Options{Gzip: true}); err != nil {
		t.Fatalf("OCIArchive() = %v", err)
	}
	if got := digest.FromString(run(t, "skopeo", "inspect", "--config", "--raw", "oci-archive:"+file)); got != want.ConfigDigest {
		t.Errorf("skopeo reads the OCI archive's config as %s, want %s", got, want.ConfigDigest)
	}

	// skopeo copies the layout into the Docker daemon: same image ID.
	testenv.RequireDocker(t)
	ref := "nanna-export-test/layered:skopeo"
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", ref).Run() })
	run(t, "skopeo", "copy", "-q", "--dest-daemon-host", daemonHost(), src, "docker-daemon:"+ref)
	if got := run(t, "docker", "image", "inspect", "--format", "{{.Id}}", ref); got != want.ConfigDigest.String() {
		t.Errorf("skopeo copy oci: → docker-daemon: gives ID %s, want %s", got, want.ConfigDigest)
	}
}

// TestIntegrationConcurrentOCISkopeo exports five refs into one layout at
// once; skopeo then finds every one.
func TestIntegrationConcurrentOCISkopeo(t *testing.T) {
	fixtures.RequireInstalled(t)
	img, want := fixtures.Case(t, "basic")
	dir := filepath.Join(t.TempDir(), "layout")
	refs := wantRefs(5)
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Go(func() { _, errs[i] = OCI(context.Background(), img, dir, Options{Refs: []string{ref}}) })
	}
	wg.Wait()
	for i, ref := range refs {
		if errs[i] != nil {
			t.Fatalf("OCI(%s) = %v", ref, errs[i])
		}
		if got := digest.FromString(run(t, "skopeo", "inspect", "--config", "--raw", "oci:"+dir+":"+ref)); got != want.ConfigDigest {
			t.Errorf("skopeo reads %s's config as %s, want %s", ref, got, want.ConfigDigest)
		}
	}
}
