package oci

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

func TestImageMatchesFixtures(t *testing.T) {
	src := fixtures.Root(t)
	for _, name := range fixtures.Cases(t) {
		for _, gz := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%v", name, gz), func(t *testing.T) {
				n2c, want := fixtures.Case(t, name)
				img, err := NewImage(context.Background(), n2c, Options{Store: src, Gzip: gz})
				if err != nil {
					t.Fatalf("NewImage() = %v", err)
				}
				checkBlobs(t, img)
				if gz {
					// validate reads layers through gzip only.
					if err := validate.Image(img); err != nil {
						t.Errorf("validate.Image() = %v", err)
					}
				}
				if got := img.ConfigDigest(); got != want.ConfigDigest {
					t.Errorf("ConfigDigest() = %s, want %s", got, want.ConfigDigest)
				}
				m, err := img.Manifest()
				if err != nil {
					t.Fatal(err)
				}
				if m.Config.Digest.String() != want.ConfigDigest.String() || m.Config.Size != want.ConfigSize {
					t.Errorf("manifest config = %s (%d bytes), want %s (%d)", m.Config.Digest, m.Config.Size, want.ConfigDigest, want.ConfigSize)
				}
				if len(m.Layers) != len(want.Layers) {
					t.Fatalf("manifest has %d layers, want %d", len(m.Layers), len(want.Layers))
				}
				for i, l := range m.Layers {
					if gz {
						if l.MediaType != types.OCILayer || l.Digest.String() == want.Layers[i].Digest.String() {
							t.Errorf("layer %d = %s %s, want a gzip blob", i, l.MediaType, l.Digest)
						}
						continue
					}
					got := fmt.Sprintf("%s %s %d", l.MediaType, l.Digest, l.Size)
					wantL := fmt.Sprintf("%s %s %d", types.OCIUncompressedLayer, want.Layers[i].Digest, want.Layers[i].Size)
					if got != wantL {
						t.Errorf("manifest layer %d = %s, want %s", i, got, wantL)
					}
				}
			})
		}
	}
}

// TestManifestBytes pins the manifest to the form skopeo's nix: transport
// gives (image-spec field order: mediaType, digest, size).
func TestManifestBytes(t *testing.T) {
	n2c, want := fixtures.Case(t, "basic")
	img, err := NewImage(context.Background(), n2c, Options{Store: fixtures.Root(t)})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := img.RawManifest()
	wantRaw := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}`,
		want.ConfigDigest, want.ConfigSize, want.Layers[0].Digest, want.Layers[0].Size)
	if diff := cmp.Diff(wantRaw, string(raw)); diff != "" {
		t.Errorf("RawManifest() mismatch (-want +got):\n%s", diff)
	}
	cfg, _ := img.RawConfigFile()
	wantCfg, _ := n2c.ConfigBlob()
	if string(cfg) != string(wantCfg) {
		t.Errorf("RawConfigFile() = %s, want nix2container's %s", cfg, wantCfg)
	}
}

func TestGzipIsDeterministic(t *testing.T) {
	src := fixtures.Root(t)
	n2c, _ := fixtures.Case(t, "layered")
	var digests []v1.Hash
	for range 2 {
		img, err := NewImage(context.Background(), n2c, Options{Store: src, Gzip: true})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		digests = append(digests, d)
	}
	if digests[0] != digests[1] {
		t.Errorf("two gzip images of the same JSON have manifests %s and %s, want equal", digests[0], digests[1])
	}
}

func TestOnBlob(t *testing.T) {
	n2c, want := fixtures.Case(t, "layered")
	var mu sync.Mutex
	got := map[int]int64{}
	img, err := NewImage(context.Background(), n2c, Options{Store: fixtures.Root(t), OnBlob: func(i int, n int64, err error) {
		if err != nil {
			t.Errorf("OnBlob(%d) error %v", i, err)
		}
		mu.Lock()
		got[i] = n
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	for _, l := range layers {
		rc, _ := l.Compressed()
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	cl, _ := img.ConfigLayer()
	rc, _ := cl.Compressed()
	io.Copy(io.Discard, rc)
	wantSeen := map[int]int64{-1: want.ConfigSize}
	for i, l := range want.Layers {
		wantSeen[i] = l.Size
	}
	if diff := cmp.Diff(wantSeen, got); diff != "" {
		t.Errorf("OnBlob calls mismatch (-want +got):\n%s", diff)
	}
}

func TestTamperedStore(t *testing.T) {
	n2c, _ := fixtures.Case(t, "layered")
	src := fixtures.Root(t)
	fixtures.Tamper(t, src, n2c.Layers[2].Paths[0].Path, "etc/app.conf", "changed!")

	img, err := NewImage(context.Background(), n2c, Options{Store: src})
	if err != nil {
		t.Fatalf("NewImage() = %v; the uncompressed image reads only its smallest layer (1) up front", err)
	}
	layers, _ := img.Layers()
	rc, _ := layers[2].Compressed()
	n, err := io.Copy(io.Discard, rc)
	var mismatch *nix2container.MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("reading the tampered layer = %v, want a *nix2container.MismatchError", err)
	}
	if size, _ := layers[2].Size(); n >= size {
		t.Errorf("read %d bytes of a %d-byte tampered blob, want it cut short", n, size)
	}

	_, err = NewImage(context.Background(), n2c, Options{Store: src, Gzip: true})
	if !errors.As(err, &mismatch) {
		t.Errorf("NewImage(Gzip) = %v, want a *nix2container.MismatchError", err)
	}
}

func TestNewImageChecks(t *testing.T) {
	n2c, _ := fixtures.Case(t, "basic")
	_, err := NewImage(context.Background(), n2c, Options{Store: nix2container.Store{Root: t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("NewImage() with an empty store = %v, want the missing store path", err)
	}
}

// checkBlobs reads every blob and checks it against its descriptor: the
// compressed digest and size, and the uncompressed diff_id.
func checkBlobs(t *testing.T, img v1.Image) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := img.(*Image).ConfigLayer()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range append(layers, cl) {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		d, n, err := v1.SHA256(rc)
		rc.Close()
		wantD, _ := l.Digest()
		wantN, _ := l.Size()
		if err != nil || d != wantD || n != wantN {
			t.Errorf("blob %d: read %s (%d bytes), %v, want %s (%d bytes)", i, d, n, err, wantD, wantN)
		}
		rc, err = l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		d, _, err = v1.SHA256(rc)
		rc.Close()
		if wantDiff, _ := l.DiffID(); err != nil || d != wantDiff {
			t.Errorf("blob %d: uncompressed %s, %v, want diff_id %s", i, d, err, wantDiff)
		}
	}
}

func TestNewImageOlderRules(t *testing.T) {
	src := fixtures.Root(t)
	cur, _ := fixtures.Case(t, "layered")
	older := nix2container.LegacyRules()[1]
	n2c := fixtures.OlderRules(t, cur, src, older.Rules)
	img, err := NewImage(context.Background(), n2c, Options{Store: src})
	if err != nil {
		t.Fatalf("NewImage() of an older-rules JSON = %v", err)
	}
	if got := img.Rules(); got.Description != older.Description || got.Layer != 1 {
		t.Errorf("Rules() = %q from layer %d, want %q from layer 1 (the smallest)", got.Description, got.Layer, older.Description)
	}
	layers, _ := img.Layers()
	for i, l := range layers {
		rc, _ := l.Compressed()
		d, n, err := v1.SHA256(rc)
		rc.Close()
		if err != nil || d.String() != n2c.Layers[i].Digest.String() || n != n2c.Layers[i].Size {
			t.Errorf("layer %d reads as %s (%d bytes), %v; want the JSON's %s", i, d, n, err, n2c.Layers[i].Digest)
		}
	}
}
