package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	digest "github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/platform"
)

// Image is a nix2container image as a go-containerregistry v1.Image. Its
// manifest is the OCI manifest skopeo's nix: transport makes (image-spec
// field order, one layer entry per JSON layer, duplicates included), its
// config is the blob nix2container builds, byte for byte, and its layers are
// re-tarred from the store and verified each time they are read.
type Image struct {
	ctx      context.Context
	src      *nix2container.Image
	opts     Options
	rules    nix2container.RulesMatch
	config   []byte
	configID v1.Hash
	layers   []*layer // one per JSON layer, duplicates included
	manifest []byte
	digest   v1.Hash
	platform platform.Platform
}

var _ v1.Image = (*Image)(nil)

// NewImage checks img (nix2container.Image.Check), finds the tar rules its
// JSON was written with (nix2container.Image.Rules: a JSON of an older
// nix2container is read with that nix2container's rules, Rules says which)
// and prepares it. ctx bounds NewImage and every later read of the image's
// layers. With opts.Gzip it compresses each uncompressed layer once to
// learn its digest and size, verifying it on the way, so that a damaged
// store fails here.
func NewImage(ctx context.Context, img *nix2container.Image, opts Options) (*Image, error) {
	if err := img.Check(opts.Store); err != nil {
		return nil, err
	}
	config, err := img.ConfigBlob()
	if err != nil {
		return nil, err
	}
	var rules nix2container.RulesMatch
	if opts.Rules != nil {
		rules = *opts.Rules
	} else if rules, err = img.Rules(ctx, opts.Store); err != nil {
		return nil, err
	}
	opts.Store.Rules = rules.Rules
	i := &Image{ctx: ctx, src: img, opts: opts, rules: rules, config: config, configID: hashOf(digest.FromBytes(config)), platform: opts.Platform}
	if i.platform == (platform.Platform{}) {
		i.platform.Architecture = img.Arch
	}
	for n, l := range img.Layers {
		size, err := l.BlobSize(opts.Store)
		if err != nil {
			return nil, fmt.Errorf("sizing layer %d: %w", n, err)
		}
		gz := opts.Gzip && l.Digest == l.DiffID
		i.layers = append(i.layers, &layer{
			img: i, index: n, src: l, gzip: gz,
			digest: hashOf(l.Digest), size: size, mediaType: layerMediaType(l.MediaType, gz),
		})
	}
	if opts.Gzip {
		if err := i.compressAll(ctx); err != nil {
			return nil, err
		}
	}
	if err := i.buildManifest(); err != nil {
		return nil, err
	}
	return i, nil
}

// buildManifest marshals the image-spec manifest, as containers/image's
// manifest.OCI1FromComponents does for the nix: transport.
func (i *Image) buildManifest() error {
	m := ispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ispec.MediaTypeImageManifest,
		Config: ispec.Descriptor{
			MediaType: ispec.MediaTypeImageConfig,
			Digest:    digest.Digest(i.configID.String()),
			Size:      int64(len(i.config)),
		},
		Layers: []ispec.Descriptor{},
	}
	for _, l := range i.layers {
		m.Layers = append(m.Layers, ispec.Descriptor{MediaType: string(l.mediaType), Digest: digest.Digest(l.digest.String()), Size: l.size})
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encoding manifest: %w", err)
	}
	i.manifest = raw
	i.digest = hashOf(digest.FromBytes(raw))
	return nil
}

// Nix2container returns the nix2container image.
func (i *Image) Nix2container() *nix2container.Image { return i.src }

// Platform returns the platform an index lists the image under
// (Options.Platform, or linux and the JSON's arch); its Architecture is ""
// when neither names one.
func (i *Image) Platform() platform.Platform { return i.platform }

// Rules returns the tar rules the layers are made with: the store's own,
// or those of the older nix2container that wrote the JSON.
func (i *Image) Rules() nix2container.RulesMatch { return i.rules }

// ConfigDigest returns the config blob's digest: the image ID on Docker's
// classic store, equal to nix2container's.
func (i *Image) ConfigDigest() digest.Digest { return digest.Digest(i.configID.String()) }

// ManifestDigest returns the manifest's digest, what a registry reports
// as the image's digest.
func (i *Image) ManifestDigest() digest.Digest { return digest.Digest(i.digest.String()) }

// MediaType implements v1.Image: an OCI image manifest.
func (i *Image) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

// Size implements v1.Image: the manifest's length.
func (i *Image) Size() (int64, error) { return int64(len(i.manifest)), nil }

// Digest implements v1.Image: the manifest's digest.
func (i *Image) Digest() (v1.Hash, error) { return i.digest, nil }

// RawManifest implements v1.Image.
func (i *Image) RawManifest() ([]byte, error) { return i.manifest, nil }

// Manifest implements v1.Image by parsing RawManifest.
func (i *Image) Manifest() (*v1.Manifest, error) {
	return v1.ParseManifest(bytes.NewReader(i.manifest))
}

// ConfigName implements v1.Image: the config digest.
func (i *Image) ConfigName() (v1.Hash, error) { return i.configID, nil }

// RawConfigFile implements v1.Image: nix2container's config bytes.
func (i *Image) RawConfigFile() ([]byte, error) { return i.config, nil }

// ConfigFile implements v1.Image by parsing the config; re-encoding the
// result would change the digest, so writers use RawConfigFile.
func (i *Image) ConfigFile() (*v1.ConfigFile, error) {
	return v1.ParseConfigFile(bytes.NewReader(i.config))
}

// ConfigLayer returns the config blob as a layer; go-containerregistry
// uploads it through this method (partial.ConfigLayer).
func (i *Image) ConfigLayer() (v1.Layer, error) { return &configLayer{img: i}, nil }

// Layers implements v1.Image: the layers bottom to top, duplicates included.
func (i *Image) Layers() ([]v1.Layer, error) {
	out := make([]v1.Layer, len(i.layers))
	for n, l := range i.layers {
		out[n] = l
	}
	return out, nil
}

// LayerByDigest implements v1.Image; the config digest gives the config.
func (i *Image) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if l.digest == h {
			return l, nil
		}
	}
	if h == i.configID {
		return i.ConfigLayer()
	}
	return nil, fmt.Errorf("image %s has no blob %s", i.digest, h)
}

// LayerByDiffID implements v1.Image.
func (i *Image) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if hashOf(l.src.DiffID) == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("image %s has no layer with diff_id %s", i.digest, h)
}

// layerMediaType is the manifest media type of a layer: the JSON's, in its
// OCI spelling (pulled Docker types are mapped; the bytes are the same),
// or tar+gzip when compressed here.
func layerMediaType(mt string, gzipped bool) types.MediaType {
	switch {
	case gzipped, mt == nix2container.MediaTypeDockerTarGzip:
		return types.OCILayer
	case mt == nix2container.MediaTypeDockerTar:
		return types.OCIUncompressedLayer
	}
	return types.MediaType(mt)
}

// hashOf converts a validated sha256 digest.
func hashOf(d digest.Digest) v1.Hash {
	return v1.Hash{Algorithm: d.Algorithm().String(), Hex: d.Encoded()}
}
