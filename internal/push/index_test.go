package push

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
)

func TestPushIndex(t *testing.T) {
	host, _ := testRegistry(t, nil)
	src := fixtures.Root(t)
	amd, wantAmd := fixtures.Case(t, "basic")
	arm, wantArm := fixtures.Case(t, "edge")
	ref := host + "/nanna/multi:latest"
	var log bytes.Buffer
	res, err := Index(context.Background(), []oci.PlatformImage{{Platform: "amd64", Image: amd}, {Platform: "linux/arm64", Image: arm}}, []string{ref}, Options{Store: src, Log: &log})
	if err != nil {
		t.Fatalf("Index() = %v", err)
	}
	idx, err := remote.Index(mustRef(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := idx.Digest(); d.String() != res.Digest.String() {
		t.Errorf("registry index %s, push reported %s", d, res.Digest)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ OS, Arch, Variant, Config string }
	var got []entry
	for _, d := range m.Manifests {
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := img.ConfigName()
		got = append(got, entry{d.Platform.OS, d.Platform.Architecture, d.Platform.Variant, cfg.String()})
	}
	want := []entry{{"linux", "amd64", "", wantAmd.ConfigDigest.String()}, {"linux", "arm64", "", wantArm.ConfigDigest.String()}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index entries mismatch (-want +got):\n%s", diff)
	}
	// The two images share the shared-lib/shared-app layer: sent once.
	if n, _ := res.Sent(); n != len(res.Blobs) || len(res.Blobs) != 3 {
		t.Errorf("%d of %d distinct layers sent, want 3 of 3", n, len(res.Blobs))
	}
	if !strings.Contains(log.String(), "pushed index") || !strings.Contains(log.String(), "linux/amd64, linux/arm64") {
		t.Errorf("summary = %q, want the index and its platforms", log.String())
	}
	// Pushing the index again sends nothing.
	res, err = Index(context.Background(), []oci.PlatformImage{{Platform: "amd64", Image: amd}, {Platform: "arm64", Image: arm}}, []string{host + "/nanna/multi:v2"}, Options{Store: src})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.Sent(); n != 0 || res.ConfigsSent != 0 {
		t.Errorf("second index push sent %d layers and %d configs, want none", n, res.ConfigsSent)
	}
}

func TestPushIndexChecksPlatforms(t *testing.T) {
	amd, _ := fixtures.Case(t, "basic")
	arm, _ := fixtures.Case(t, "edge")
	tests := []struct {
		name    string
		entries []oci.PlatformImage
		wantErr string
	}{
		{"arch differs from the key", []oci.PlatformImage{{Platform: "amd64", Image: amd}, {Platform: "arm64", Image: amd}}, "the image JSON is for amd64, not arm64"},
		{"same platform twice", []oci.PlatformImage{{Platform: "amd64", Image: amd}, {Platform: "x86_64", Image: amd}}, "two images for platform linux/amd64"},
		{"JSON without arch", []oci.PlatformImage{{Platform: "amd64", Image: &nix2container.Image{Version: 1}}}, "has no arch"},
		{"no images", nil, "no images"},
		{"bad platform", []oci.PlatformImage{{Platform: "linux/arm/seven", Image: arm}}, `unknown platform "linux/arm/seven": want arm64 (aarch64, aarch64-linux, arm64/v8)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, c := testRegistry(t, nil)
			_, err := Index(context.Background(), tt.entries, []string{host + "/nanna/multi:latest"}, Options{Store: fixtures.Root(t)})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Index() = %v, want an error containing %q", err, tt.wantErr)
			}
			if _, _, requests := c.get(); requests != 0 {
				t.Errorf("%d requests reached the registry, want none", requests)
			}
		})
	}
}

// TestPushIndexNixSystems pushes an index keyed by Nix system names, as
// push:index x86_64-linux=PATH,aarch64-linux=PATH writes them.
func TestPushIndexNixSystems(t *testing.T) {
	host, _ := testRegistry(t, nil)
	amd, _ := fixtures.Case(t, "basic")
	arm, _ := fixtures.Case(t, "edge")
	res, err := Index(context.Background(), []oci.PlatformImage{{Platform: "x86_64-linux", Image: amd}, {Platform: "aarch64-linux", Image: arm}}, []string{host + "/nanna/multi:nix"}, Options{Store: fixtures.Root(t)})
	if err != nil {
		t.Fatalf("Index(x86_64-linux, aarch64-linux) = %v", err)
	}
	var got []string
	for _, p := range res.Platforms {
		got = append(got, p.Platform)
	}
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, got); diff != "" {
		t.Errorf("index platforms mismatch (-want +got):\n%s", diff)
	}
}
