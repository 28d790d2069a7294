package ollama

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nanna-coder/build/internal/ui"
)

// PullOptions configure ModelsDir.Pull. The zero value is usable.
type PullOptions struct {
	// Log receives one line per blob (cached, downloaded, resumed); nil
	// means io.Discard.
	Log io.Writer
	// Progress draws a progress bar on Log (a terminal).
	Progress bool
	// Attempts is how often a blob download is tried, each resuming where
	// the last stopped; 0 means 3.
	Attempts int
	// RetryDelay is the pause before the second attempt, doubled after
	// each; 0 means 2s.
	RetryDelay time.Duration
	// StallTimeout ends an attempt that received nothing for that long; 0
	// means 2 minutes.
	StallTimeout time.Duration
}

// Pull fetches the manifest of n from c and every blob s does not hold
// yet, then stores the manifest, and returns it.
//
// A blob is downloaded to blobs/sha256-<hex>-partial, hashed as it
// arrives, and renamed to its final name only when its contents match its
// digest; otherwise it is deleted and Pull fails with a *DigestError. An
// interrupted download is resumed with an HTTP range request, in the same
// call (PullOptions.Attempts) or the next one. The manifest is written
// last, so a failed Pull leaves only whole, verified blobs and at most one
// partial file.
func (d ModelsDir) Pull(ctx context.Context, c *Client, n Name, opts PullOptions) (*Manifest, error) {
	m, err := c.Manifest(ctx, n)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(d.Path, "blobs"), 0o755); err != nil {
		return nil, fmt.Errorf("pulling %s: %w", n, err)
	}
	bar := ui.NewBar(ui.Or(opts.Log), opts.Progress, "pulling "+n.String(), m.Size(), ui.Decimal)
	defer bar.Done()
	for _, l := range m.Blobs() {
		status, err := d.fetchBlob(ctx, c, n, l, opts, bar)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(bar.Above(ui.Or(opts.Log)), "  %s %-9s %10s  %s\n", "sha256:"+ui.Short(l.Hex()), kind(l.MediaType), ui.DecimalBytes(l.Size), status)
	}
	if err := d.WriteManifest(n, m); err != nil {
		return nil, err
	}
	return m, nil
}

// errStalled ends a download that received nothing for StallTimeout.
var errStalled = errors.New("download stalled")

// fetchBlob makes sure blob l is in s, downloading what is missing.
func (d ModelsDir) fetchBlob(ctx context.Context, c *Client, n Name, l Layer, opts PullOptions, bar *ui.Bar) (string, error) {
	final := d.BlobPath(l)
	if fi, err := os.Stat(final); err == nil && fi.Mode().IsRegular() && fi.Size() == l.Size {
		bar.Add(l.Size)
		return "cached", nil
	}
	attempts, delay := opts.Attempts, opts.RetryDelay
	if attempts <= 0 {
		attempts = 3
	}
	if delay <= 0 {
		delay = 2 * time.Second
	}
	what := fmt.Sprintf("downloading blob %s of %s from %s", l.Digest, n, c.Base)
	partial := final + "-partial"
	var counted int64 // bytes already shown on the bar
	var resumed int64 = -1
	for attempt := 1; ; attempt++ {
		offset, err := d.download(ctx, c, n, l, partial, opts, bar, &counted)
		if resumed < 0 {
			resumed = offset
		}
		if err == nil {
			break
		}
		var de *DigestError
		switch {
		case errors.As(err, &de):
			os.Remove(partial)
			return "", fmt.Errorf("%s: %w; discarded", what, err)
		case ctx.Err() != nil:
			return "", fmt.Errorf("%s: %w (%s kept in %s; run again to resume)", what, ctx.Err(), ui.DecimalBytes(sizeOf(partial)), partial)
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrUnauthorized), isLocal(err):
			return "", fmt.Errorf("%s: %w", what, err)
		case attempt >= attempts:
			return "", fmt.Errorf("%s: %w (tried %d times; %s kept in %s: run again to resume)", what, err, attempts, ui.DecimalBytes(sizeOf(partial)), partial)
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
		delay *= 2
	}
	if err := os.Rename(partial, final); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if resumed > 0 {
		return fmt.Sprintf("downloaded (resumed at %s)", ui.DecimalBytes(resumed)), nil
	}
	return "downloaded", nil
}

// localError marks a failure of the local file system, which retrying does
// not fix.
type localError struct{ error }

func (e localError) Unwrap() error { return e.error }

func isLocal(err error) bool {
	var le localError
	return errors.As(err, &le)
}

// download runs one attempt: it re-hashes what partial holds, requests the
// rest and appends it, and checks the digest once the blob is complete. It
// returns the offset it resumed at.
func (d ModelsDir) download(ctx context.Context, c *Client, n Name, l Layer, partial string, opts PullOptions, bar *ui.Bar, counted *int64) (int64, error) {
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return 0, localError{err}
	}
	defer f.Close()
	sum := sha256.New()
	offset, err := io.Copy(sum, io.LimitReader(f, l.Size))
	if err != nil {
		return 0, localError{err}
	}
	if err := f.Truncate(offset); err != nil { // drop anything beyond the blob's size
		return 0, localError{err}
	}
	bar.Add(offset - *counted)
	*counted = offset
	start := offset
	if offset < l.Size {
		rctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		resp, err := c.blob(rctx, n, l.Digest, offset)
		if err != nil {
			return start, err
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusPartialContent && !strings.HasPrefix(resp.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-", offset)):
			return start, fmt.Errorf("registry answered range %d- with %q", offset, resp.Header.Get("Content-Range"))
		case resp.StatusCode == http.StatusOK && offset > 0: // no range support: start over
			if err := f.Truncate(0); err != nil {
				return start, localError{err}
			}
			sum.Reset()
			bar.Add(-offset)
			*counted, offset, start = 0, 0, 0
		}
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			return start, localError{err}
		}
		stall := opts.StallTimeout
		if stall <= 0 {
			stall = 2 * time.Minute
		}
		body := &stallReader{r: resp.Body, timer: time.AfterFunc(stall, func() { cancel(errStalled) }), d: stall}
		defer body.timer.Stop()
		w := &ui.CountingWriter{W: io.MultiWriter(sum, bar)}
		got, err := io.Copy(io.MultiWriter(fileWriter{f}, w), io.LimitReader(body, l.Size-offset+1))
		*counted += w.N
		offset += got
		if err != nil {
			if cause := context.Cause(rctx); errors.Is(cause, errStalled) {
				err = fmt.Errorf("%w: nothing received for %s", errStalled, stall)
			}
			return start, fmt.Errorf("after %s of %s: %w", ui.DecimalBytes(offset), ui.DecimalBytes(l.Size), err)
		}
		if offset < l.Size {
			return start, fmt.Errorf("connection closed after %s of %s", ui.DecimalBytes(offset), ui.DecimalBytes(l.Size))
		}
	}
	if got := hex.EncodeToString(sum.Sum(nil)); offset > l.Size || got != l.Hex() {
		return start, &DigestError{Want: l.Hex(), Got: got}
	}
	if err := f.Sync(); err != nil {
		return start, localError{err}
	}
	return start, nil
}

// fileWriter marks write errors as local.
type fileWriter struct{ f *os.File }

func (w fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = localError{err}
	}
	return n, err
}

// stallReader restarts its timer on every read that returns data.
type stallReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.d)
	}
	return n, err
}

func sizeOf(path string) int64 {
	if fi, err := os.Stat(path); err == nil {
		return fi.Size()
	}
	return 0
}

// kind is the last part of a media type ("model", "template", …).
func kind(mediaType string) string {
	if mediaType == ConfigMediaType {
		return "config"
	}
	if i := strings.LastIndexByte(mediaType, '.'); i >= 0 {
		return mediaType[i+1:]
	}
	return mediaType
}
