package push

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
)

func TestPushOlderRules(t *testing.T) {
	legacy := nix2container.LegacyRules()
	tests := []struct {
		cs    string
		older nix2container.NamedRules
		gzip  bool
	}{
		{"layered", legacy[1], false},
		{"layered", legacy[1], true},
		{"perms", legacy[0], false},
		{"perms", legacy[1], false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/gzip=%v", tt.cs, tt.older.Description, tt.gzip), func(t *testing.T) {
			host, _ := testRegistry(t, nil)
			src := fixtures.Root(t)
			cur, _ := fixtures.Case(t, tt.cs)
			img := fixtures.OlderRules(t, cur, src, tt.older.Rules)
			wantConfig, _ := img.ConfigDigest()
			ref := host + "/nanna/" + tt.cs + ":old"
			var log bytes.Buffer
			res, err := Image(context.Background(), img, []string{ref}, Options{Store: src, Gzip: tt.gzip, Log: &log})
			if err != nil {
				t.Fatalf("Image() of a JSON written by %s = %v", tt.older.Description, err)
			}
			if res.Legacy != tt.older.Description {
				t.Errorf("Result.Legacy = %q, want %q", res.Legacy, tt.older.Description)
			}
			note := "matches the tar rules of " + tt.older.Description + ": pushing with those rules\n"
			if strings.Count(log.String(), note) != 1 {
				t.Errorf("log = %q, want one line ending %q", log.String(), note)
			}
			got := pull(t, ref)
			if cfg, _ := got.ConfigName(); cfg.String() != wantConfig.String() || res.Config != wantConfig {
				t.Errorf("config digest = %s (reported %s), want the JSON's %s", cfg, res.Config, wantConfig)
			}
			var gotIDs, wantIDs []string
			cfgFile, _ := got.ConfigFile()
			for i, l := range img.Layers {
				wantIDs = append(wantIDs, l.DiffID.String())
				gotIDs = append(gotIDs, cfgFile.RootFS.DiffIDs[i].String())
			}
			if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
				t.Errorf("diff_ids mismatch (-want +got):\n%s", diff)
			}
			if tt.gzip {
				if err := validate.Image(got); err != nil {
					t.Errorf("validate.Image() = %v", err)
				}
				return
			}
			m, _ := got.Manifest()
			for i, l := range m.Layers {
				if l.Digest.String() != img.Layers[i].Digest.String() || l.Size != img.Layers[i].Size {
					t.Errorf("layer %d = %s (%d bytes), want the JSON's %s (%d)", i, l.Digest, l.Size, img.Layers[i].Digest, img.Layers[i].Size)
				}
			}
			readsBack(t, got)
		})
	}
}

func TestPushIndexOlderRules(t *testing.T) {
	host, _ := testRegistry(t, nil)
	src := fixtures.Root(t)
	older := nix2container.LegacyRules()[1]
	amd, _ := fixtures.Case(t, "basic")
	arm, _ := fixtures.Case(t, "edge")
	arm = fixtures.OlderRules(t, arm, src, older.Rules)
	var log bytes.Buffer
	res, err := Index(context.Background(), []oci.PlatformImage{{Platform: "amd64", Image: amd}, {Platform: "arm64", Image: arm}}, []string{host + "/nanna/multi:old"}, Options{Store: src, Log: &log})
	if err != nil {
		t.Fatalf("Index() with an older-rules arm64 JSON = %v", err)
	}
	got := []string{res.Platforms[0].Legacy, res.Platforms[1].Legacy}
	if diff := cmp.Diff([]string{"", older.Description}, got); diff != "" {
		t.Errorf("Platforms' Legacy mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), "platform linux/arm64: layer ") || strings.Contains(log.String(), "linux/amd64: layer") {
		t.Errorf("log = %q, want the older rules noted for linux/arm64 only", log.String())
	}
}

func TestPushMatchingNoRules(t *testing.T) {
	host, c := testRegistry(t, nil)
	src := fixtures.Root(t)
	cur, _ := fixtures.Case(t, "layered")
	img := fixtures.OlderRules(t, cur, src, nix2container.LegacyRules()[1].Rules)
	// Layer 1 is the smallest: the one the rules are chosen with.
	fixtures.Tamper(t, src, img.Layers[1].Paths[0].Path, "a-lower", "changed")
	var log bytes.Buffer
	_, err := Image(context.Background(), img, []string{host + "/nanna/layered:bad"}, Options{Store: src, Log: &log})
	var mismatch *nix2container.MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("Image() = %v, want a *nix2container.MismatchError", err)
	}
	if mismatch.Layer != 1 || mismatch.Legacy != "" || !strings.Contains(err.Error(), "a store path changed after the image was built") {
		t.Errorf("Image() = %v (layer %d, legacy %q), want layer 1 diagnosed as a changed store", err, mismatch.Layer, mismatch.Legacy)
	}
	if uploads, manifests, _ := c.get(); uploads != 0 || manifests != 0 {
		t.Errorf("%d blobs and %d manifests put, want none: the rules are chosen before anything is sent", uploads, manifests)
	}
	if strings.Contains(log.String(), "with those rules") {
		t.Errorf("log = %q, want no older rules named", log.String())
	}
}
