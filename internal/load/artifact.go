package load

import (
	"context"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
)

// artifact is what a load computes once from the image JSON: the config
// blob, the OCI manifest a push would also make (so the image has the same
// identity in a registry and on the containerd store), and each layer's
// blob size.
type artifact struct {
	img        *nix2container.Image
	oci        *oci.Image
	config     []byte
	configID   digest.Digest
	manifest   []byte
	manifestID digest.Digest
	sizes      []int64
}

// newArtifact checks img against the store (oci.NewImage runs
// nix2container.Image.Check) and builds its manifest. ctx bounds every later
// read of the image's layers through a.oci.
func newArtifact(ctx context.Context, img *nix2container.Image, src nix2container.Options) (*artifact, error) {
	o, err := oci.NewImage(ctx, img, oci.Options{Source: src})
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
	m, err := o.Manifest()
	if err != nil {
		return nil, err
	}
	a := &artifact{img: img, oci: o, config: config, configID: o.ConfigDigest(), manifest: manifest, manifestID: o.ManifestDigest()}
	for _, l := range m.Layers {
		a.sizes = append(a.sizes, l.Size)
	}
	return a, nil
}

// id is the image's ID on a store: the manifest digest on the containerd
// image store, the config digest elsewhere (the classic store, Podman).
func (a *artifact) id(store Store) digest.Digest {
	if store == Containerd {
		return a.manifestID
	}
	return a.configID
}
