package daemon

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/nix2container"
)

// A store path that changed size after the build gives the diagnosed size
// mismatch naming it, whether the archive goes to a file or to the daemon,
// and however much it grew (beyond the holdback of the last KiB too).
func TestArchiveSizeMismatch(t *testing.T) {
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
			check := func(what string, err error) {
				t.Helper()
				var mismatch *nix2container.MismatchError
				if !errors.As(err, &mismatch) || mismatch.Field != "size" || mismatch.Layer != 1 {
					t.Fatalf("%s = %v, want the size mismatch of layer 1", what, err)
				}
				if !strings.Contains(err.Error(), sp) || strings.Contains(err.Error(), "write too long") {
					t.Errorf("%s = %q, want the diagnosed size mismatch naming %s", what, err, sp)
				}
			}
			var file bytes.Buffer
			check("WriteArchive()", WriteArchive(context.Background(), &file, img, []string{"app:latest"}, src))
			if strings.Contains(file.String(), "manifest.json") {
				t.Errorf("WriteArchive() wrote manifest.json after a mismatch")
			}
			d := newFakeDaemon(ClassicStore)
			_, err := Image(context.Background(), d.dialer(), img, Options{Refs: []string{"app:latest"}, Store: src})
			check("Image()", err)
			if len(d.images) != 0 {
				t.Errorf("the daemon has images %v after a size mismatch, want none", d.images)
			}
		})
	}
}
