package nix2container

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"

	digest "github.com/opencontainers/go-digest"
)

// NewLayer makes a reproducible layer of paths the way nix2container's
// build-time CLI does: it tars them under the current rules and records the
// digest (= diff_id) and size. Benchmarks and tests use it to describe trees
// they generate.
func NewLayer(ctx context.Context, paths []Path, store Store) (Layer, error) {
	l := Layer{MediaType: MediaTypeTar, Paths: paths}
	h := sha256.New()
	n, err := l.WriteBlob(ctx, h, store)
	if err != nil {
		return Layer{}, fmt.Errorf("hashing layer of %s: %w", l.Describe(), err)
	}
	l.Digest = digest.NewDigest(digest.SHA256, h)
	l.DiffID, l.Size = l.Digest, n
	return l, nil
}

// MarshalJSON writes the image in nix2container's JSON format, so that Parse
// reads back the same image.
func (img *Image) MarshalJSON() ([]byte, error) {
	raw := rawImage{Version: &img.Version, Config: img.Config, Arch: img.Arch, Created: img.Created}
	for _, l := range img.Layers {
		raw.Layers = append(raw.Layers, rawLayer{
			Digest: l.Digest.String(), Size: l.Size, DiffIDs: l.DiffID.String(), Paths: l.Paths,
			MediaType: l.MediaType, LayerPath: l.LayerPath, History: l.History,
		})
	}
	return json.MarshalIndent(raw, "", "\t")
}

// WriteFile writes the image's JSON to path, read-only, as a Nix builder
// writes its output.
func (img *Image) WriteFile(path string) error {
	data, err := img.MarshalJSON()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o444)
}
