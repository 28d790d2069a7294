//go:build integration

package contentstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	leasesapi "github.com/containerd/containerd/api/services/leases/v1"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/testenv"
)

// docker29 returns a client of the Docker 29 daemon with the containerd image
// store (NANNA_DOCKER29_HOST, started by .ci/engines.sh) and its containerd's
// address (NANNA_CONTAINERD_ADDRESS).
func docker29(t *testing.T) (*client.Client, string, string) {
	t.Helper()
	host, address := os.Getenv("NANNA_DOCKER29_HOST"), os.Getenv("NANNA_CONTAINERD_ADDRESS")
	var err error
	if host == "" || address == "" {
		err = errors.New("NANNA_DOCKER29_HOST or NANNA_CONTAINERD_ADDRESS is not set")
	}
	testenv.Require(t, "Docker 29 with the containerd image store and its containerd", err)
	c, err := client.New(client.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Ping(context.Background(), client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		testenv.Require(t, "Docker 29 at "+host, err)
	}
	return c, host, address
}

// helloBinary builds testdata/hello as a static binary.
func helloBinary(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hello")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/hello/main.go")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/hello: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIntegrationLoad(t *testing.T) {
	c, host, address := docker29(t)
	ctx := context.Background()
	info, err := c.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Info.Containerd; got == nil || got.Address != address || got.Namespaces.Containers != "moby" {
		t.Fatalf("GET /info Containerd = %+v, want address %s and namespace moby", got, address)
	}
	s, err := Dial(ctx, address, "moby")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// A fresh message per run, so that the top layer is new to the store
	// however often the test runs against the same daemon.
	var nonce [8]byte
	rand.Read(nonce[:])
	hello := layerTar(t, "hello", helloBinary(t))
	message := func(m string) []byte {
		return layerTar(t, "message.txt", []byte(m+" "+hex.EncodeToString(nonce[:])+"\n"))
	}
	name := "nanna-contentstore-test-" + hex.EncodeToString(nonce[:4])
	var loaded []string
	t.Cleanup(func() {
		for _, id := range loaded {
			if _, err := c.ImageRemove(context.Background(), id, client.ImageRemoveOptions{Force: true}); err != nil {
				t.Logf("removing %s: %v", id, err)
			}
		}
	})
	entry := []string{"/hello"}

	v1 := newTestImage(t, entry, hello, message("one"))
	res := load(t, s, v1, name)
	layers, config, manifest := v1.descriptors(t)
	loaded = append(loaded, manifest.Digest.String())
	first := manifest.Digest
	// The hello layer may be left from an earlier run, not yet collected.
	if want, n := []ocispec.Descriptor{layers[1], config, manifest}, len(res.Written); n < 3 || !cmp.Equal(res.Written[n-3:], want) {
		t.Errorf("first Load wrote %v, want it to end with the new top layer, config, manifest %v", digests(res.Written), digests(want))
	}
	// After a garbage collection the image record must still hold every
	// blob, through the manifest's labels.
	collectGarbage(t, s)
	if got, err := s.Missing(ctx, digests(append(layers, config, manifest))); err != nil || len(got) != 0 {
		t.Errorf("after garbage collection, Missing = %v, %v; want none", got, err)
	}
	check(t, c, host, name, manifest.Digest, "one "+hex.EncodeToString(nonce[:])+"\n")

	v1.opened = nil
	res = load(t, s, v1, name)
	if len(res.Written) != 0 || len(v1.opened) != 0 {
		t.Errorf("second Load wrote %v and opened %v, want nothing", digests(res.Written), v1.opened)
	}
	if got, want := digests(res.Present), digests(append(layers, config)); !cmp.Equal(got, want) {
		t.Errorf("second Load found present %v, want %v", got, want)
	}

	v2 := newTestImage(t, entry, hello, message("two"))
	res = load(t, s, v2, name)
	layers, config, manifest = v2.descriptors(t)
	loaded = append(loaded, manifest.Digest.String())
	if got, want := digests(res.Written), digests([]ocispec.Descriptor{layers[1], config, manifest}); !cmp.Equal(got, want) {
		t.Errorf("Load with a new top layer wrote %v, want top layer, config, manifest %v", got, want)
	}
	check(t, c, host, name, manifest.Digest, "two "+hex.EncodeToString(nonce[:])+"\n")
	// As after docker load, the image that lost its name stays, untagged.
	if got, err := c.ImageInspect(ctx, first.String()); err != nil || len(got.RepoTags) != 0 {
		t.Errorf("ImageInspect(%s) = tags %v, %v; want the first image kept without tags", first, got.RepoTags, err)
	}
}

// collectGarbage makes containerd collect garbage now: deleting a lease with
// Sync waits for a collection.
func collectGarbage(t *testing.T, s *Store) {
	t.Helper()
	ctx, id, err := s.lease(s.withNamespace(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.leases.Delete(ctx, &leasesapi.DeleteRequest{ID: id, Sync: true}); err != nil {
		t.Fatal(err)
	}
}

// load loads img as name and fails the test on an error.
func load(t *testing.T, s *Store, img Image, name string) Result {
	t.Helper()
	var log strings.Builder
	res, err := s.Load(context.Background(), img, name, Options{Log: &log})
	if err != nil {
		t.Fatalf("Load(%s) = %v\n%s", name, err, log.String())
	}
	t.Logf("Load(%s):\n%s", name, log.String())
	return res
}

// check asks the daemon for the image by its short name, wants id as its ID,
// and runs it, wanting output.
func check(t *testing.T, c *client.Client, host, name string, id digest.Digest, output string) {
	t.Helper()
	got, err := c.ImageInspect(context.Background(), name)
	if err != nil {
		t.Fatalf("ImageInspect(%s) = %v", name, err)
	}
	if got.ID != id.String() {
		t.Errorf("ImageInspect(%s).ID = %s, want the manifest digest %s", name, got.ID, id)
	}
	out, err := exec.Command("docker", "-H", host, "run", "--rm", name).CombinedOutput()
	if err != nil || string(out) != output {
		t.Errorf("docker run %s = %q, %v; want %q", name, out, err, output)
	}
}
