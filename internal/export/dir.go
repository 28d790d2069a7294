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

// openDir prepares dir: it must be missing, empty, or an OCI layout. It
// locks the layout for the whole export (see lockDir), so that exports
// into one layout, from any process, run one after the other: each reads,
// merges and replaces index.json without losing another's entries, and a
// later one reuses the blobs an earlier one wrote. Under the lock it
// removes the temporary files of exports that were killed. The returned
// function finishes the export: after a failure it removes a layout this
// export created, then it releases the lock.
func openDir(ctx context.Context, dir string, log io.Writer) (sink, func(error) error, error) {
	unlock, made, err := lockDir(ctx, dir, log)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) error { return errors.Join(err, unlock()) }
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fail(err)
	}
	_, err = os.Stat(filepath.Join(dir, ispec.ImageLayoutFile))
	layout := err == nil
	if len(entries) > 0 && !layout {
		return nil, nil, fail(fmt.Errorf("%s exists and is not an OCI image layout (no %s); give a new or empty directory", dir, ispec.ImageLayoutFile))
	}
	created := made && !layout // no other export got into it first
	finish := func(err error) error {
		if err != nil && created {
			err = errors.Join(err, os.RemoveAll(dir))
		}
		return errors.Join(err, unlock())
	}
	s := &dirSink{dir: dir}
	if err := os.MkdirAll(s.blobDir(), 0o755); err != nil {
		return nil, nil, finish(err)
	}
	for _, d := range []string{dir, s.blobDir()} {
		if err := removeStale(d, ""); err != nil {
			return nil, nil, finish(err)
		}
	}
	if !layout {
		if _, err := writeFile(ctx, filepath.Join(dir, ispec.ImageLayoutFile), func(w io.Writer) error {
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
