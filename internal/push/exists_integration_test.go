//go:build integration

package push

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures"
)

// TestIntegrationManifestDigest checks pushed images in a real registry
// (Debian's docker-registry): the digest Image reported, a moved tag, and a
// deleted manifest, as the pipeline's "still in the registry" check meets
// them.
func TestIntegrationManifestDigest(t *testing.T) {
	fixtures.RequireInstalled(t)
	host := registryHost(t)
	ctx := context.Background()
	ref := host + "/nanna/smoke:v1"
	basic, _ := fixtures.Case(t, "basic")
	first, err := Image(ctx, basic, []string{ref}, Options{})
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	if got, err := ManifestDigest(ctx, ref, Options{}); err != nil || got != first.Digest {
		t.Errorf("ManifestDigest(%s) = %q, %v; want %s", ref, got, err, first.Digest)
	}
	byDigest := host + "/nanna/smoke@" + first.Digest.String()
	if got, err := ManifestDigest(ctx, byDigest, Options{}); err != nil || got != first.Digest {
		t.Errorf("ManifestDigest(%s) = %q, %v; want %s", byDigest, got, err, first.Digest)
	}

	layered, _ := fixtures.Case(t, "layered")
	second, err := Image(ctx, layered, []string{ref}, Options{})
	if err != nil {
		t.Fatalf("Image() = %v", err)
	}
	if got, err := ManifestDigest(ctx, ref, Options{}); err != nil || got != second.Digest || got == first.Digest {
		t.Errorf("ManifestDigest(%s) after the tag moved = %q, %v; want %s", ref, got, err, second.Digest)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, "http://"+host+"/v2/nanna/smoke/manifests/"+second.Digest.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deleting manifest %s = %v, %v; want 202 Accepted", second.Digest, resp, err)
	}
	resp.Body.Close()
	for _, r := range []string{ref, host + "/nanna/smoke@" + second.Digest.String()} {
		if got, err := ManifestDigest(ctx, r, Options{}); !errors.Is(err, ErrManifestUnknown) {
			t.Errorf("ManifestDigest(%s) after deleting its manifest = %q, %v; want ErrManifestUnknown", r, got, err)
		}
	}
	if got, err := ManifestDigest(ctx, byDigest, Options{}); err != nil || got != first.Digest {
		t.Errorf("ManifestDigest(%s), untagged but not deleted = %q, %v; want %s", byDigest, got, err, first.Digest)
	}
}
