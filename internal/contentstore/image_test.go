package contentstore

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// testImage is an Image held in memory: a manifest and its blobs. It counts
// the blobs opened.
type testImage struct {
	manifest []byte
	blobs    map[digest.Digest][]byte
	opened   []digest.Digest
}

var _ Image = (*testImage)(nil)

func (i *testImage) Manifest() ([]byte, error) { return i.manifest, nil }

func (i *testImage) Open(_ context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	b, ok := i.blobs[desc.Digest]
	if !ok {
		return nil, fmt.Errorf("blob %s not in the test image", desc.Digest)
	}
	i.opened = append(i.opened, desc.Digest)
	return io.NopCloser(bytes.NewReader(b)), nil
}

// layerTar returns an uncompressed layer holding one file, with fixed times
// and owner, so that its digest depends on the name and content only.
func layerTar(t *testing.T, name string, content []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newTestImage builds an OCI image from uncompressed layers (bottom first)
// whose entrypoint is entrypoint, for this machine's platform.
func newTestImage(t *testing.T, entrypoint []string, layers ...[]byte) *testImage {
	t.Helper()
	img := &testImage{blobs: map[digest.Digest][]byte{}}
	cfg := ocispec.Image{
		Platform: ocispec.Platform{OS: "linux", Architecture: runtime.GOARCH},
		Config:   ocispec.ImageConfig{Entrypoint: entrypoint},
		RootFS:   ocispec.RootFS{Type: "layers"},
	}
	var m ocispec.Manifest
	m.SchemaVersion = 2
	m.MediaType = ocispec.MediaTypeImageManifest
	for _, l := range layers {
		d := img.add(l, ocispec.MediaTypeImageLayer)
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, d.Digest)
		m.Layers = append(m.Layers, d)
	}
	cb, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.Config = img.add(cb, ocispec.MediaTypeImageConfig)
	if img.manifest, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	return img
}

// add puts b among the image's blobs and returns its descriptor.
func (i *testImage) add(b []byte, mediaType string) ocispec.Descriptor {
	d := ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(b), Size: int64(len(b))}
	i.blobs[d.Digest] = b
	return d
}

// descriptors returns the manifest's layers and config, and the manifest.
func (i *testImage) descriptors(t *testing.T) (layers []ocispec.Descriptor, config, manifest ocispec.Descriptor) {
	t.Helper()
	var m ocispec.Manifest
	if err := json.Unmarshal(i.manifest, &m); err != nil {
		t.Fatal(err)
	}
	return m.Layers, m.Config, ocispec.Descriptor{MediaType: m.MediaType, Digest: digest.FromBytes(i.manifest), Size: int64(len(i.manifest))}
}
