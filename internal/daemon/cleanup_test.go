package daemon

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// TestImageInterruptedAfterUpload interrupts a load once the daemon has the
// whole archive (Ctrl-C while it creates the image): the image this load
// created is removed, unless someone else tagged it or a container uses it
// meanwhile.
func TestImageInterruptedAfterUpload(t *testing.T) {
	tests := []struct {
		name      string
		meanwhile func(d *fakeDaemon, id string) // runs on the daemon as the image is created
		wantKept  bool
	}{
		{"untagged image created by the load", nil, false},
		{"someone tagged it", func(d *fakeDaemon, id string) { d.tags["other:1"] = id }, true},
		{"a container uses it", func(d *fakeDaemon, id string) { d.containers[id] = true }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, src := testImage(t, threeLayers...)
			config, _ := img.ConfigBlob()
			id := digestOf(config).String()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			d := newFakeDaemon(ClassicStore)
			d.onCommit = func(string) {
				cancel() // Ctrl-C while the daemon creates the image
				if tt.meanwhile != nil {
					tt.meanwhile(d, id)
				}
			}
			_, err := Image(ctx, d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src, Attempts: 3})
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted, nothing was tagged") {
				t.Fatalf("Image() = %v, want it interrupted with nothing tagged", err)
			}
			if _, kept := d.images[id]; kept != tt.wantKept {
				t.Errorf("image %s kept = %v, want %v (daemon images %v, tags %v)", id, kept, tt.wantKept, d.images, d.tags)
			}
			if d.tags["app:latest"] != "" {
				t.Errorf("app:latest tagged after an interrupted load")
			}
		})
	}
}

// An image the daemon had before the load is never removed, even untagged.
func TestImageFailedTagKeepsPresentImage(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	d := newFakeDaemon(ClassicStore)
	res, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src})
	if err != nil {
		t.Fatal(err)
	}
	delete(d.tags, "app:latest")
	f := &failingTags{fakeDaemon: d}
	dial := func(ctx context.Context) (Client, io.Closer, error) { return f, io.NopCloser(nil), nil }
	if _, err := Image(context.Background(), dial, img, Options{Refs: []string{"app:latest"}, Store: src}); err == nil {
		t.Fatal("Image() with a failing tag = nil, want the error")
	}
	if _, ok := d.images[res.ID.String()]; !ok || d.calls["ImageRemove"] != 0 {
		t.Errorf("the image present before the load was removed (ImageRemove calls %d)", d.calls["ImageRemove"])
	}
}

// failingTags refuses every tag.
type failingTags struct{ *fakeDaemon }

func (f *failingTags) ImageTag(context.Context, client.ImageTagOptions) (client.ImageTagResult, error) {
	return client.ImageTagResult{}, errors.New("tag refused")
}

// silentDaemon reads the whole archive, then answers only when the upload
// is abandoned: a daemon still creating a large image.
type silentDaemon struct {
	*fakeDaemon
	cancel context.CancelFunc
}

func (s *silentDaemon) ImageLoad(ctx context.Context, r io.Reader, _ ...client.ImageLoadOption) (client.ImageLoadResult, error) {
	if err := s.count(ctx, "ImageLoad"); err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, err
	}
	s.cancel() // Ctrl-C while the daemon works
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestImageInterruptedDaemonSilent(t *testing.T) {
	img, src := testImage(t, threeLayers...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &silentDaemon{fakeDaemon: newFakeDaemon(ClassicStore), cancel: cancel}
	dial := func(ctx context.Context) (Client, io.Closer, error) { return s, io.NopCloser(nil), nil }
	_, err := Image(ctx, dial, img, Options{Refs: []string{"app:latest"}, Store: src, settle: time.Millisecond})
	config, _ := img.ConfigBlob()
	want := "may still create image " + digestOf(config).String() + " (docker rmi"
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), want) {
		t.Errorf("Image() = %v, want it interrupted, saying %q", err, want)
	}
}
