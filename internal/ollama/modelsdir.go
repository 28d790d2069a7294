package ollama

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nanna-coder/build/internal/narhash"
)

// ModelsDir is an Ollama models directory (OLLAMA_MODELS): the manifest of
// name at manifests/<host>/<namespace>/<model>/<tag>, byte for byte as the
// registry sent it, and blobs at blobs/sha256-<hex>. A blob file exists
// under its final name only once its contents matched its digest; a
// download in progress is blobs/sha256-<hex>-partial.
type ModelsDir struct {
	// Path is the directory.
	Path string
}

// BlobPath is where the blob l lives.
func (d ModelsDir) BlobPath(l Layer) string { return filepath.Join(d.Path, "blobs", l.BlobFile()) }

// ManifestFile is where the manifest of n lives.
func (d ModelsDir) ManifestFile(n Name) string {
	return filepath.Join(d.Path, filepath.FromSlash(n.ManifestPath()))
}

// ReadManifest reads and parses the stored manifest of n.
func (d ModelsDir) ReadManifest(n Name) (*Manifest, error) {
	raw, err := os.ReadFile(d.ManifestFile(n))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading manifest of %s: %s has no %s (is it an Ollama models directory holding %s?)", n, d.Path, n.ManifestPath(), n)
		}
		return nil, fmt.Errorf("reading manifest of %s: %w", n, err)
	}
	m, err := ParseManifest(raw)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", d.ManifestFile(n), err)
	}
	return m, nil
}

// WriteManifest stores m's raw bytes as the manifest of n, atomically.
func (d ModelsDir) WriteManifest(n Name, m *Manifest) error {
	p := d.ManifestFile(n)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing manifest of %s: %w", n, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing manifest of %s: %w", n, err)
	}
	_, err = tmp.Write(m.Raw())
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing manifest of %s: %w", n, err)
	}
	return nil
}

// Files lists the model's files as they sit in an Ollama models directory
// (paths relative to it: the manifest and blobs/sha256-<hex>), for
// narhash.Files. Each blob must exist with the size the manifest gives;
// symlinked blobs are followed. Every blob is checked against its digest
// while it is read, on a second core, and a mismatch fails the hash with a
// *DigestError.
func (d ModelsDir) Files(n Name, m *Manifest) ([]narhash.File, error) {
	files := []narhash.File{{
		Path: n.ManifestPath(),
		Size: int64(len(m.Raw())),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytesReader(m.Raw())), nil },
	}}
	for _, l := range m.Blobs() {
		p := d.BlobPath(l)
		fi, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("blob %s of %s is missing from %s", l.Digest, n, filepath.Join(d.Path, "blobs"))
			}
			return nil, err
		}
		if !fi.Mode().IsRegular() || fi.Size() != l.Size {
			return nil, fmt.Errorf("blob %s of %s: %s is %d bytes, the manifest says %d", l.Digest, n, p, fi.Size(), l.Size)
		}
		files = append(files, narhash.File{
			Path: "blobs/" + l.BlobFile(),
			Size: l.Size,
			Open: func() (io.ReadCloser, error) { return openVerified(p, l.Hex(), l.Size) },
		})
	}
	return files, nil
}
