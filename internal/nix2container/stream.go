package nix2container

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"

	digest "github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/ui"
)

// holdbackSize is how many trailing bytes StreamLayer keeps until the blob is
// verified: the two zero blocks that end a tar, and more than a gzip trailer.
const holdbackSize = 1024

// StreamLayer writes layer i's blob to w while counting and hashing it, and
// returns the number of bytes written to w. It holds back the last 1024
// bytes of the blob until the size and digest have been verified, so on a
// mismatch w never receives a complete blob. For a compressed layer
// (digest != diff_id) with a gzip media type it also verifies the
// decompressed stream against diff_id; zstd layers are checked by digest
// only. The size is checked when known (Size, or the layer-path file size
// for pulled layers with size 0), and w never receives more bytes than that
// size, so a writer that holds exactly Size bytes, such as a tar entry, sees
// the *MismatchError rather than failing itself. On a mismatch it returns a
// *MismatchError;
// for a digest mismatch of a paths-based layer it first runs Diagnose.
func (img *Image) StreamLayer(ctx context.Context, i int, w io.Writer, store Store) (int64, error) {
	if i < 0 || i >= len(img.Layers) {
		return 0, fmt.Errorf("streaming layer %d: the image has %s", i, ui.Plural(len(img.Layers), "layer"))
	}
	l := img.Layers[i]
	wantSize, err := l.BlobSize(store)
	if err != nil {
		return 0, fmt.Errorf("streaming layer %d: %w", i, err)
	}
	hb := &holdback{w: w}
	blobHash := digest.SHA256.Digester()
	var out io.Writer = hb
	if wantSize != 0 || l.LayerPath != "" {
		// At most wantSize bytes reach w; the blob is still counted and
		// hashed to the end, so the mismatch names the size the store gives.
		out = &ui.CapWriter{W: hb, Left: wantSize}
	}
	writers := []io.Writer{blobHash.Hash(), out}

	var diff *diffVerifier
	if l.compressed() && isGzip(l.MediaType) {
		diff = newDiffVerifier()
		writers = append(writers, diff.pw)
	}
	n, err := l.WriteBlob(ctx, io.MultiWriter(writers...), store)
	var diffID digest.Digest
	var diffErr error
	if diff != nil {
		diffID, diffErr = diff.finish(err)
	}
	if err != nil {
		return hb.n, fmt.Errorf("streaming layer %d: %w", i, err)
	}

	mismatch := &MismatchError{
		Layer:         i,
		Paths:         l.StorePaths(),
		Expected:      l.Digest,
		Actual:        blobHash.Digest(),
		ExpectedSize:  wantSize,
		ActualSize:    n,
		FromLayerPath: l.LayerPath != "",
	}
	switch {
	case (wantSize != 0 || l.LayerPath != "") && n != wantSize:
		mismatch.Field = "size"
		return hb.n, mismatch
	case mismatch.Actual != l.Digest:
		mismatch.Field = "digest"
		if l.LayerPath == "" {
			_ = img.Diagnose(ctx, mismatch, store) // best effort: Legacy stays empty on error
		}
		return hb.n, mismatch
	case diff != nil && diffErr != nil:
		return hb.n, fmt.Errorf("streaming layer %d: verifying diff_ids %s: %w", i, l.DiffID, diffErr)
	case diff != nil && diffID != l.DiffID:
		mismatch.Field = "diff_id"
		mismatch.Expected, mismatch.Actual = l.DiffID, diffID
		return hb.n, mismatch
	}
	if err := hb.flush(); err != nil {
		return hb.n, fmt.Errorf("streaming layer %d: %w", i, err)
	}
	return hb.n, nil
}

// isGzip reports whether a media type is gzip-compressed.
func isGzip(mediaType string) bool {
	return mediaType == MediaTypeTarGzip || mediaType == MediaTypeDockerTarGzip
}

// diffVerifier hashes the decompressed gzip stream written to pw.
type diffVerifier struct {
	pw   *io.PipeWriter
	done chan diffResult
}

type diffResult struct {
	d   digest.Digest
	err error
}

func newDiffVerifier() *diffVerifier {
	pr, pw := io.Pipe()
	v := &diffVerifier{pw: pw, done: make(chan diffResult, 1)}
	go func() {
		d, err := gunzipDigest(pr)
		// Keep draining so that the blob stream never blocks on the pipe.
		_, _ = io.Copy(io.Discard, pr)
		v.done <- diffResult{d: d, err: err}
	}()
	return v
}

// finish closes the pipe (with writeErr, if any) and waits for the digest.
func (v *diffVerifier) finish(writeErr error) (digest.Digest, error) {
	if writeErr != nil {
		v.pw.CloseWithError(writeErr)
	} else {
		v.pw.Close() //nolint:errcheck // never fails
	}
	res := <-v.done
	return res.d, res.err
}

// gunzipDigest returns the digest of the decompressed stream r.
func gunzipDigest(r io.Reader) (digest.Digest, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return "", fmt.Errorf("decompressing gzip: %w", err)
	}
	d := digest.SHA256.Digester()
	if _, err := io.Copy(d.Hash(), zr); err != nil {
		return "", fmt.Errorf("decompressing gzip: %w", err)
	}
	if err := zr.Close(); err != nil {
		return "", fmt.Errorf("decompressing gzip: %w", err)
	}
	return d.Digest(), nil
}

// holdback passes writes through to w except the last holdbackSize bytes,
// which flush releases.
type holdback struct {
	w    io.Writer
	tail []byte
	n    int64 // bytes written to w
}

// Write implements io.Writer; it never writes the last holdbackSize bytes
// seen so far.
func (h *holdback) Write(p []byte) (int, error) {
	excess := len(h.tail) + len(p) - holdbackSize
	if excess <= 0 {
		h.tail = append(h.tail, p...)
		return len(p), nil
	}
	fromTail := min(excess, len(h.tail))
	if err := h.emit(h.tail[:fromTail]); err != nil {
		return 0, err
	}
	fromP := excess - fromTail
	if err := h.emit(p[:fromP]); err != nil {
		return 0, err
	}
	h.tail = append(h.tail[:0], h.tail[fromTail:]...)
	h.tail = append(h.tail, p[fromP:]...)
	return len(p), nil
}

func (h *holdback) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	n, err := h.w.Write(b)
	h.n += int64(n)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	return err
}

// flush writes the held-back bytes.
func (h *holdback) flush() error {
	err := h.emit(h.tail)
	h.tail = h.tail[:0]
	if err != nil {
		return fmt.Errorf("writing the end of the blob: %w", err)
	}
	return nil
}
