package daemon

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
)

func digestOf(b []byte) digest.Digest { return digest.FromBytes(b) }

// relayer returns a copy of img with layer i's digest recomputed from the
// (changed) store, as a rebuild would record it.
func relayer(t *testing.T, img *nix2container.Image, src nix2container.Store, i int) *nix2container.Image {
	t.Helper()
	out := *img
	out.Layers = append([]nix2container.Layer(nil), img.Layers...)
	h := sha256.New()
	n, err := out.Layers[i].WriteBlob(context.Background(), h, src)
	if err != nil {
		t.Fatal(err)
	}
	out.Layers[i].Digest = digest.NewDigest(digest.SHA256, h)
	out.Layers[i].DiffID, out.Layers[i].Size = out.Layers[i].Digest, n
	return &out
}
