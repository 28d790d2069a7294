package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// dirSink writes an OCI image layout directory in place, each file
// through a temporary file renamed when complete.
type dirSink struct {
	dir string
}

// openDir prepares dir: it must be missing, empty, or an OCI layout. The
// returned function finishes the export: after a failure it removes a
// directory that openDir created.
func openDir(dir string) (sink, func(error) error, error) {
	created := false
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, err
		}
		created = true
	case err != nil:
		return nil, nil, err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, ispec.ImageLayoutFile)); err != nil {
			return nil, nil, fmt.Errorf("%s exists and is not an OCI image layout (no %s); give a new or empty directory", dir, ispec.ImageLayoutFile)
		}
	}
	finish := func(err error) error {
		if err != nil && created {
			return errors.Join(err, os.RemoveAll(dir))
		}
		return err
	}
	s := &dirSink{dir: dir}
	if err := os.MkdirAll(s.blobDir(), 0o755); err != nil {
		return nil, nil, finish(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ispec.ImageLayoutFile)); err != nil {
		if _, err := writeFile(context.Background(), filepath.Join(dir, ispec.ImageLayoutFile), func(w io.Writer) error {
			_, err := w.Write(layoutFile())
			return err
		}); err != nil {
			return nil, nil, finish(err)
		}
	}
	return s, finish, nil
}

func (s *dirSink) blobDir() string { return filepath.Join(s.dir, "blobs", "sha256") }

func (s *dirSink) blobPath(d digest.Digest) string { return filepath.Join(s.blobDir(), d.Encoded()) }

// has reports whether the blob file exists with the right size; its
// content is trusted, as skopeo and go-containerregistry do.
func (s *dirSink) has(d digest.Digest, size int64) bool {
	info, err := os.Stat(s.blobPath(d))
	return err == nil && info.Mode().IsRegular() && info.Size() == size
}

func (s *dirSink) blob(ctx context.Context, d digest.Digest, size int64, r io.Reader) (int64, error) {
	var n int64
	_, err := writeFile(ctx, s.blobPath(d), func(w io.Writer) error {
		var err error
		n, err = verifyingCopy(w, r, d, size)
		return err
	})
	return n, err
}

func (s *dirSink) index(descs []ispec.Descriptor) (int64, error) {
	p := filepath.Join(s.dir, "index.json")
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	data, err := mergeIndex(old, descs)
	if err != nil {
		return 0, err
	}
	return writeFile(context.Background(), p, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
