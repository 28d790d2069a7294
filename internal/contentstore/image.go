package contentstore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Image is what Load needs of an image: its manifest, and the blobs it names.
type Image interface {
	// Manifest returns the image manifest (OCI, or Docker schema 2) exactly
	// as it is to be stored: the digest of these bytes is the image ID the
	// containerd image store shows.
	Manifest() ([]byte, error)
	// Open returns the content of the blob desc, the config or one of the
	// manifest's layers. Load opens only blobs the store lacks, reads at
	// most desc.Size bytes and closes the reader; containerd checks the
	// size and digest.
	Open(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error)
}

// Docker's manifest media type, also accepted by the containerd image store
// (containerd's images.MediaTypeDockerSchema2Manifest).
const mediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"

// manifest is the part of an image manifest Load reads.
type manifest struct {
	// desc describes the manifest blob itself.
	desc   ocispec.Descriptor
	config ocispec.Descriptor
	layers []ocispec.Descriptor
}

// parseManifest reads the manifest b, which must be an image manifest (not
// an index) whose descriptors are well-formed.
func parseManifest(b []byte) (manifest, error) {
	var m struct {
		MediaType string               `json:"mediaType"`
		Config    ocispec.Descriptor   `json:"config"`
		Layers    []ocispec.Descriptor `json:"layers"`
		Manifests json.RawMessage      `json:"manifests"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return manifest{}, fmt.Errorf("reading the image manifest: %w", err)
	}
	switch {
	case m.MediaType == "" && m.Manifests == nil:
		// The OCI spec lets mediaType out; an index would have manifests.
		m.MediaType = ocispec.MediaTypeImageManifest
	case m.MediaType == ocispec.MediaTypeImageManifest, m.MediaType == mediaTypeDockerManifest:
	default:
		return manifest{}, fmt.Errorf("reading the image manifest: media type %q is not an image manifest (%s or %s); load one platform's manifest, not an index", m.MediaType, ocispec.MediaTypeImageManifest, mediaTypeDockerManifest)
	}
	for i, d := range append([]ocispec.Descriptor{m.Config}, m.Layers...) {
		what := "config"
		if i > 0 {
			what = "layer " + strconv.Itoa(i-1)
		}
		if err := d.Digest.Validate(); err != nil {
			return manifest{}, fmt.Errorf("reading the image manifest: %s digest %q: %w", what, d.Digest, err)
		}
		if d.Size < 0 {
			return manifest{}, fmt.Errorf("reading the image manifest: %s size %d is negative", what, d.Size)
		}
	}
	return manifest{
		desc:   ocispec.Descriptor{MediaType: m.MediaType, Digest: digest.FromBytes(b), Size: int64(len(b))},
		config: m.Config,
		layers: m.Layers,
	}, nil
}

// gcLabels are the labels containerd's garbage collector follows from the
// manifest blob to its config and layers, named as containerd's importer
// names them (images.ChildGCLabels: config, l.0, l.1, …).
func (m manifest) gcLabels() map[string]string {
	labels := map[string]string{"containerd.io/gc.ref.content.config": m.config.Digest.String()}
	for i, l := range m.layers {
		labels["containerd.io/gc.ref.content.l."+strconv.Itoa(i)] = l.Digest.String()
	}
	return labels
}
