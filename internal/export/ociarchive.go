package export

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/opencontainers/go-digest"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
)

// OCIArchive writes img to file as an OCI archive: a tar of the OCI image
// layout OCI writes (skopeo's oci-archive:, `podman load -i`, Docker ≥ 25's
// `docker load`). The tar is streamed with oci-layout first and index.json
// last; the file appears complete or not at all.
func OCIArchive(ctx context.Context, img *nix2container.Image, file string, opts Options) (Result, error) {
	return timed(img, file, opts, func() (Result, error) { return ociArchive(ctx, img, file, opts) })
}

func ociArchive(ctx context.Context, img *nix2container.Image, file string, opts Options) (Result, error) {
	var res Result
	n, err := writeFile(ctx, file, func(w io.Writer) error {
		var err error
		res, err = writeOCI(ctx, img, file, "oci-archive", opts, func() (sink, func(error) error, error) {
			s := &tarSink{tw: tar.NewWriter(w), written: map[digest.Digest]bool{}}
			if err := s.header("oci-layout", tar.TypeReg, int64(len(layoutFile()))); err != nil {
				return nil, nil, err
			}
			if _, err := s.tw.Write(layoutFile()); err != nil {
				return nil, nil, err
			}
			for _, d := range []string{"blobs/", "blobs/sha256/"} {
				if err := s.header(d, tar.TypeDir, 0); err != nil {
					return nil, nil, err
				}
			}
			return s, func(err error) error { return err }, nil
		})
		return err
	})
	res.Bytes = n
	return res, err
}

// tarSink writes an OCI layout into a tar stream.
type tarSink struct {
	tw      *tar.Writer
	written map[digest.Digest]bool
}

// epoch is every entry's modification time: the archive is reproducible.
var epoch = time.Unix(0, 0).UTC()

func (s *tarSink) header(name string, typ byte, size int64) error {
	mode := int64(0o644)
	if typ == tar.TypeDir {
		mode = 0o755
	}
	if err := s.tw.WriteHeader(&tar.Header{Name: name, Typeflag: typ, Mode: mode, Size: size, ModTime: epoch}); err != nil {
		return fmt.Errorf("writing archive entry %s: %w", name, err)
	}
	return nil
}

// has reports blobs already in this archive.
func (s *tarSink) has(d digest.Digest, _ int64) bool { return s.written[d] }

func (s *tarSink) blob(_ context.Context, d digest.Digest, size int64, r io.Reader) (int64, error) {
	if err := s.header("blobs/sha256/"+d.Encoded(), tar.TypeReg, size); err != nil {
		return 0, err
	}
	// Bytes past size are dropped rather than refused, so that a blob
	// stream that grew runs to its end and reports the diagnosed mismatch
	// instead of the tar writer's "write too long"; the export fails
	// either way.
	n, err := verifyingCopy(&ui.CapWriter{W: s.tw, Left: size}, r, d, size)
	if err == nil {
		s.written[d] = true
	}
	return n, err
}

// index writes index.json last and closes the tar.
func (s *tarSink) index(descs []ispec.Descriptor) (int64, error) {
	data, err := mergeIndex(nil, descs)
	if err != nil {
		return 0, err
	}
	if err := s.header("index.json", tar.TypeReg, int64(len(data))); err != nil {
		return 0, err
	}
	if _, err := s.tw.Write(data); err != nil {
		return 0, err
	}
	return int64(len(data)), s.tw.Close()
}
