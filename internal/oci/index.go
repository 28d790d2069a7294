package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	digest "github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Index is an OCI image index over images of different platforms, as a
// go-containerregistry v1.ImageIndex.
type Index struct {
	images   []*Image
	manifest []byte
	digest   v1.Hash
}

var _ v1.ImageIndex = (*Index)(nil)

// NewIndex makes an OCI image index listing each image's manifest with its
// platform (Image.Platform: written as spelled, with a variant only when
// the spelling names one), in the order given. Two images of the same
// platform, or one without a platform, are an error.
func NewIndex(images []*Image) (*Index, error) {
	if len(images) == 0 {
		return nil, errors.New("an index needs at least one image")
	}
	idx := ispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ispec.MediaTypeImageIndex,
	}
	seen := map[string]bool{}
	for _, img := range images {
		if img.platform.Architecture == "" {
			return nil, fmt.Errorf("image %s has no platform: its JSON names no arch", img.ManifestDigest())
		}
		ps := img.platform.String()
		if seen[ps] {
			return nil, fmt.Errorf("two images for platform %s", ps)
		}
		seen[ps] = true
		p := img.platform.OCI()
		idx.Manifests = append(idx.Manifests, ispec.Descriptor{
			MediaType: ispec.MediaTypeImageManifest,
			Digest:    img.ManifestDigest(),
			Size:      int64(len(img.manifest)),
			Platform:  &p,
		})
	}
	raw, err := json.Marshal(idx)
	if err != nil {
		return nil, fmt.Errorf("encoding index: %w", err)
	}
	return &Index{images: images, manifest: raw, digest: hashOf(digest.FromBytes(raw))}, nil
}

// Images returns the images in index order.
func (x *Index) Images() []*Image { return x.images }

// IndexDigest returns the index's digest, what a registry reports for the
// multi-arch tag.
func (x *Index) IndexDigest() digest.Digest { return digest.Digest(x.digest.String()) }

// MediaType implements v1.ImageIndex: an OCI image index.
func (x *Index) MediaType() (types.MediaType, error) { return types.OCIImageIndex, nil }

// Digest implements v1.ImageIndex.
func (x *Index) Digest() (v1.Hash, error) { return x.digest, nil }

// Size implements v1.ImageIndex.
func (x *Index) Size() (int64, error) { return int64(len(x.manifest)), nil }

// RawManifest implements v1.ImageIndex.
func (x *Index) RawManifest() ([]byte, error) { return x.manifest, nil }

// IndexManifest implements v1.ImageIndex by parsing RawManifest.
func (x *Index) IndexManifest() (*v1.IndexManifest, error) {
	return v1.ParseIndexManifest(bytes.NewReader(x.manifest))
}

// Image implements v1.ImageIndex: the child with manifest digest h.
func (x *Index) Image(h v1.Hash) (v1.Image, error) {
	for _, img := range x.images {
		if img.digest == h {
			return img, nil
		}
	}
	return nil, fmt.Errorf("index %s has no image %s", x.digest, h)
}

// ImageIndex implements v1.ImageIndex; these indexes do not nest.
func (x *Index) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	return nil, fmt.Errorf("index %s has no nested index %s", x.digest, h)
}
