package daemon

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestImageHolderRemovedDuringUpload removes the image that holds the
// layers left out of the archive while the archive is being read, as
// `docker rmi` during a load does: the daemon then misses their files, and
// the load is retried once with every layer.
func TestImageHolderRemovedDuringUpload(t *testing.T) {
	for _, store := range []ImageStore{ClassicStore, ContainerdStore} {
		t.Run(string(store), func(t *testing.T) { testHolderRemoved(t, store) })
	}
}

// On the containerd store the removal lets the garbage collector delete the
// blobs left out; the daemon then creates an image it cannot unpack.
func testHolderRemoved(t *testing.T, store ImageStore) {
	img, src := testImage(t, threeLayers...)
	d := newFakeDaemon(store)
	opts := Options{Refs: []string{"app:v1"}, Store: src}
	base, err := Image(context.Background(), d.dialer(), img, opts)
	if err != nil {
		t.Fatal(err)
	}
	tamper(t, src, img, 2, "bin/app", "application v2")
	img2 := relayer(t, img, src, 2)
	removed := false
	d.onRead = func(string) {
		if !removed {
			removed = true
			d.remove(base.ID.String())
			d.gc()
		}
	}
	var log bytes.Buffer
	opts.Refs, opts.Related, opts.Log = []string{"app:v2"}, []string{"app:v1"}, &log
	res, err := Image(context.Background(), d.dialer(), img2, opts)
	if err != nil {
		t.Fatalf("Image() with the holding image removed during the upload = %v", err)
	}
	if diff := cmp.Diff([]int{0, 1, 2}, res.Sent); diff != "" {
		t.Errorf("Sent mismatch (-want +got):\n%s", diff)
	}
	if len(res.Held) != 0 {
		t.Errorf("Held = %v, want none: the retry sends every layer", res.Held)
	}
	if got := len(d.received); got != 3 || len(d.received[1]) != 1+overhead(store) || len(d.received[2]) != 3+overhead(store) {
		t.Errorf("archives received %v, want the delta (layer 2), then all three layers", d.received)
	}
	if _, ok := d.images[res.ID.String()]; !ok || d.tags["app:v2"] != res.ID.String() {
		t.Errorf("daemon images %v, tags %v: want %s loaded and tagged app:v2", d.images, d.tags, res.ID)
	}
	if !strings.Contains(log.String(), "sending every layer") {
		t.Errorf("log %q does not say every layer is sent again", log.String())
	}
}

// A daemon error about another missing file is not retried with every layer.
func TestImageMissingFileNotLeftOut(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	d := newFakeDaemon(ClassicStore)
	d.loadErr = "open /var/lib/docker/tmp/docker-import-1/manifest.json: no such file or directory"
	_, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:v1"}, Store: src})
	if err == nil || d.calls["ImageLoad"] != 1 {
		t.Errorf("Image() = %v after %d loads, want the daemon's error after one", err, d.calls["ImageLoad"])
	}
}

// TestImageInspectsOnlyCandidates loads next to 20 unrelated images: only
// the images Refs and Related name are inspected for held layers, whatever
// else the daemon holds, and nothing is listed.
func TestImageInspectsOnlyCandidates(t *testing.T) {
	refs := []string{"app:latest", "ghcr.io/me/app:latest"}
	tests := []struct {
		name     string
		holder   string   // the tag of the image holding layers 0 and 1
		related  []string // Options.Related
		wantSent []int
	}{
		{"earlier build under the same tag", "app:latest", nil, []int{2}},
		{"earlier build under the registry tag", "ghcr.io/me/app:latest", nil, []int{2}},
		{"sibling image named Related", "base:latest", []string{"base"}, []int{2}},
		{"sibling image not named", "base:latest", nil, []int{0, 1, 2}},
		{"same repository, another tag", "app:v1", nil, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, src := testImage(t, threeLayers...)
			d := newFakeDaemon(ClassicStore)
			for i := range 20 {
				id := fmt.Sprintf("sha256:%064d", i)
				d.images[id] = []string{fmt.Sprintf("sha256:%064x", 1000+i)}
				d.tags[fmt.Sprintf("unrelated-%d:latest", i)] = id
			}
			if _, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{tt.holder}, Store: src}); err != nil {
				t.Fatal(err)
			}
			tamper(t, src, img, 2, "bin/app", "application v2")
			img2 := relayer(t, img, src, 2)
			before := d.calls["ImageInspect"]
			res, err := Image(context.Background(), d.dialer(), img2, Options{Refs: refs, Related: tt.related, Store: src})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSent, res.Sent); diff != "" {
				t.Errorf("Sent mismatch (-want +got):\n%s", diff)
			}
			// The image itself before and after the upload, and each candidate once.
			if got, want := d.calls["ImageInspect"]-before, 2+len(refs)+len(tt.related); got != want {
				t.Errorf("ImageInspect calls = %d, want %d", got, want)
			}
			for i := range 20 {
				if n := d.inspected[fmt.Sprintf("sha256:%064d", i)]; n != 0 {
					t.Errorf("unrelated image %d inspected %d times, want 0", i, n)
				}
			}
		})
	}
}
