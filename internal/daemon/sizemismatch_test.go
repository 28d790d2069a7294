package daemon

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/nix2container"
)

// A store path that changed size after the build gives the diagnosed size
// mismatch naming it, however much it grew (beyond the holdback of the last
// KiB too), and the daemon creates nothing.
func TestImageSizeMismatch(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"grew by 512 bytes", strings.Repeat("d", 600)},
		{"grew by 4 KiB", strings.Repeat("d", 4096)},
		{"grew by 1 MiB", strings.Repeat("d", 1<<20)},
		{"shrank", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, src := testImage(t, threeLayers...)
			tamper(t, src, img, 1, "share/doc/README", tt.content)
			sp := img.Layers[1].Paths[0].Path
			d := newFakeDaemon(ClassicStore)
			_, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src})
			var mismatch *nix2container.MismatchError
			if !errors.As(err, &mismatch) || mismatch.Field != "size" || mismatch.Layer != 1 {
				t.Fatalf("Image() = %v, want the size mismatch of layer 1", err)
			}
			if !strings.Contains(err.Error(), sp) || strings.Contains(err.Error(), "write too long") {
				t.Errorf("Image() = %q, want the diagnosed size mismatch naming %s", err, sp)
			}
			if len(d.images) != 0 {
				t.Errorf("the daemon has images %v after a size mismatch, want none", d.images)
			}
		})
	}
}
