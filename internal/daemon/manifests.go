package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// manifestCache keeps the manifests of images loaded into a containerd image
// store, by digest, so that a later load knows which blobs such an image
// references: the Docker API tells whether an image's content is all there
// (a manifest's Available flag) but not which blobs it has. A manifest's
// content never changes for its digest, and every read is checked against
// the digest, so the cache can be wrong only by lacking an entry, which
// costs a full upload, never a broken image.
type manifestCache struct {
	dir string // "" disables the cache
}

// defaultManifestCache is $XDG_CACHE_HOME/nanna-coder/manifests (or the
// platform's user cache directory), or none when there is no such directory.
func defaultManifestCache() manifestCache {
	dir, err := os.UserCacheDir()
	if err != nil {
		return manifestCache{}
	}
	return manifestCache{dir: filepath.Join(dir, "nanna-coder", "manifests")}
}

func (m manifestCache) path(d digest.Digest) string {
	return filepath.Join(m.dir, d.Algorithm().String(), d.Encoded())
}

// layers returns the layer digests of the manifest d, if the cache has it.
func (m manifestCache) layers(d digest.Digest) ([]digest.Digest, bool) {
	if m.dir == "" || d.Validate() != nil {
		return nil, false
	}
	data, err := os.ReadFile(m.path(d))
	if err != nil || digest.FromBytes(data) != d {
		return nil, false
	}
	var man ispec.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, false
	}
	out := make([]digest.Digest, 0, len(man.Layers))
	for _, l := range man.Layers {
		out = append(out, l.Digest)
	}
	return out, true
}

// put records manifest, whose digest is d: a temporary file renamed into
// place, so that concurrent loads never read a partial one.
func (m manifestCache) put(d digest.Digest, manifest []byte) error {
	if m.dir == "" {
		return nil
	}
	path := m.path(d)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("recording manifest %s: %w", d, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("recording manifest %s: %w", d, err)
	}
	_, werr := f.Write(manifest)
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("recording manifest %s: %w", d, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("recording manifest %s: %w", d, err)
	}
	return nil
}
