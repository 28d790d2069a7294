//go:build integration

package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/testenv"
)

const fixtureCases = "../nix2container/testdata/cases"

// daemon connects to the real daemon of DOCKER_HOST (or the Docker context).
func daemon(t *testing.T) (*client.Client, Dial) {
	t.Helper()
	dial := DialEnv(os.Getenv)
	c, closer, err := dial(context.Background())
	testenv.Require(t, "a Docker daemon", err)
	t.Cleanup(func() { closer.Close() })
	return c.(*client.Client), dial
}

// storeOf is the image store of the daemon c.
func storeOf(t *testing.T, c *client.Client) ImageStore {
	t.Helper()
	store, err := DetectImageStore(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// idOf is the ID img gets in the daemon c: the manifest digest on the
// containerd store, the config digest elsewhere.
func idOf(t *testing.T, c *client.Client, img *nix2container.Image) string {
	t.Helper()
	a, err := newArtifact(context.Background(), img, nix2container.Store{})
	if err != nil {
		t.Fatal(err)
	}
	return a.id(storeOf(t, c)).String()
}

// variants are the ways a load can go into the daemon c: on the containerd
// store straight into its containerd and through the Docker API.
func variants(t *testing.T, c *client.Client) map[string]Options {
	if storeOf(t, c) == ContainerdStore {
		return map[string]Options{"direct": {}, "docker API": {ViaDockerAPI: true}}
	}
	return map[string]Options{"docker API": {}}
}

// removeImage deletes an image and its tags, as a test leaves the daemon.
func removeImage(t *testing.T, c *client.Client, id string) {
	t.Helper()
	t.Cleanup(func() {
		_, err := c.ImageRemove(context.Background(), id, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		if err != nil && !strings.Contains(err.Error(), "No such image") {
			t.Logf("removing %s: %v", id, err)
		}
	})
}

func TestIntegrationFixturesLoad(t *testing.T) {
	fixtures.RequireInstalled(t)
	c, dial := daemon(t)
	cases, err := os.ReadDir(fixtureCases)
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range cases {
		t.Run(cs.Name(), func(t *testing.T) {
			var want fixtureWant
			raw, err := os.ReadFile(filepath.Join(fixtureCases, cs.Name(), "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			img, err := nix2container.ReadFile(filepath.Join(fixtureCases, cs.Name(), "image.json"))
			if err != nil {
				t.Fatal(err)
			}
			for name, opts := range variants(t, c) {
				t.Run(name, func(t *testing.T) { loadFixture(t, c, dial, img, "nanna-test-fixture-"+cs.Name()+":it", want, opts) })
			}
		})
	}
}

// fixtureWant is a golden case's expected.json.
type fixtureWant struct {
	ConfigDigest string `json:"config_digest"`
	Layers       []struct {
		DiffID string `json:"diff_id"`
	} `json:"layers"`
}

// loadFixture loads a golden case into a daemon that does not have it,
// checks its ID (the config digest, or on the containerd store the digest
// of our manifest), its layers and that its content is all there, then
// loads it again, which sends nothing.
func loadFixture(t *testing.T, c *client.Client, dial Dial, img *nix2container.Image, ref string, want fixtureWant, opts Options) {
	id := idOf(t, c, img)
	if storeOf(t, c) != ContainerdStore && id != want.ConfigDigest {
		t.Fatalf("computed ID %s, want the config digest %s", id, want.ConfigDigest)
	}
	c.ImageRemove(context.Background(), id, client.ImageRemoveOptions{Force: true})
	removeImage(t, c, id)
	opts.Refs = []string{ref}
	res, err := Image(context.Background(), dial, img, opts)
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	var inspectOpts []client.ImageInspectOption
	if storeOf(t, c) == ContainerdStore {
		inspectOpts = append(inspectOpts, client.ImageInspectWithManifests(true)) // API ≥ 1.48
	}
	got, err := c.ImageInspect(context.Background(), ref, inspectOpts...)
	if err != nil {
		t.Fatalf("inspecting %s after the load: %v", ref, err)
	}
	if got.ID != id || res.ID.String() != id {
		t.Errorf("image ID = %s (result %s), want %s", got.ID, res.ID, id)
	}
	for _, m := range got.Manifests {
		if !m.Available {
			t.Errorf("manifest %s of %s is not available", m.ID, ref)
		}
	}
	var diffIDs []string
	for _, l := range want.Layers {
		diffIDs = append(diffIDs, l.DiffID)
	}
	if diff := cmp.Diff(diffIDs, got.RootFS.Layers); diff != "" {
		t.Errorf("RootFS layers mismatch (-want +got):\n%s", diff)
	}
	again, err := Image(context.Background(), dial, img, opts)
	if err != nil {
		t.Fatalf("second Image() = %v", err)
	}
	if !again.Present || len(again.Sent) != 0 || again.Bytes != 0 {
		t.Errorf("second load: present %v, sent %v (%d bytes); want nothing sent", again.Present, again.Sent, again.Bytes)
	}
}

// storeImage adds one store path per tree with nix-store --add and returns
// the image whose digests match them.
func storeImage(t *testing.T, entrypoint []string, rewriteLast bool, trees ...storeTree) *nix2container.Image {
	t.Helper()
	if _, err := exec.LookPath("nix-store"); err != nil {
		testenv.Require(t, "Nix (nix-store)", err)
	}
	created := time.Date(2025, 9, 20, 0, 0, 0, 0, time.UTC)
	img := &nix2container.Image{Version: 1, Arch: "amd64", Created: &created}
	img.Config.Entrypoint = entrypoint
	for i, tree := range trees {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("nanna-test-layer%d", i))
		writeTree(t, dir, tree)
		out, err := exec.Command("nix-store", "--add", dir).Output()
		if err != nil {
			t.Fatalf("nix-store --add %s: %v", dir, err)
		}
		sp := strings.TrimSpace(string(out))
		p := nix2container.Path{Path: sp}
		if rewriteLast && i == len(trees)-1 {
			p.Options = &nix2container.PathOptions{Rewrite: nix2container.Rewrite{Regex: "^" + sp, Repl: ""}}
		}
		l := nix2container.Layer{MediaType: "application/vnd.oci.image.layer.v1.tar", Paths: []nix2container.Path{p}}
		h := sha256.New()
		n, err := l.WriteBlob(context.Background(), h, nix2container.Store{})
		if err != nil {
			t.Fatal(err)
		}
		l.Digest = digest.NewDigest(digest.SHA256, h)
		l.DiffID, l.Size = l.Digest, n
		img.Layers = append(img.Layers, l)
	}
	return img
}

func TestIntegrationDelta(t *testing.T) {
	c, dial := daemon(t)
	for name, opts := range variants(t, c) {
		t.Run(name, func(t *testing.T) { testDelta(t, c, dial, opts) })
	}
}

// testDelta changes one layer of a loaded image: on the classic store that
// layer and those above it are sent (layers are keyed by chain ID), on the
// containerd store only that layer (blobs are keyed by their digest).
func testDelta(t *testing.T, c *client.Client, dial Dial, opts Options) {
	stamp := fmt.Sprint(time.Now().UnixNano())
	base := []storeTree{{"lib/a": "a " + stamp}, {"lib/b": "b " + stamp}, {"bin/c": "c " + stamp}}
	containerd := storeOf(t, c) == ContainerdStore
	tests := []struct {
		name     string
		change   int
		wantSent []int
	}{
		{"top layer changed", 2, []int{2}},
		{"middle layer changed", 1, []int{1, 2}},
	}
	if containerd {
		tests[1].wantSent = []int{1}
	}
	img := storeImage(t, nil, false, base...)
	removeImage(t, c, idOf(t, c, img))
	opts.Refs = []string{"nanna-test-delta:base"}
	if _, err := Image(context.Background(), dial, img, opts); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trees := append([]storeTree(nil), base...)
			trees[tt.change] = storeTree{"changed": tt.name + stamp}
			changed := storeImage(t, nil, false, trees...)
			removeImage(t, c, idOf(t, c, changed))
			opts.Refs, opts.Related = []string{"nanna-test-delta:changed"}, []string{"nanna-test-delta:base"}
			res, err := Image(context.Background(), dial, changed, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSent, res.Sent); diff != "" {
				t.Errorf("layers sent mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIntegrationTamperedStorePath(t *testing.T) {
	c, dial := daemon(t)
	stamp := fmt.Sprint(time.Now().UnixNano())
	img := storeImage(t, nil, false, storeTree{"lib/a": "a " + stamp}, storeTree{"bin/app": "app " + stamp})
	file := filepath.Join(img.Layers[1].Paths[0].Path, "bin/app")
	if err := os.Chmod(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("tampered "+stamp), 0o444); err != nil {
		t.Fatalf("tampering with %s: %v", file, err)
	}
	id := idOf(t, c, img)
	removeImage(t, c, id)
	_, err := Image(context.Background(), dial, img, Options{Refs: []string{"nanna-test-tampered:it"}, Attempts: 3})
	var mismatch *nix2container.MismatchError
	if !errors.As(err, &mismatch) || mismatch.Layer != 1 {
		t.Fatalf("Image() = %v, want a digest mismatch in layer 1", err)
	}
	if !strings.Contains(err.Error(), img.Layers[1].Paths[0].Path) {
		t.Errorf("error %q does not name the store path", err)
	}
	if _, err := c.ImageInspect(context.Background(), id); err == nil {
		t.Errorf("image %s exists after a mismatch", id)
	}
	if _, err := c.ImageInspect(context.Background(), "nanna-test-tampered:it"); err == nil {
		t.Errorf("tag nanna-test-tampered:it exists after a mismatch")
	}
}

func TestIntegrationRunEntrypoint(t *testing.T) {
	c, dial := daemon(t)
	docker, err := exec.LookPath("docker")
	testenv.Require(t, "the docker CLI", err)
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	stamp := fmt.Sprint(time.Now().UnixNano())
	if err := os.WriteFile(src, []byte(`package main; import "fmt"; func main() { fmt.Println("hello from nanna `+stamp+`") }`), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "hello")
	build := exec.Command("go", "build", "-o", bin, src)
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	img := storeImage(t, []string{"/bin/hello"}, true, storeTree{"bin/hello": string(data)})
	removeImage(t, c, idOf(t, c, img))
	ref := "nanna-test-run:it"
	if _, err := Image(context.Background(), dial, img, Options{Refs: []string{ref}}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(docker, "run", "--rm", "--network", "none", ref).CombinedOutput()
	if err != nil {
		t.Fatalf("docker run %s: %v\n%s", ref, err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "hello from nanna "+stamp; got != want {
		t.Errorf("docker run printed %q, want %q", got, want)
	}
}
