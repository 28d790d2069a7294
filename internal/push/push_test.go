package push

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// pull reads an image back from the registry.
func pull(t *testing.T, ref string) v1.Image {
	t.Helper()
	img, err := remote.Image(mustRef(t, ref))
	if err != nil {
		t.Fatalf("pulling %s: %v", ref, err)
	}
	return img
}

func mustRef(t *testing.T, ref string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPushFixtures(t *testing.T) {
	host, _ := testRegistry(t, nil)
	src := fixtures.Root(t)
	for _, cs := range fixtures.Cases(t) {
		t.Run(cs, func(t *testing.T) {
			img, want := fixtures.Case(t, cs)
			ref := host + "/nanna/" + cs + ":v1"
			res, err := Image(context.Background(), img, []string{ref}, Options{Store: src})
			if err != nil {
				t.Fatalf("Image() = %v", err)
			}
			got := pull(t, ref)
			if d, _ := got.Digest(); d.String() != res.Digest.String() {
				t.Errorf("registry has manifest %s, push reported %s", d, res.Digest)
			}
			if cfg, _ := got.ConfigName(); cfg.String() != want.ConfigDigest.String() || res.Config != want.ConfigDigest {
				t.Errorf("config digest = %s (reported %s), want nix2container's %s", cfg, res.Config, want.ConfigDigest)
			}
			raw, _ := got.RawConfigFile()
			wantRaw, _ := img.ConfigBlob()
			if !bytes.Equal(raw, wantRaw) {
				t.Errorf("registry config = %s, want %s", raw, wantRaw)
			}
			m, _ := got.Manifest()
			if m.MediaType != types.OCIManifestSchema1 {
				t.Errorf("manifest media type = %s, want OCI", m.MediaType)
			}
			var gotLayers, wantLayers []string
			for i, l := range m.Layers {
				gotLayers = append(gotLayers, fmt.Sprintf("%s %s %d", l.MediaType, l.Digest, l.Size))
				wantLayers = append(wantLayers, fmt.Sprintf("%s %s %d", types.OCIUncompressedLayer, want.Layers[i].Digest, want.Layers[i].Size))
			}
			if diff := cmp.Diff(wantLayers, gotLayers); diff != "" {
				t.Errorf("manifest layers mismatch (-want +got):\n%s", diff)
			}
			readsBack(t, got)
		})
	}
}

func TestSecondPushSkipsEveryBlob(t *testing.T) {
	host, c := testRegistry(t, nil)
	src := fixtures.Root(t)
	img, want := fixtures.Case(t, "layered")
	var log bytes.Buffer
	opts := Options{Store: src, Log: &log}

	res, err := Image(context.Background(), img, []string{host + "/nanna/layered:v1"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	uploads, manifests, _ := c.get()
	if n, _ := res.Sent(); uploads != len(want.Layers)+1 || manifests != 1 || n != len(want.Layers) || res.ConfigsSent != 1 {
		t.Fatalf("first push: %d uploads, %d manifests, %d layers reported sent; want %d, 1, %d", uploads, manifests, n, len(want.Layers)+1, len(want.Layers))
	}

	// A new tag: the manifest is new, every blob is already there.
	log.Reset()
	res, err = Image(context.Background(), img, []string{host + "/nanna/layered:v2"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	uploads2, manifests2, _ := c.get()
	if uploads2 != uploads || manifests2 != manifests+1 {
		t.Errorf("push to a new tag: %d more uploads, %d more manifests; want 0 and 1", uploads2-uploads, manifests2-manifests)
	}
	if n, _ := res.Sent(); n != 0 || res.ConfigsSent != 0 || len(res.Blobs) != len(want.Layers) {
		t.Errorf("Result: %d of %d layers sent, %d configs; want none sent", n, len(res.Blobs), res.ConfigsSent)
	}
	if !strings.Contains(log.String(), "nothing sent, the registry had every blob") {
		t.Errorf("summary = %q, want it to say nothing was sent", log.String())
	}

	// The same tag again: only the manifest is checked.
	_, err = Image(context.Background(), img, []string{host + "/nanna/layered:v2"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if uploads3, manifests3, _ := c.get(); uploads3 != uploads2 || manifests3 != manifests2 {
		t.Errorf("repeat push: %d more uploads, %d more manifests; want none", uploads3-uploads2, manifests3-manifests2)
	}
}

func TestPushSeveralTags(t *testing.T) {
	host, c := testRegistry(t, nil)
	img, want := fixtures.Case(t, "basic")
	refs := []string{host + "/nanna/basic:latest", host + "/nanna/basic:0123abc", host + "/other/basic:latest"}
	if _, err := Image(context.Background(), img, refs, Options{Store: fixtures.Root(t)}); err != nil {
		t.Fatal(err)
	}
	uploads, manifests, _ := c.get()
	// Blobs once (the in-memory registry shares blobs between
	// repositories), a manifest per tag.
	if wantUploads := len(want.Layers) + 1; uploads != wantUploads || manifests != 3 {
		t.Errorf("%d uploads, %d manifests; want %d and 3", uploads, manifests, wantUploads)
	}
	for _, ref := range refs {
		if cfg, _ := pull(t, ref).ConfigName(); cfg.String() != want.ConfigDigest.String() {
			t.Errorf("%s has config %s, want %s", ref, cfg, want.ConfigDigest)
		}
	}
}

func TestPushGzip(t *testing.T) {
	host, c := testRegistry(t, nil)
	src := fixtures.Root(t)
	img, want := fixtures.Case(t, "layered")
	ref := host + "/nanna/layered:gz"
	res, err := Image(context.Background(), img, []string{ref}, Options{Store: src, Gzip: true})
	if err != nil {
		t.Fatal(err)
	}
	got := pull(t, ref)
	if err := validate.Image(got); err != nil {
		t.Errorf("validate.Image(pushed gzip image) = %v", err)
	}
	if cfg, _ := got.ConfigName(); cfg.String() != want.ConfigDigest.String() {
		t.Errorf("config digest = %s, want %s", cfg, want.ConfigDigest)
	}
	m, _ := got.Manifest()
	for i, l := range m.Layers {
		if l.MediaType != types.OCILayer || l.Size >= want.Layers[i].Size {
			t.Errorf("layer %d = %s of %d bytes, want gzip smaller than %d", i, l.MediaType, l.Size, want.Layers[i].Size)
		}
	}
	// Compression is deterministic: another tag finds every gzip blob.
	uploads, _, _ := c.get()
	res2, err := Image(context.Background(), img, []string{host + "/nanna/layered:gz2"}, Options{Store: src, Gzip: true})
	if err != nil {
		t.Fatal(err)
	}
	if u, _, _ := c.get(); u != uploads || res2.Digest != res.Digest {
		t.Errorf("second gzip push: %d uploads, digest %s; want 0 uploads and %s", u-uploads, res2.Digest, res.Digest)
	}
}

func TestTamperedStorePushesNoManifest(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gz), func(t *testing.T) {
			host, c := testRegistry(t, nil)
			src := fixtures.Root(t)
			img, _ := fixtures.Case(t, "layered")
			fixtures.Tamper(t, src, img.Layers[2].Paths[0].Path, "etc/app.conf", "tampered")
			ref := host + "/nanna/layered:bad"
			_, err := Image(context.Background(), img, []string{ref}, Options{Store: src, Gzip: gz, Attempts: 3})
			var mismatch *nix2container.MismatchError
			if !errors.As(err, &mismatch) {
				t.Fatalf("Image() = %v, want a *nix2container.MismatchError", err)
			}
			if mismatch.Layer != 2 || !strings.Contains(err.Error(), "pushing "+ref) {
				t.Errorf("error %q names layer %d, want layer 2 and the reference", err, mismatch.Layer)
			}
			if _, manifests, _ := c.get(); manifests != 0 {
				t.Errorf("%d manifests put, want none", manifests)
			}
			if _, err := remote.Head(mustRef(t, ref)); err == nil {
				t.Errorf("the registry has %s after a failed push", ref)
			}
			blob, err := name.NewDigest(host+"/nanna/layered@"+img.Layers[2].Digest.String(), name.Insecure)
			if err != nil {
				t.Fatal(err)
			}
			if l, err := remote.Layer(blob); err == nil {
				if _, err := l.Size(); err == nil {
					t.Errorf("the tampered layer's digest %s was committed", img.Layers[2].Digest)
				}
			}
		})
	}
}

func TestPushRetries(t *testing.T) {
	for _, tt := range []struct {
		attempts int
		wantErr  bool
	}{{1, true}, {3, false}} {
		t.Run(fmt.Sprintf("attempts=%d", tt.attempts), func(t *testing.T) {
			failures := 1
			host, _ := testRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPatch && failures > 0 {
					failures--
					http.Error(w, "try later", http.StatusServiceUnavailable)
					return true
				}
				return false
			})
			img, _ := fixtures.Case(t, "basic")
			_, err := Image(context.Background(), img, []string{host + "/nanna/basic:v1"}, Options{Store: fixtures.Root(t), Attempts: tt.attempts, Jobs: 1})
			if (err != nil) != tt.wantErr {
				t.Errorf("Image() with one 503 and %d attempts = %v, want error %v", tt.attempts, err, tt.wantErr)
			}
		})
	}
}

func TestPushAuth(t *testing.T) {
	host, _ := testRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
		if u, p, ok := r.BasicAuth(); ok && u == "ci" && p == "secret" {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}`, http.StatusUnauthorized)
		return true
	})
	img, _ := fixtures.Case(t, "basic")
	src := fixtures.Root(t)
	ref := host + "/nanna/basic:v1"
	_, err := Image(context.Background(), img, []string{ref}, Options{Store: src, Keychain: staticKeychain{}})
	if err == nil || !strings.Contains(err.Error(), "401 Unauthorized") || !strings.Contains(err.Error(), "docker login "+host) {
		t.Errorf("Image() without credentials = %v, want 401 Unauthorized and how to log in", err)
	}
	kc := staticKeychain{host: host, auth: &authn.Basic{Username: "ci", Password: "secret"}}
	if _, err := Image(context.Background(), img, []string{ref}, Options{Store: src, Keychain: kc}); err != nil {
		t.Errorf("Image() with credentials = %v", err)
	}
}

// staticKeychain has credentials for one registry host.
type staticKeychain struct {
	host string
	auth authn.Authenticator
}

func (k staticKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if k.auth != nil && r.RegistryStr() == k.host {
		return k.auth, nil
	}
	return authn.Anonymous, nil
}

func TestPushCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	host, c := testRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPatch {
			cancel()                    // Ctrl-C while a layer uploads
			io.Copy(io.Discard, r.Body) // until the client hangs up
			return true
		}
		return false
	})
	img, _ := fixtures.Case(t, "layered")
	_, err := Image(ctx, img, []string{host + "/nanna/layered:v1"}, Options{Store: fixtures.Root(t), Attempts: 3})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Image() after cancel = %v, want context.Canceled", err)
	}
	if _, manifests, _ := c.get(); manifests != 0 {
		t.Errorf("%d manifests put after cancel, want none", manifests)
	}
}

// TestPushDuplicateLayers pushes a JSON that repeats a layer, as
// nix2container wrote before 2025-12: the manifest lists it twice, the
// blob is sent once.
func TestPushDuplicateLayers(t *testing.T) {
	host, c := testRegistry(t, nil)
	img, want := fixtures.Case(t, "basic")
	img.Layers = append(img.Layers, img.Layers[0])
	ref := host + "/nanna/dup:v1"
	if _, err := Image(context.Background(), img, []string{ref}, Options{Store: fixtures.Root(t)}); err != nil {
		t.Fatal(err)
	}
	if uploads, _, _ := c.get(); uploads != 2 {
		t.Errorf("%d blob uploads, want 2 (the layer once, the config)", uploads)
	}
	m, err := pull(t, ref).Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Layers) != 2 || m.Layers[0].Digest != m.Layers[1].Digest || m.Layers[0].Digest.String() != want.Layers[0].Digest.String() {
		t.Errorf("manifest layers = %v, want %s twice", m.Layers, want.Layers[0].Digest)
	}
}
