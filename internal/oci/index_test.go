package oci

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/platform"
)

func TestIndex(t *testing.T) {
	src := fixtures.Root(t)
	var images []*Image
	for key, name := range map[string]string{"amd64": "basic", "arm64": "edge"} {
		n2c, _ := fixtures.Case(t, name)
		p, err := platform.Parse(key)
		if err != nil || p.GOARCH() != n2c.Arch {
			t.Fatalf("Parse(%q) = %v, %v, want the case's arch %s", key, p, err, n2c.Arch)
		}
		// gzip: validate reads layers through gzip only.
		img, err := NewImage(context.Background(), n2c, Options{Store: src, Gzip: true, Platform: p})
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, img)
	}
	idx, err := NewIndex(images)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Errorf("validate.Index() = %v", err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range m.Manifests {
		img := images[i]
		if d.Digest.String() != img.ManifestDigest().String() || d.Platform == nil || d.Platform.Architecture != img.Platform().Architecture || d.Platform.OS != "linux" {
			t.Errorf("index entry %d = %s %+v, want %s %+v", i, d.Digest, d.Platform, img.ManifestDigest(), img.Platform())
		}
	}
	if _, err := NewIndex(append(images, images[0])); err == nil || !strings.Contains(err.Error(), "two images for platform") {
		t.Errorf("NewIndex() with a platform twice = %v, want an error", err)
	}
	n2c, _ := fixtures.Case(t, "basic")
	noArch := *n2c
	noArch.Arch = ""
	img, err := NewImage(context.Background(), &noArch, Options{Store: src})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewIndex([]*Image{img}); err == nil || !strings.Contains(err.Error(), "has no platform") {
		t.Errorf("NewIndex() of an image whose JSON names no arch = %v, want an error", err)
	}
}
