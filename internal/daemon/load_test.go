package daemon

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/nix2container"
)

func TestImageLoadsAndTags(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	d := newFakeDaemon(ClassicStore)
	var log bytes.Buffer
	refs := []string{"nanna-coder-ollama:latest", "ghcr.io/owner/repo/ollama:latest"}
	res, err := Image(context.Background(), d.dialer(), img, Options{Refs: refs, Store: src, Log: &log})
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	config, _ := img.ConfigBlob()
	id := digestOf(config)
	if res.ID != id {
		t.Errorf("Image().ID = %s, want the config digest %s", res.ID, id)
	}
	if _, ok := d.images[id.String()]; !ok {
		t.Errorf("daemon has no image %s after the load", id)
	}
	for _, ref := range refs {
		if d.tags[ref] != id.String() {
			t.Errorf("tag %s points at %q, want %s", ref, d.tags[ref], id)
		}
	}
	if diff := cmp.Diff([]int{0, 1, 2}, res.Sent); diff != "" {
		t.Errorf("Image().Sent mismatch (-want +got):\n%s", diff)
	}
	if len(res.Held) != 0 || res.Present {
		t.Errorf("Image() = held %v, present %v on an empty daemon", res.Held, res.Present)
	}
	if !strings.Contains(log.String(), "3 layers sent") || strings.Count(log.String(), "\n") != 1 {
		t.Errorf("quiet output = %q, want one summary line saying 3 layers sent", log.String())
	}
}

func TestImageAlreadyPresentOnlyTags(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	d := newFakeDaemon(ClassicStore)
	opts := Options{Refs: []string{"app:latest"}, Store: src}
	if _, err := Image(context.Background(), d.dialer(), img, opts); err != nil {
		t.Fatal(err)
	}
	opts.Refs = []string{"app:latest", "app:abc123"}
	res, err := Image(context.Background(), d.dialer(), img, opts)
	if err != nil {
		t.Fatalf("second Image() = %v", err)
	}
	if got := d.calls["ImageLoad"]; got != 1 {
		t.Errorf("ImageLoad calls = %d after a repeat load, want 1", got)
	}
	if !res.Present || len(res.Sent) != 0 || res.Bytes != 0 {
		t.Errorf("repeat load = present %v, sent %v, %d bytes; want present, nothing sent", res.Present, res.Sent, res.Bytes)
	}
	if d.tags["app:abc123"] != res.ID.String() {
		t.Errorf("new tag app:abc123 = %q, want %s", d.tags["app:abc123"], res.ID)
	}
}

func TestImageSendsOnlyMissingLayers(t *testing.T) {
	tests := []struct {
		store    ImageStore
		wantSent []int
		wantHeld []int
	}{
		{ClassicStore, []int{2}, []int{0, 1}},
		{ContainerdStore, []int{2}, []int{0, 1}},
		{PodmanStore, []int{0, 1, 2}, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.store), func(t *testing.T) {
			img, src := testImage(t, threeLayers...)
			d := newFakeDaemon(tt.store)
			opts := Options{Refs: []string{"app:v1"}, Store: src}
			if _, err := Image(context.Background(), d.dialer(), img, opts); err != nil {
				t.Fatal(err)
			}
			tamper(t, src, img, 2, "bin/app", "application v2")
			img2 := relayer(t, img, src, 2)
			opts.Refs, opts.Related = []string{"app:v2"}, []string{"app:v1"}
			res, err := Image(context.Background(), d.dialer(), img2, opts)
			if err != nil {
				t.Fatalf("Image() after a top-layer change = %v", err)
			}
			if diff := cmp.Diff(tt.wantSent, res.Sent); diff != "" {
				t.Errorf("Sent mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantHeld, res.Held); diff != "" {
				t.Errorf("Held mismatch (-want +got):\n%s", diff)
			}
			if got := len(d.received[1]); got != len(tt.wantSent)+overhead(tt.store) {
				t.Errorf("second archive has %d files (%v), want %d layers and %d other files", got, d.received[1], len(tt.wantSent), overhead(tt.store))
			}
		})
	}
}

func TestImageMismatchLeavesNothing(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	tamper(t, src, img, 1, "share/doc/README", "DOCUMENTATION")
	d := newFakeDaemon(ClassicStore)
	_, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src, Attempts: 3})
	var mismatch *nix2container.MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("Image() = %v, want a *nix2container.MismatchError", err)
	}
	if mismatch.Layer != 1 {
		t.Errorf("mismatch names layer %d, want 1", mismatch.Layer)
	}
	if len(d.images) != 0 || len(d.tags) != 0 {
		t.Errorf("daemon has images %v and tags %v after a mismatch, want none", d.images, d.tags)
	}
	if d.calls["Dial"] != 1 {
		t.Errorf("Dial calls = %d, want 1: a mismatch is never retried", d.calls["Dial"])
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines, want one", err)
	}
}

func TestImageRetries(t *testing.T) {
	down := ErrUnavailable
	tests := []struct {
		name      string
		attempts  int
		failures  []error
		wantErr   bool
		wantDials int
	}{
		{"succeeds on the third attempt", 3, []error{down, down}, false, 3},
		{"gives up after maxAttempts", 2, []error{down, down}, true, 2},
		{"bad input is not retried", 3, []error{errors.New("bad TLS configuration")}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, src := testImage(t, threeLayers[:1]...)
			d := newFakeDaemon(ClassicStore)
			var slept []time.Duration
			opts := Options{Refs: []string{"app:latest"}, Store: src, Attempts: tt.attempts, RetryDelay: 5 * time.Second,
				sleep: func(ctx context.Context, dur time.Duration) error { slept = append(slept, dur); return nil }}
			_, err := Image(context.Background(), d.dialer(tt.failures...), img, opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Image() = %v, want error %v", err, tt.wantErr)
			}
			if d.calls["Dial"] != tt.wantDials {
				t.Errorf("Dial calls = %d, want %d", d.calls["Dial"], tt.wantDials)
			}
			if len(slept) != tt.wantDials-1 {
				t.Errorf("slept %v, want %d pauses", slept, tt.wantDials-1)
			}
		})
	}
}

func TestImageDaemonError(t *testing.T) {
	img, src := testImage(t, threeLayers[:1]...)
	d := newFakeDaemon(ClassicStore)
	d.loadErr = "write /var/lib/docker/tmp: no space left on device"
	_, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src})
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("Image() = %v, want the daemon's errorDetail", err)
	}
	if len(d.tags) != 0 {
		t.Errorf("tags %v after a failed load, want none", d.tags)
	}
}

func TestImageBadInput(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	missing := *img
	missing.Layers = append([]nix2container.Layer(nil), img.Layers...)
	missing.Layers[1].Paths = []nix2container.Path{{Path: "/nix/store/00000000000000000000000000000000-gone"}}
	tests := []struct {
		name string
		img  *nix2container.Image
		refs []string
		want string
	}{
		{"no reference", img, nil, "no reference"},
		{"invalid reference", img, []string{"Not A Ref!"}, "invalid image reference"},
		{"missing store path", &missing, []string{"app:latest"}, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newFakeDaemon(ClassicStore)
			_, err := Image(context.Background(), d.dialer(), tt.img, Options{Refs: tt.refs, Store: src})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Image() = %v, want an error containing %q", err, tt.want)
			}
			if d.calls["Dial"] != 0 {
				t.Errorf("Dial calls = %d for bad input, want 0", d.calls["Dial"])
			}
		})
	}
}

func TestImageVerboseNamesLayers(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	d := newFakeDaemon(ClassicStore)
	var log bytes.Buffer
	if _, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src, Log: &log, Verbose: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"layer 1/3", "layer 2/3", "layer 3/3", "-layer2", "daemon: Loaded image ID"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("verbose output lacks %q:\n%s", want, log.String())
		}
	}
}

func TestImageDuplicateLayersSentOnce(t *testing.T) {
	img, src := testImage(t, threeLayers[:2]...)
	img.Layers = append(img.Layers, img.Layers[0]) // older nix2container JSONs repeat layers
	d := newFakeDaemon(ClassicStore)
	res, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:dup"}, Store: src})
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	if diff := cmp.Diff([]int{0, 1}, res.Sent); diff != "" {
		t.Errorf("Sent mismatch (-want +got):\n%s", diff)
	}
	if got := d.images[res.ID.String()]; len(got) != 3 {
		t.Errorf("daemon image has %d layers, want 3 (the duplicate kept)", len(got))
	}
}

func TestImageOlderTarRules(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	old := src
	old.Rules = nix2container.Rules{ZeroMtime: true} // nix2container before 2024-07-08
	for i := range img.Layers {
		img = relayer(t, img, old, i)
	}
	d := newFakeDaemon(ClassicStore)
	var log bytes.Buffer
	res, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:old"}, Store: src, Log: &log})
	if err != nil {
		t.Fatalf("Image() of a JSON with mtime-0 digests = %v", err)
	}
	if !strings.Contains(res.Legacy, "2024-07-08") || !strings.Contains(log.String(), "loading with those rules") {
		t.Errorf("Image() legacy = %q, log %q; want the older rules named", res.Legacy, log.String())
	}
	// The rules are decided before anything is sent: one upload.
	if d.calls["ImageLoad"] != 1 || len(d.images) != 1 {
		t.Errorf("ImageLoad calls = %d, images %d; want one upload, one image", d.calls["ImageLoad"], len(d.images))
	}
	again, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:old"}, Store: src, Log: &log})
	if err != nil || !again.Present || again.Legacy != "" {
		t.Errorf("repeat Image() = %+v, %v; want present without deciding the rules (no layer read)", again, err)
	}
}
