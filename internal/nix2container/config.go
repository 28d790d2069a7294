package nix2container

import (
	"encoding/json"
	"fmt"

	digest "github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// ConfigBlob returns the image config exactly as nix2container builds it at
// copy time: the compact json.Marshal of an image-spec v1.Image with Created,
// Architecture, OS "linux", Config, the diff_ids and one history entry per
// layer (an empty entry for a layer without History). Duplicate layers keep
// their duplicate diff_ids and history entries.
func (img *Image) ConfigBlob() ([]byte, error) {
	cfg := v1.Image{
		Created: img.Created,
		Platform: v1.Platform{
			Architecture: img.Arch,
			OS:           "linux",
		},
		Config: img.Config,
	}
	// Like nix2container, the slices stay nil and the rootfs type empty when
	// there are no layers: "rootfs":{"type":"","diff_ids":null}, no history.
	for _, l := range img.Layers {
		cfg.RootFS.Type = "layers"
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.DiffID)
		h := v1.History{}
		if l.History != nil {
			h = *l.History
		}
		cfg.History = append(cfg.History, h)
	}
	blob, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encoding image config: %w", err)
	}
	return blob, nil
}

// ConfigDigest returns the sha256 digest of ConfigBlob, which is the image ID
// on Docker's classic graph-driver store.
func (img *Image) ConfigDigest() (digest.Digest, error) {
	blob, err := img.ConfigBlob()
	if err != nil {
		return "", err
	}
	return digest.FromBytes(blob), nil
}
