//go:build integration

package daemon

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/testenv"
)

// TestIntegrationPodman loads a fixture through Podman's Docker-compatible
// API (the socket of `podman system service`, NANNA_PODMAN_HOST, which
// .ci/run starts).
func TestIntegrationPodman(t *testing.T) {
	fixtures.RequireInstalled(t)
	host := os.Getenv("NANNA_PODMAN_HOST")
	if host == "" {
		testenv.Require(t, "a Podman API socket (NANNA_PODMAN_HOST)", os.ErrNotExist)
	}
	getenv := func(k string) string {
		if k == "DOCKER_HOST" {
			return host
		}
		return os.Getenv(k)
	}
	dial := DialEnv(getenv)
	c, closer, err := dial(context.Background())
	testenv.Require(t, "Podman at "+host, err)
	t.Cleanup(func() { closer.Close() }) // after the removal below
	img, err := nix2container.ReadFile(filepath.Join(fixtureCases, "layered", "image.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := "sha256:9900f028b2c0eb7b68d13a7ac3e02e7db292628716a7947a63f83c4d46221793"
	remove := func() {
		_, _ = c.(*client.Client).ImageRemove(context.Background(), want, client.ImageRemoveOptions{Force: true})
	}
	remove()
	t.Cleanup(remove)
	res, err := Image(context.Background(), dial, img, Options{Refs: []string{"nanna-test-podman:it"}})
	if err != nil {
		t.Fatalf("Image() into Podman = %v", err)
	}
	if res.ImageStore != PodmanStore || len(res.Sent) != 3 {
		t.Errorf("load into Podman: store %q, sent %v; want Podman recognised and every layer sent", res.ImageStore, res.Sent)
	}
	got, err := c.ImageInspect(context.Background(), "nanna-test-podman:it")
	if err != nil {
		t.Fatalf("inspecting the loaded image in Podman: %v", err)
	}
	if got.ID != want {
		t.Errorf("Podman image ID = %s, want the config digest %s", got.ID, want)
	}
	again, err := Image(context.Background(), dial, img, Options{Refs: []string{"nanna-test-podman:again"}})
	if err != nil || !again.Present || len(again.Sent) != 0 {
		t.Errorf("second load into Podman = %+v, %v; want present, nothing sent", again, err)
	}
}
