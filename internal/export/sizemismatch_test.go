package export

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// TestStorePathThatGrewIsDiagnosed exports an image one of whose store
// paths grew by more than 1 KiB after the build: every format fails with
// the diagnosed mismatch naming that store path, not a tar writer's error.
func TestStorePathThatGrewIsDiagnosed(t *testing.T) {
	exports := map[string]func(ctx context.Context, img *nix2container.Image, dir string, opts Options) error{
		"archive": func(ctx context.Context, img *nix2container.Image, dir string, opts Options) error {
			_, err := Archive(ctx, img, filepath.Join(dir, "image.tar"), opts)
			return err
		},
		"oci": func(ctx context.Context, img *nix2container.Image, dir string, opts Options) error {
			_, err := OCI(ctx, img, filepath.Join(dir, "layout"), opts)
			return err
		},
		"oci-archive": func(ctx context.Context, img *nix2container.Image, dir string, opts Options) error {
			_, err := OCIArchive(ctx, img, filepath.Join(dir, "image.oci.tar"), opts)
			return err
		},
	}
	for name, export := range exports {
		t.Run(name, func(t *testing.T) {
			src := fixtures.Root(t)
			img, _ := fixtures.Case(t, "layered")
			path := img.Layers[2].Paths[0].Path
			fixtures.Tamper(t, src, path, "etc/app.conf", strings.Repeat("grown ", 1000)) // about 6 KiB more
			err := export(context.Background(), img, t.TempDir(), Options{Store: src})
			var mismatch *nix2container.MismatchError
			if !errors.As(err, &mismatch) || mismatch.Layer != 2 || !strings.Contains(err.Error(), path) {
				t.Errorf("export of a grown store path = %v, want the mismatch of layer 2 naming %s", err, path)
			}
			if err != nil && strings.Contains(err.Error(), "write too long") {
				t.Errorf("export of a grown store path = %v, want no tar writer error", err)
			}
		})
	}
}
