package nix2container

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	digest "github.com/opencontainers/go-digest"
)

// expected mirrors testdata/cases/*/expected.json.
type expected struct {
	ConfigDigest digest.Digest `json:"config_digest"`
	ConfigSize   int           `json:"config_size"`
	Layers       []struct {
		Digest digest.Digest `json:"digest"`
		DiffID digest.Digest `json:"diff_id"`
		Size   int64         `json:"size"`
	} `json:"layers"`
}

func caseDirs(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 5 {
		t.Fatalf("found %d cases in testdata/cases, want 5", len(dirs))
	}
	return dirs
}

func readExpected(t *testing.T, dir string) expected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestGoldenTempStore(t *testing.T) {
	runGolden(t, Store{Root: storeRoot(t)})
}

func TestGoldenRealStore(t *testing.T) {
	if _, err := os.Lstat(fixtureAppPath); err != nil {
		t.Skipf("golden fixtures are not installed in /nix/store (%v); run /work/shared/fixtures/nix2container/install.sh to enable this test", err)
	}
	runGolden(t, Store{})
}

func runGolden(t *testing.T, opts Store) {
	ctx := context.Background()
	for _, dir := range caseDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			img, err := ReadFile(filepath.Join(dir, "image.json"))
			if err != nil {
				t.Fatal(err)
			}
			want := readExpected(t, dir)
			wantConfig, err := os.ReadFile(filepath.Join(dir, "config.json"))
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
			if len(blob) != want.ConfigSize {
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
	img, err := ReadFile("testdata/cases/edge/image.json")
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
