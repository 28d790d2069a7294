//go:build integration

package push

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/registrytest"
	"github.com/nanna-coder/build/internal/testenv"
)

// These tests push the golden fixtures from the real /nix/store to a real
// registry (Debian's docker-registry on 127.0.0.1) and read them back with
// skopeo and the Docker daemon of DOCKER_HOST.

// registryHost starts a registry and returns its host:port.
func registryHost(t *testing.T) string {
	t.Helper()
	return strings.TrimPrefix(registrytest.Start(t).URL, "http://")
}

// skopeo runs skopeo and returns its stdout.
func skopeo(t *testing.T, args ...string) []byte {
	t.Helper()
	_, err := exec.LookPath("skopeo")
	testenv.Require(t, "skopeo", err)
	var stderr bytes.Buffer
	cmd := exec.Command("skopeo", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("skopeo %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// docker runs the docker CLI against DOCKER_HOST and returns its stdout.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestIntegrationPushFixtures(t *testing.T) {
	fixtures.RequireInstalled(t)
	host := registryHost(t)
	for _, cs := range fixtures.Cases(t) {
		t.Run(cs, func(t *testing.T) {
			img, want := fixtures.Case(t, cs)
			ref := host + "/nanna/" + cs + ":v1"
			res, err := Image(context.Background(), img, []string{ref}, Options{})
			if err != nil {
				t.Fatalf("Image() = %v", err)
			}
			manifest := skopeo(t, "inspect", "--raw", "--tls-verify=false", "docker://"+ref)
			if got := digest.FromBytes(manifest); got != res.Digest {
				t.Errorf("skopeo reads manifest %s, push reported %s", got, res.Digest)
			}
			config := skopeo(t, "inspect", "--config", "--raw", "--tls-verify=false", "docker://"+ref)
			if got := digest.FromBytes(config); got != want.ConfigDigest {
				t.Errorf("skopeo reads config %s, want nix2container's %s", got, want.ConfigDigest)
			}
			var m struct {
				Layers []struct {
					MediaType string
					Digest    string
					Size      int64
				}
			}
			if err := json.Unmarshal(manifest, &m); err != nil {
				t.Fatal(err)
			}
			for i, l := range m.Layers {
				if l.Digest != want.Layers[i].Digest.String() || l.Size != want.Layers[i].Size {
					t.Errorf("layer %d = %s (%d bytes), want %s (%d)", i, l.Digest, l.Size, want.Layers[i].Digest, want.Layers[i].Size)
				}
			}
			res, err = Image(context.Background(), img, []string{host + "/nanna/" + cs + ":v2"}, Options{})
			if n, _ := res.Sent(); err != nil || n != 0 || res.ConfigsSent != 0 {
				t.Errorf("second push = %v, %d layers and %d configs sent; want nothing sent", err, n, res.ConfigsSent)
			}
		})
	}
}

// TestIntegrationDockerPull pulls pushed images into the Docker daemon: the
// image ID is nix2container's config digest, uncompressed or gzip.
func TestIntegrationDockerPull(t *testing.T) {
	fixtures.RequireInstalled(t)
	testenv.RequireDocker(t)
	host := registryHost(t)
	img, want := fixtures.Case(t, "layered")
	for _, gz := range []bool{false, true} {
		ref := fmt.Sprintf("%s/nanna/pull:gzip-%v", host, gz)
		res, err := Image(context.Background(), img, []string{ref}, Options{Gzip: gz})
		if err != nil {
			t.Fatalf("Image(gzip=%v) = %v", gz, err)
		}
		t.Cleanup(func() { _ = exec.Command("docker", "rmi", ref).Run() })
		docker(t, "pull", "-q", ref)
		if got := docker(t, "image", "inspect", "--format", "{{.Id}}", ref); got != want.ConfigDigest.String() {
			t.Errorf("docker pull %s gives image %s, want %s", ref, got, want.ConfigDigest)
		}
		// The daemon records the manifest it pulled.
		digests := docker(t, "image", "inspect", "--format", "{{json .RepoDigests}}", ref)
		if !strings.Contains(digests, "/nanna/pull@"+res.Digest.String()) {
			t.Errorf("docker pull %s recorded %s, want the pushed manifest %s", ref, digests, res.Digest)
		}
	}
}

func TestIntegrationPushIndex(t *testing.T) {
	fixtures.RequireInstalled(t)
	host := registryHost(t)
	amd, wantAmd := fixtures.Case(t, "basic")
	arm, wantArm := fixtures.Case(t, "edge")
	ref := host + "/nanna/multi:latest"
	res, err := Index(context.Background(), []oci.PlatformImage{{Platform: "amd64", Image: amd}, {Platform: "arm64", Image: arm}}, []string{ref}, Options{})
	if err != nil {
		t.Fatalf("Index() = %v", err)
	}
	raw := skopeo(t, "inspect", "--raw", "--tls-verify=false", "docker://"+ref)
	if got := digest.FromBytes(raw); got != res.Digest {
		t.Errorf("skopeo reads index %s, push reported %s", got, res.Digest)
	}
	for arch, want := range map[string]digest.Digest{"amd64": wantAmd.ConfigDigest, "arm64": wantArm.ConfigDigest} {
		cfg := skopeo(t, "inspect", "--override-os", "linux", "--override-arch", arch, "--config", "--raw", "--tls-verify=false", "docker://"+ref)
		if got := digest.FromBytes(cfg); got != want {
			t.Errorf("the %s image has config %s, want %s", arch, got, want)
		}
	}
}

// TestIntegrationPushWaitsForTheRegistry pushes while the registry is down
// (connection refused) and restarts it during the second pause between
// attempts.
func TestIntegrationPushWaitsForTheRegistry(t *testing.T) {
	fixtures.RequireInstalled(t)
	reg := registrytest.Start(t)
	host := strings.TrimPrefix(reg.URL, "http://")
	reg.Stop()
	pauses := 0
	sleep := func(ctx context.Context, _ time.Duration) error {
		pauses++
		if pauses == 2 {
			reg.Restart()
		}
		return ctx.Err()
	}
	img, want := fixtures.Case(t, "basic")
	ref := host + "/nanna/restart:v1"
	res, err := Image(context.Background(), img, []string{ref}, Options{Attempts: 3, sleep: sleep})
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	if res.Attempts != 3 || pauses != 2 {
		t.Errorf("%d attempts, %d pauses; want 3 and 2", res.Attempts, pauses)
	}
	config := skopeo(t, "inspect", "--config", "--raw", "--tls-verify=false", "docker://"+ref)
	if got := digest.FromBytes(config); got != want.ConfigDigest {
		t.Errorf("skopeo reads config %s, want %s", got, want.ConfigDigest)
	}
}
