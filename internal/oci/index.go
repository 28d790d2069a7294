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

	"github.com/nanna-coder/build/internal/platform"
)

// Child is one image of a multi-arch index and its platform.
type Child struct {
	// Image is the image for Platform.
	Image *Image
	// Platform is the entry's platform, written into the index as spelled
	// (with a variant only when it names one).
	Platform platform.Platform
}

// Index is an OCI image index over images of different platforms, as a
// go-containerregistry v1.ImageIndex.
type Index struct {
	children []Child
	manifest []byte
	digest   v1.Hash
}

var _ v1.ImageIndex = (*Index)(nil)

// NewIndex makes an OCI image index listing each child's manifest with its
// platform, in the order given. Two children of the same platform are an
// error.
func NewIndex(children []Child) (*Index, error) {
	if len(children) == 0 {
		return nil, errors.New("an index needs at least one image")
	}
	idx := ispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ispec.MediaTypeImageIndex,
	}
	seen := map[string]bool{}
	for _, c := range children {
		ps := c.Platform.String()
		if seen[ps] {
			return nil, fmt.Errorf("two images for platform %s", ps)
		}
		seen[ps] = true
		p := c.Platform.OCI()
		idx.Manifests = append(idx.Manifests, ispec.Descriptor{
			MediaType: ispec.MediaTypeImageManifest,
			Digest:    c.Image.ManifestDigest(),
			Size:      int64(len(c.Image.manifest)),
			Platform:  &p,
		})
	}
	raw, err := json.Marshal(idx)
	if err != nil {
		return nil, fmt.Errorf("encoding index: %w", err)
	}
	return &Index{children: children, manifest: raw, digest: hashOf(digest.FromBytes(raw))}, nil
}

// Children returns the images and platforms in index order.
func (x *Index) Children() []Child { return x.children }

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
	for _, c := range x.children {
		if c.Image.digest == h {
			return c.Image, nil
		}
	}
	return nil, fmt.Errorf("index %s has no image %s", x.digest, h)
}

// ImageIndex implements v1.ImageIndex; these indexes do not nest.
func (x *Index) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	return nil, fmt.Errorf("index %s has no nested index %s", x.digest, h)
}
