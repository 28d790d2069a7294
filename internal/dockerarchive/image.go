package dockerarchive

import (
	"context"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
)

// Image is an image as archives carry it: the image JSON nix2container
// wrote, and the blobs made from it once. The manifest is the OCI manifest
// a push also makes, so the image has the same identity in a registry and
// on the containerd image store.
type Image struct {
	JSON       *nix2container.Image // the layers, read from the store as archives are written
	Config     []byte               // the config blob, as nix2container builds it
	ConfigID   digest.Digest        // Config's digest: the image ID on the classic store and Podman
	Manifest   []byte               // the OCI manifest
	ManifestID digest.Digest        // Manifest's digest: the image ID on the containerd store
	Sizes      []int64              // each JSON layer's blob size
}

// NewImage checks img against src (nix2container.Image.Check) and makes
// its config and manifest. It reads no layer, so src.Rules are taken as
// they are: a caller that streams layers decides them first
// (nix2container.Image.Rules).
func NewImage(ctx context.Context, img *nix2container.Image, src nix2container.Store) (*Image, error) {
	o, err := oci.NewImage(ctx, img, oci.Options{Store: src, Rules: &nix2container.RulesMatch{NamedRules: nix2container.NamedRules{Rules: src.Rules}, Layer: -1}})
	if err != nil {
		return nil, err
	}
	config, err := o.RawConfigFile()
	if err != nil {
		return nil, err
	}
	manifest, err := o.RawManifest()
	if err != nil {
		return nil, err
	}
	layers, err := o.Layers()
	if err != nil {
		return nil, err
	}
	i := &Image{JSON: img, Config: config, ConfigID: o.ConfigDigest(), Manifest: manifest, ManifestID: o.ManifestDigest()}
	for _, l := range layers {
		size, err := l.Size()
		if err != nil {
			return nil, err
		}
		i.Sizes = append(i.Sizes, size)
	}
	return i, nil
}
