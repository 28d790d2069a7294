package oci

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/storetest"
)

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in      string
		want    ispec.Platform
		wantErr string
	}{
		{in: "amd64", want: ispec.Platform{OS: "linux", Architecture: "amd64"}},
		{in: "x86_64", want: ispec.Platform{OS: "linux", Architecture: "amd64"}},
		{in: "linux/arm64", want: ispec.Platform{OS: "linux", Architecture: "arm64"}},
		{in: "aarch64", want: ispec.Platform{OS: "linux", Architecture: "arm64"}},
		{in: "linux/arm64/v8", want: ispec.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
		{in: "arm", want: ispec.Platform{OS: "linux", Architecture: "arm"}},
		{in: "linux/arm/v6", want: ispec.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}},
		{in: "armv6l", want: ispec.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}},
		{in: "", wantErr: "invalid platform"},
		{in: "linux/arm/v7/x", wantErr: "invalid platform"},
		{in: "arm/seven", wantErr: "variant"},
	}
	for _, tt := range tests {
		got, err := ParsePlatform(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePlatform(%q) = %v, %v, want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePlatform(%q) = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParsePlatform(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestPlatformFor(t *testing.T) {
	tests := []struct {
		key, arch, wantErr string
	}{
		{"amd64", "amd64", ""},
		{"linux/arm64", "arm64", ""},
		{"aarch64", "arm64", ""},
		{"arm64", "amd64", "the image JSON is for amd64, not arm64"},
		{"amd64", "", "has no arch"},
	}
	for _, tt := range tests {
		_, err := PlatformFor(tt.key, tt.arch)
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("PlatformFor(%q, %q) = %v, want error %q", tt.key, tt.arch, err, tt.wantErr)
		}
	}
}

func TestIndex(t *testing.T) {
	src := storetest.Root(t)
	var children []Child
	for key, name := range map[string]string{"amd64": "basic", "arm64": "edge"} {
		n2c, _ := storetest.Case(t, name)
		p, err := PlatformFor(key, n2c.Arch)
		if err != nil {
			t.Fatal(err)
		}
		// gzip: validate reads layers through gzip only.
		img, err := NewImage(context.Background(), n2c, Options{Source: src, Gzip: true})
		if err != nil {
			t.Fatal(err)
		}
		children = append(children, Child{Image: img, Platform: p})
	}
	idx, err := NewIndex(children)
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
		c := children[i]
		if d.Digest.String() != c.Image.ManifestDigest().String() || d.Platform == nil || d.Platform.Architecture != c.Platform.Architecture || d.Platform.OS != "linux" {
			t.Errorf("index entry %d = %s %+v, want %s %+v", i, d.Digest, d.Platform, c.Image.ManifestDigest(), c.Platform)
		}
	}
	if _, err := NewIndex(append(children, children[0])); err == nil || !strings.Contains(err.Error(), "two images for platform") {
		t.Errorf("NewIndex() with a platform twice = %v, want an error", err)
	}
}
