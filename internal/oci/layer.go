package oci

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	digest "github.com/opencontainers/go-digest"
	"golang.org/x/sync/errgroup"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
)

// gzipLevel is the compression level of layers compressed here. The
// klauspost/compress gzip writer (several times faster than compress/gzip,
// and quick to store incompressible data such as model weights) writes
// the same bytes for the same input and level, with no name or mtime in
// the header, so a layer keeps its compressed digest across runs and
// machines as long as go.mod pins the same klauspost/compress.
const gzipLevel = gzip.DefaultCompression

// layer is one JSON layer as a v1.Layer. Every Compressed or Uncompressed
// call re-tars (or copies) the blob from the store into an io.Pipe,
// verified by nix2container.Image.StreamLayer: on a mismatch the reader
// fails before the last 1 KiB of the blob, so no consumer ever sees a
// complete wrong blob.
type layer struct {
	img       *Image
	index     int
	src       nix2container.Layer
	gzip      bool // compressed here
	digest    v1.Hash
	size      int64
	mediaType types.MediaType
}

var _ v1.Layer = (*layer)(nil)

// Digest implements v1.Layer: the blob digest as stored or pushed.
func (l *layer) Digest() (v1.Hash, error) { return l.digest, nil }

// DiffID implements v1.Layer: the JSON's diff_ids.
func (l *layer) DiffID() (v1.Hash, error) { return hashOf(l.src.DiffID), nil }

// Size implements v1.Layer: the blob's length.
func (l *layer) Size() (int64, error) { return l.size, nil }

// MediaType implements v1.Layer.
func (l *layer) MediaType() (types.MediaType, error) { return l.mediaType, nil }

// Compressed implements v1.Layer: the blob, streamed and verified. When
// the stream ends, Options.OnBlob is told.
func (l *layer) Compressed() (io.ReadCloser, error) {
	return l.open(l.gzip, true), nil
}

// Uncompressed implements v1.Layer: the layer tar, verified. Pulled gzip
// layers are decompressed; zstd layers are not supported.
func (l *layer) Uncompressed() (io.ReadCloser, error) {
	if l.gzip || l.src.Digest == l.src.DiffID {
		return l.open(false, false), nil
	}
	if l.mediaType != types.OCILayer {
		return nil, fmt.Errorf("decompressing layer %d: media type %s is not supported", l.index, l.mediaType)
	}
	rc := l.open(false, false)
	zr, err := gzip.NewReader(rc)
	if err != nil {
		rc.Close() //nolint:errcheck // already failing
		return nil, fmt.Errorf("decompressing layer %d: %w", l.index, err)
	}
	return gunzipReader{Reader: zr, c: rc}, nil
}

// open starts streaming the blob (gzipped when gz) into a pipe.
func (l *layer) open(gz, report bool) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		cw := &ui.CountingWriter{W: pw}
		err := l.write(l.img.ctx, cw, gz)
		if report && l.img.opts.OnBlob != nil {
			l.img.opts.OnBlob(l.index, cw.N, err)
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// write streams the verified blob to w, through gzip when gz.
func (l *layer) write(ctx context.Context, w io.Writer, gz bool) error {
	if !gz {
		_, err := l.img.src.StreamLayer(ctx, l.index, w, l.img.opts.Store)
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzipLevel)
	if err != nil {
		return fmt.Errorf("compressing layer %d: %w", l.index, err)
	}
	if _, err := l.img.src.StreamLayer(ctx, l.index, zw, l.img.opts.Store); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing layer %d: %w", l.index, err)
	}
	return nil
}

// compressAll learns the compressed digest and size of the layers
// compressed here, one verifying pass per distinct layer, in parallel.
func (i *Image) compressAll(ctx context.Context) error {
	type result struct {
		digest v1.Hash
		size   int64
	}
	first := map[v1.Hash]*layer{} // by JSON digest
	for _, l := range i.layers {
		if l.gzip && first[l.digest] == nil {
			first[l.digest] = l
		}
	}
	results := make(map[v1.Hash]*result, len(first))
	for d := range first {
		results[d] = &result{}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for d, l := range first {
		res := results[d]
		g.Go(func() error {
			h := sha256.New()
			cw := &ui.CountingWriter{W: h}
			if err := l.write(gctx, cw, true); err != nil {
				return err
			}
			res.digest = hashOf(digest.NewDigest(digest.SHA256, h))
			res.size = cw.N
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, l := range i.layers {
		if l.gzip {
			res := results[l.digest]
			l.digest, l.size = res.digest, res.size
		}
	}
	return nil
}

// configLayer is the config blob as a v1.Layer.
type configLayer struct{ img *Image }

var _ v1.Layer = (*configLayer)(nil)

// Digest implements v1.Layer: the config digest.
func (c *configLayer) Digest() (v1.Hash, error) { return c.img.configID, nil }

// DiffID implements v1.Layer: the config is not compressed.
func (c *configLayer) DiffID() (v1.Hash, error) { return c.img.configID, nil }

// Size implements v1.Layer.
func (c *configLayer) Size() (int64, error) { return int64(len(c.img.config)), nil }

// MediaType implements v1.Layer: the OCI config type.
func (c *configLayer) MediaType() (types.MediaType, error) { return types.OCIConfigJSON, nil }

// Compressed implements v1.Layer: the config bytes; Options.OnBlob is
// told (index -1) when they have been read to the end.
func (c *configLayer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(&eofHook{r: bytes.NewReader(c.img.config), fn: func(n int64) {
		if c.img.opts.OnBlob != nil {
			c.img.opts.OnBlob(-1, n, nil)
		}
	}}), nil
}

// Uncompressed implements v1.Layer: the config bytes.
func (c *configLayer) Uncompressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(c.img.config)), nil
}

// eofHook calls fn with the byte count once r reaches io.EOF.
type eofHook struct {
	r    io.Reader
	n    int64
	fn   func(int64)
	done bool
}

// Read implements io.Reader.
func (e *eofHook) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.n += int64(n)
	if errors.Is(err, io.EOF) && !e.done {
		e.done = true
		e.fn(e.n)
	}
	return n, err
}

// gunzipReader closes both the gzip reader and the blob stream.
type gunzipReader struct {
	*gzip.Reader
	c io.Closer
}

// Close implements io.Closer.
func (g gunzipReader) Close() error {
	return errors.Join(g.Reader.Close(), g.c.Close())
}
