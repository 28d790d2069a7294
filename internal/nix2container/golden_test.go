package nix2container_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	digest "github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// The golden tests are external tests because internal/fixtures imports
// this package.

func TestGoldenTempStore(t *testing.T) {
	runGolden(t, fixtures.Root(t))
}

func TestGoldenRealStore(t *testing.T) {
	if _, err := os.Lstat(fixtures.InstalledPath); err != nil {
		t.Skipf("golden fixtures are not installed in /nix/store (%v); run /work/shared/fixtures/nix2container/install.sh to enable this test", err)
	}
	runGolden(t, nix2container.Store{})
}

func runGolden(t *testing.T, opts nix2container.Store) {
	ctx := context.Background()
	cases := fixtures.Cases(t)
	if len(cases) != 5 {
		t.Fatalf("found %d cases in testdata/cases, want 5", len(cases))
	}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			img, want := fixtures.Case(t, name)
			wantConfig, err := os.ReadFile(filepath.Join(fixtures.Dir(), "cases", name, "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			blob, err := img.ConfigBlob()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantConfig), string(blob)); diff != "" {
				t.Errorf("ConfigBlob() mismatch (-want +got):\n%s", diff)
			}
			if int64(len(blob)) != want.ConfigSize {
				t.Errorf("len(ConfigBlob()) = %d, want %d", len(blob), want.ConfigSize)
			}
			if got, err := img.ConfigDigest(); err != nil || got != want.ConfigDigest {
				t.Errorf("ConfigDigest() = %s, %v, want %s", got, err, want.ConfigDigest)
			}
			if err := img.Check(opts); err != nil {
				t.Errorf("Check() = %v", err)
			}
			if len(img.Layers) != len(want.Layers) {
				t.Fatalf("%d layers, want %d", len(img.Layers), len(want.Layers))
			}
			for i, wl := range want.Layers {
				var streamed bytes.Buffer
				n, err := img.StreamLayer(ctx, i, &streamed, opts)
				if err != nil {
					t.Fatalf("StreamLayer(%d) = %v", i, err)
				}
				if n != wl.Size || digest.FromBytes(streamed.Bytes()) != wl.Digest {
					t.Errorf("StreamLayer(%d) gave %d bytes, %s, want %d, %s", i, n, digest.FromBytes(streamed.Bytes()), wl.Size, wl.Digest)
				}
				// The tar built from the paths must match too, even for the
				// layer that has a ready-made layer-path blob.
				l := img.Layers[i]
				l.LayerPath = ""
				var built bytes.Buffer
				n, err = l.WriteBlob(ctx, &built, opts)
				if err != nil {
					t.Fatalf("WriteBlob(%d) = %v", i, err)
				}
				if n != wl.Size || !bytes.Equal(built.Bytes(), streamed.Bytes()) {
					t.Errorf("WriteBlob(%d) from paths gave %d bytes, %s, want %d, %s", i, n, digest.FromBytes(built.Bytes()), wl.Size, wl.Digest)
				}
			}
		})
	}
}

func TestChainIDs(t *testing.T) {
	img, err := nix2container.ReadFile("testdata/cases/edge/image.json")
	if err != nil {
		t.Fatal(err)
	}
	d0, d1, d2 := img.Layers[0].DiffID, img.Layers[1].DiffID, img.Layers[2].DiffID
	c1 := digest.FromString(string(d0) + " " + string(d1))
	c2 := digest.FromString(string(c1) + " " + string(d2))
	want := []digest.Digest{d0, c1, c2}
	if diff := cmp.Diff(want, img.ChainIDs()); diff != "" {
		t.Errorf("ChainIDs() mismatch (-want +got):\n%s", diff)
	}
	if img.Layers[1].DiffID != d1 {
		t.Errorf("ChainIDs() modified the layers")
	}
}
