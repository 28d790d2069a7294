package export

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// readLayout reads an OCI layout back with go-containerregistry and
// returns its index entries' ref names and the image of entry i.
func readLayout(t *testing.T, dir string, i int) ([]string, v1.Image) {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatalf("reading layout %s: %v", dir, err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range m.Manifests {
		names = append(names, d.Annotations[ispec.AnnotationRefName])
	}
	img, err := p.Image(m.Manifests[i].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return names, img
}

func TestOCI(t *testing.T) {
	src := fixtures.Root(t)
	for _, cs := range fixtures.Cases(t) {
		for _, gz := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%v", cs, gz), func(t *testing.T) {
				img, want := fixtures.Case(t, cs)
				dir := filepath.Join(t.TempDir(), "layout")
				res, err := OCI(context.Background(), img, dir, Options{Refs: []string{"nanna/" + cs + ":dev"}, Store: src, Gzip: gz})
				if err != nil {
					t.Fatalf("OCI() = %v", err)
				}
				names, got := readLayout(t, dir, 0)
				if diff := cmp.Diff([]string{"nanna/" + cs + ":dev"}, names); diff != "" {
					t.Errorf("ref names mismatch (-want +got):\n%s", diff)
				}
				if d, _ := got.Digest(); d.String() != res.Manifest.String() {
					t.Errorf("manifest %s, reported %s", d, res.Manifest)
				}
				if cfg, _ := got.ConfigName(); cfg.String() != want.ConfigDigest.String() {
					t.Errorf("config = %s, want %s", cfg, want.ConfigDigest)
				}
				if diff := cmp.Diff(wantDiffIDs(want), diffIDs(t, got)); diff != "" {
					t.Errorf("layer tars mismatch (-want +got):\n%s", diff)
				}
				m, _ := got.Manifest()
				for i, l := range m.Layers {
					if !gz && (l.Digest.String() != want.Layers[i].Digest.String() || l.Size != want.Layers[i].Size) {
						t.Errorf("layer %d = %s (%d bytes), want %s (%d)", i, l.Digest, l.Size, want.Layers[i].Digest, want.Layers[i].Size)
					}
				}
				if gz {
					if err := validate.Image(got); err != nil {
						t.Errorf("validate.Image() = %v", err)
					}
				}
			})
		}
	}
}

func TestOCIAddsToALayout(t *testing.T) {
	src := fixtures.Root(t)
	basic, _ := fixtures.Case(t, "basic")
	edge, _ := fixtures.Case(t, "edge")
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := OCI(ctx, basic, dir, Options{Refs: []string{"basic:1"}, Store: src}); err != nil {
		t.Fatal(err)
	}
	res, err := OCI(ctx, edge, dir, Options{Refs: []string{"edge:1", "edge:latest"}, Store: src})
	if err != nil {
		t.Fatal(err)
	}
	// edge's first layer is basic's only one.
	if res.Blobs != len(edge.Layers) || res.Reused != 1 {
		t.Errorf("second image: %d blobs, %d reused; want %d and 1", res.Blobs, res.Reused, len(edge.Layers))
	}
	res, err = OCI(ctx, basic, dir, Options{Refs: []string{"basic:1"}, Store: src})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reused != res.Blobs {
		t.Errorf("the same image again: %d of %d blobs reused, want all", res.Reused, res.Blobs)
	}
	names, _ := readLayout(t, dir, 0)
	if diff := cmp.Diff([]string{"edge:1", "edge:latest", "basic:1"}, names); diff != "" {
		t.Errorf("ref names mismatch (-want +got):\n%s", diff)
	}
}

func TestOCIIsAtomic(t *testing.T) {
	src := fixtures.Root(t)
	basic, _ := fixtures.Case(t, "basic")
	img, _ := fixtures.Case(t, "layered")
	ctx := context.Background()
	existing := t.TempDir()
	if _, err := OCI(ctx, basic, existing, Options{Refs: []string{"basic:1"}, Store: src}); err != nil {
		t.Fatal(err)
	}
	fixtures.Tamper(t, src, img.Layers[2].Paths[0].Path, "etc/app.conf", "tampered")
	var mismatch *nix2container.MismatchError

	fresh := filepath.Join(t.TempDir(), "new")
	if _, err := OCI(ctx, img, fresh, Options{Store: src}); !errors.As(err, &mismatch) {
		t.Fatalf("OCI() of a tampered store = %v, want a *nix2container.MismatchError", err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed export left %s behind (%v)", fresh, err)
	}

	before, _ := os.ReadFile(filepath.Join(existing, "index.json"))
	if _, err := OCI(ctx, img, existing, Options{Refs: []string{"basic:1"}, Store: src}); !errors.As(err, &mismatch) {
		t.Fatalf("OCI() into a layout = %v, want a *nix2container.MismatchError", err)
	}
	if after, _ := os.ReadFile(filepath.Join(existing, "index.json")); !bytes.Equal(before, after) {
		t.Errorf("index.json changed after a failed export:\n%s\n%s", before, after)
	}
	var leftovers []string
	filepath.WalkDir(existing, func(p string, d os.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".tmp-") {
			leftovers = append(leftovers, p)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	names, _ := readLayout(t, existing, 0)
	if diff := cmp.Diff([]string{"basic:1"}, names); diff != "" {
		t.Errorf("layout entries mismatch (-want +got):\n%s", diff)
	}
}

func TestOCIRefusesOtherDirectories(t *testing.T) {
	img, _ := fixtures.Case(t, "basic")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := OCI(context.Background(), img, dir, Options{Store: fixtures.Root(t)})
	if err == nil || !strings.Contains(err.Error(), "is not an OCI image layout") {
		t.Errorf("OCI() into a non-layout directory = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory now has %d entries, want it untouched", len(entries))
	}
}

func TestOCIArchive(t *testing.T) {
	src := fixtures.Root(t)
	img, want := fixtures.Case(t, "layered")
	file := filepath.Join(t.TempDir(), "image.oci.tar")
	res, err := OCIArchive(context.Background(), img, file, Options{Refs: []string{"nanna/layered:dev"}, Store: src})
	if err != nil {
		t.Fatalf("OCIArchive() = %v", err)
	}
	dir, order := unpack(t, file)
	if order[0] != "oci-layout" || order[len(order)-1] != "index.json" {
		t.Errorf("archive order %v, want oci-layout first and index.json last", order)
	}
	if info, _ := os.Stat(file); res.Bytes != info.Size() {
		t.Errorf("reported %d bytes, the file has %d", res.Bytes, info.Size())
	}
	names, got := readLayout(t, dir, 0)
	if diff := cmp.Diff([]string{"nanna/layered:dev"}, names); diff != "" {
		t.Errorf("ref names mismatch (-want +got):\n%s", diff)
	}
	if cfg, _ := got.ConfigName(); cfg.String() != want.ConfigDigest.String() {
		t.Errorf("config = %s, want %s", cfg, want.ConfigDigest)
	}
	if diff := cmp.Diff(wantDiffIDs(want), diffIDs(t, got)); diff != "" {
		t.Errorf("layer tars mismatch (-want +got):\n%s", diff)
	}
}

// unpack extracts an OCI archive into a new directory, to be read back as
// a layout, and returns it with the entry names in archive order.
func unpack(t *testing.T, file string) (string, []string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	var order []string
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return dir, order
		}
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, hdr.Name)
		p := filepath.Join(dir, hdr.Name)
		if hdr.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		data, _ := io.ReadAll(tr)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
