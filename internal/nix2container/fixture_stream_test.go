package nix2container_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	digest "github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// These tests stream the golden fixtures' layers from their store trees;
// they are external tests because internal/fixtures imports this package.

// tamperedBasic returns the basic case and a store whose app.conf is changed.
func tamperedBasic(t *testing.T, content string) (*nix2container.Image, nix2container.Store) {
	t.Helper()
	img, err := nix2container.ReadFile("testdata/cases/basic/image.json")
	if err != nil {
		t.Fatal(err)
	}
	opts := fixtures.Root(t)
	fixtures.Tamper(t, opts, fixtures.InstalledPath, "etc/app.conf", content)
	return img, opts
}

func TestStreamMismatch(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		wantField string
	}{
		{"same size", "tampered!!!\n", "digest"},
		{"different size", strings.Repeat("x", 600), "size"},
		{"grown past the held-back KiB", strings.Repeat("x", 8192), "size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, opts := tamperedBasic(t, tt.content)
			var out bytes.Buffer
			n, err := img.StreamLayer(context.Background(), 0, &out, opts)
			var me *nix2container.MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("StreamLayer() = %v, want *MismatchError", err)
			}
			want := img.Layers[0]
			if me.Layer != 0 || me.Field != tt.wantField || me.Expected != want.Digest || me.Legacy != "" || me.FromLayerPath {
				t.Errorf("MismatchError = %+v, want layer 0, field %s, expected %s", me, tt.wantField, want.Digest)
			}
			if diff := cmp.Diff(want.StorePaths(), me.Paths); diff != "" {
				t.Errorf("MismatchError.Paths mismatch (-want +got):\n%s", diff)
			}
			if n != int64(out.Len()) || n >= want.Size {
				t.Errorf("the writer got %d bytes (returned %d), want fewer than %d", out.Len(), n, want.Size)
			}
			msg := me.Error()
			for _, s := range []string{"layer 0 (", fixtures.InstalledPath, tt.wantField + " mismatch", "nix build"} {
				if !strings.Contains(msg, s) {
					t.Errorf("Error() = %q, want it to contain %q", msg, s)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("Error() = %q spans several lines", msg)
			}
		})
	}
}

func TestStreamLegacy(t *testing.T) {
	legacy := nix2container.LegacyRules()
	tests := []struct {
		name     string
		file     string
		rules    nix2container.Rules
		want     string // expected Legacy
		wantText string
	}{
		{"mtime 0", "testdata/cases/basic/image.json", nix2container.Rules{ZeroMtime: true}, legacy[1].Description, "2024-07-08"},
		{"gname from uname", "testdata/cases/perms/image.json", nix2container.Rules{GnameFromUname: true}, legacy[0].Description, "2024-11-10"},
		{"both", "testdata/cases/perms/image.json", nix2container.Rules{ZeroMtime: true, GnameFromUname: true}, legacy[1].Description, "2024-07-08"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := nix2container.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			root := fixtures.Root(t).Root
			d := digest.SHA256.Digester()
			if _, err := img.Layers[0].WriteBlob(ctx, d.Hash(), nix2container.Store{Root: root, Rules: tt.rules}); err != nil {
				t.Fatal(err)
			}
			if d.Digest() == img.Layers[0].Digest {
				t.Fatalf("rules %+v give the current digest", tt.rules)
			}
			img.Layers[0].Digest, img.Layers[0].DiffID = d.Digest(), d.Digest()

			var out bytes.Buffer
			_, err = img.StreamLayer(ctx, 0, &out, nix2container.Store{Root: root})
			var me *nix2container.MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("StreamLayer() = %v, want *MismatchError", err)
			}
			if me.Field != "digest" || me.Legacy != tt.want {
				t.Errorf("MismatchError = Field %q, Legacy %q, want digest, %q", me.Field, me.Legacy, tt.want)
			}
			if msg := me.Error(); !strings.Contains(msg, tt.wantText) || !strings.Contains(msg, "current nix2container") {
				t.Errorf("Error() = %q, want it to mention %s and the current nix2container", msg, tt.wantText)
			}
			// With the legacy rules selected, the layer streams fine.
			out.Reset()
			if n, err := img.StreamLayer(ctx, 0, &out, nix2container.Store{Root: root, Rules: tt.rules}); err != nil || n != img.Layers[0].Size {
				t.Errorf("StreamLayer(legacy rules) = %d, %v, want %d, nil", n, err, img.Layers[0].Size)
			}
		})
	}
}

func TestStreamLayerErrors(t *testing.T) {
	img, err := nix2container.ReadFile("testdata/cases/basic/image.json")
	if err != nil {
		t.Fatal(err)
	}
	opts := fixtures.Root(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := img.StreamLayer(ctx, 0, &bytes.Buffer{}, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("StreamLayer(cancelled) = %v, want context.Canceled", err)
	}
	if _, err := img.StreamLayer(context.Background(), 1, &bytes.Buffer{}, opts); err == nil {
		t.Errorf("StreamLayer(1) of a one-layer image = nil, want error")
	}
	if _, err := img.StreamLayer(context.Background(), 0, &bytes.Buffer{}, nix2container.Store{Root: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "qnb86jag8gx96rf50iri7igzncgdv6vw-shared-lib") {
		t.Errorf("StreamLayer(empty store) = %v, want an error naming the missing store path", err)
	}
}
