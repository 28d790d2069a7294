package daemon

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/oci"
)

// On the containerd store an image's ID is the digest of the manifest we
// send (the OCI manifest a push makes), known before anything is sent: the
// load tags that ID, a repeat load finds it and sends nothing.
func TestContainerdIdentity(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	o, err := oci.NewImage(context.Background(), img, oci.Options{Store: src})
	if err != nil {
		t.Fatal(err)
	}
	d := newFakeDaemon(ContainerdStore)
	opts := Options{Refs: []string{"app:v1", "registry.test/app:v1"}, Store: src}
	res, err := Image(context.Background(), d.dialer(), img, opts)
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	if res.ID != o.ManifestDigest() || res.ID == o.ConfigDigest() {
		t.Errorf("ID = %s, want the manifest digest %s (not the config digest)", res.ID, o.ManifestDigest())
	}
	for _, ref := range opts.Refs {
		if d.tags[ref] != res.ID.String() {
			t.Errorf("tag %s → %q, want %s", ref, d.tags[ref], res.ID)
		}
	}
	if res.Path != pathArchive {
		t.Errorf("Path = %q, want %q (the fake has no containerd socket)", res.Path, pathArchive)
	}
	again, err := Image(context.Background(), d.dialer(), img, opts)
	if err != nil || !again.Present || d.calls["ImageLoad"] != 1 || again.ID != res.ID {
		t.Errorf("repeat Image() = %+v, %v with %d uploads; want present, the same ID, no second upload", again, err, d.calls["ImageLoad"])
	}
}

// deltaFixture loads app:v1, then changes the top layer for app:v2.
func deltaFixture(t *testing.T, d *fakeDaemon) (Options, Result, func() Result) {
	t.Helper()
	img, src := testImage(t, threeLayers...)
	opts := Options{Refs: []string{"app:v1"}, Store: src}
	base, err := Image(context.Background(), d.dialer(), img, opts)
	if err != nil {
		t.Fatal(err)
	}
	tamper(t, src, img, 2, "bin/app", "application v2")
	img2 := relayer(t, img, src, 2)
	opts.Refs, opts.Related = []string{"app:v2"}, []string{"app:v1"}
	return opts, base, func() Result {
		t.Helper()
		res, err := Image(context.Background(), d.dialer(), img2, opts)
		if err != nil {
			t.Fatalf("Image(app:v2) = %v", err)
		}
		if !d.summaryLocked(res.ID.String()).Available {
			t.Errorf("app:v2 is not available in the content store")
		}
		return res
	}
}

// What counts as proof that the content store holds a blob, and what does
// not: every case ends in a usable image.
func TestContainerdHeldBlobs(t *testing.T) {
	tests := []struct {
		name     string
		before   func(t *testing.T, d *fakeDaemon, base Result)
		wantSent []int
	}{
		{"the replaced image, available, with its manifest cached", nil, []int{2}},
		{"its image was removed and its blobs collected", func(t *testing.T, d *fakeDaemon, base Result) {
			d.remove(base.ID.String())
			d.gc()
		}, []int{0, 1, 2}},
		{"its image lost a blob (not available)", func(t *testing.T, d *fakeDaemon, base Result) {
			delete(d.content, digest.Digest(d.manifests[base.ID.String()].blobs[1]))
		}, []int{0, 1, 2}},
		{"no cached manifest", func(t *testing.T, d *fakeDaemon, base Result) {
			os.RemoveAll(defaultManifestCache().dir)
		}, []int{0, 1, 2}},
		{"a cached manifest that does not match its digest", func(t *testing.T, d *fakeDaemon, base Result) {
			path := defaultManifestCache().path(base.ID)
			if err := os.WriteFile(path, []byte(`{"layers":[]}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			d := newFakeDaemon(ContainerdStore)
			_, base, load := deltaFixture(t, d)
			if tt.before != nil {
				tt.before(t, d, base)
			}
			res := load()
			if diff := cmp.Diff(tt.wantSent, res.Sent); diff != "" {
				t.Errorf("Sent mismatch (-want +got):\n%s", diff)
			}
			if n := len(d.received); n != 2 {
				t.Errorf("%d uploads, want 2 (no resend needed)", n)
			}
		})
	}
}

// A blob that was proved present but is collected during the upload: the
// daemon answers 200 with "Error unpacking image" in the stream, the image
// is not available, and the load sends every blob again.
func TestContainerdUnpackErrorResends(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	d := newFakeDaemon(ContainerdStore)
	_, base, load := deltaFixture(t, d)
	removed := false
	d.onRead = func(string) {
		if !removed {
			removed = true
			d.remove(base.ID.String())
			d.gc()
		}
	}
	res := load()
	if diff := cmp.Diff([]int{0, 1, 2}, res.Sent); diff != "" {
		t.Errorf("Sent mismatch (-want +got):\n%s", diff)
	}
	if n := len(d.received); n != 3 {
		t.Errorf("%d uploads, want 3: v1, the delta, everything", n)
	}
	if d.tags["app:v2"] != res.ID.String() {
		t.Errorf("app:v2 → %q, want %s", d.tags["app:v2"], res.ID)
	}
}

// The summary line names the path and the store.
func TestContainerdSummary(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	img, src := testImage(t, threeLayers...)
	var log bytes.Buffer
	d := newFakeDaemon(ContainerdStore)
	if _, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:v1"}, Store: src, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if want := "through the Docker API (containerd image store), 3 layers sent"; !strings.Contains(log.String(), want) {
		t.Errorf("summary %q lacks %q", log.String(), want)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "nanna-coder", "manifests", "sha256")); err != nil {
		t.Errorf("the manifest was not recorded: %v", err)
	}
}

// A repeat load asks the daemon for nothing it already has: references the
// image carries are not tagged again, a new one is.
func TestRepeatLoadTagsOnlyNewReferences(t *testing.T) {
	for _, store := range []ImageStore{ClassicStore, ContainerdStore, PodmanStore} {
		t.Run(string(store), func(t *testing.T) {
			img, src := testImage(t, threeLayers...)
			d := newFakeDaemon(store)
			opts := Options{Refs: []string{"app:v1", "registry.test/app:v1"}, Store: src}
			if _, err := Image(context.Background(), d.dialer(), img, opts); err != nil {
				t.Fatal(err)
			}
			before := d.calls["ImageTag"]
			if _, err := Image(context.Background(), d.dialer(), img, opts); err != nil || d.calls["ImageTag"] != before {
				t.Errorf("repeat Image() = %v with %d more ImageTag calls, want none", err, d.calls["ImageTag"]-before)
			}
			opts.Refs = append(opts.Refs, "app:abc123")
			res, err := Image(context.Background(), d.dialer(), img, opts)
			if err != nil || d.calls["ImageTag"] != before+1 || len(res.Refs) != 3 {
				t.Errorf("Image() with a new reference = %v, %d more ImageTag calls, refs %v; want 1 call and all 3 refs", err, d.calls["ImageTag"]-before, res.Refs)
			}
		})
	}
}
