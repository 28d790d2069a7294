package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// formats exports img in each format (OCI ones with and without gzip)
// and reads the result back.
var formats = []struct {
	name   string
	gzip   bool
	export func(ctx context.Context, img *nix2container.Image, path string, opts Options) (Result, error)
	read   func(t *testing.T, path string) v1.Image
}{
	{"docker-archive", false, Archive, func(t *testing.T, path string) v1.Image {
		tag, _ := name.NewTag("nanna/old:latest")
		img, err := tarball.ImageFromPath(path, &tag)
		if err != nil {
			t.Fatalf("reading the archive back: %v", err)
		}
		return img
	}},
	{"oci", false, OCI, func(t *testing.T, path string) v1.Image { _, img := readLayout(t, path, 0); return img }},
	{"oci gzip", true, OCI, func(t *testing.T, path string) v1.Image { _, img := readLayout(t, path, 0); return img }},
	{"oci-archive", false, OCIArchive, func(t *testing.T, path string) v1.Image {
		dir, _ := unpack(t, path)
		_, img := readLayout(t, dir, 0)
		return img
	}},
	{"oci-archive gzip", true, OCIArchive, func(t *testing.T, path string) v1.Image {
		dir, _ := unpack(t, path)
		_, img := readLayout(t, dir, 0)
		return img
	}},
}

func TestExportOlderRules(t *testing.T) {
	legacy := nix2container.LegacyRules()
	tests := []struct {
		cs    string
		older nix2container.NamedRules
	}{
		{"layered", legacy[1]},
		{"perms", legacy[0]},
		{"perms", legacy[1]},
	}
	for _, tt := range tests {
		for _, f := range formats {
			t.Run(fmt.Sprintf("%s/%s/%s", tt.cs, tt.older.Description, f.name), func(t *testing.T) {
				src := fixtures.Root(t)
				cur, _ := fixtures.Case(t, tt.cs)
				img := fixtures.OlderRules(t, cur, src, tt.older.Rules)
				wantConfig, _ := img.ConfigDigest()
				path := filepath.Join(t.TempDir(), "out")
				var log bytes.Buffer
				res, err := f.export(context.Background(), img, path, Options{Refs: []string{"nanna/old"}, Store: src, Gzip: f.gzip, Log: &log})
				if err != nil {
					t.Fatalf("export of a JSON written by %s = %v", tt.older.Description, err)
				}
				if res.Legacy != tt.older.Description || res.Config != wantConfig {
					t.Errorf("Result = legacy %q, config %s; want %q, %s", res.Legacy, res.Config, tt.older.Description, wantConfig)
				}
				note := "matches the tar rules of " + tt.older.Description + ": exporting with those rules\n"
				if strings.Count(log.String(), note) != 1 {
					t.Errorf("log = %q, want one line ending %q", log.String(), note)
				}
				got := f.read(t, path)
				if cfg, _ := got.ConfigName(); cfg.String() != wantConfig.String() {
					t.Errorf("config = %s, want the JSON's %s", cfg, wantConfig)
				}
				var want []string
				for _, l := range img.Layers {
					want = append(want, l.DiffID.String())
				}
				if diff := cmp.Diff(want, diffIDs(t, got)); diff != "" {
					t.Errorf("layer tars mismatch (-want +got):\n%s", diff)
				}
				if f.gzip {
					if err := validate.Image(got); err != nil {
						t.Errorf("validate.Image() = %v", err)
					}
				}
			})
		}
	}
}

func TestExportMatchingNoRules(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			src := fixtures.Root(t)
			cur, _ := fixtures.Case(t, "layered")
			img := fixtures.OlderRules(t, cur, src, nix2container.LegacyRules()[1].Rules)
			// Layer 1 is the smallest: the one the rules are chosen with.
			fixtures.Tamper(t, src, img.Layers[1].Paths[0].Path, "a-lower", "changed")
			var log bytes.Buffer
			_, err := f.export(context.Background(), img, filepath.Join(t.TempDir(), "out"), Options{Store: src, Gzip: f.gzip, Log: &log})
			var mismatch *nix2container.MismatchError
			if !errors.As(err, &mismatch) {
				t.Fatalf("export = %v, want a *nix2container.MismatchError", err)
			}
			if mismatch.Layer != 1 || mismatch.Legacy != "" || !strings.Contains(err.Error(), "a store path changed after the image was built") {
				t.Errorf("export = %v (layer %d, legacy %q), want layer 1 diagnosed as a changed store", err, mismatch.Layer, mismatch.Legacy)
			}
			if log.Len() != 0 {
				t.Errorf("log = %q, want nothing", log.String())
			}
		})
	}
}
