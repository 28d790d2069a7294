package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/system"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/contentstore"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
)

// Paths a load can take into the daemon, as the summary names them.
const (
	pathContainerd = "containerd"      // the daemon's containerd content store, directly
	pathArchive    = "docker API"      // POST /images/load with an archive
	pathPresent    = "already present" // nothing sent
)

// loadDirect writes the image into the containerd that the daemon's
// containerd image store uses (Info's Containerd.Address, namespace moby):
// only the blobs the content store lacks are written, under a lease, and
// the image record is created under the canonical form of opts.Refs[0].
// It returns used = false, and no error, when that containerd cannot be
// reached from here (a remote daemon, Docker Desktop, not root), so that
// the caller falls back to the Docker API.
func loadDirect(ctx context.Context, info system.Info, a *artifact, opts Options, res *Result) (used bool, err error) {
	if info.Containerd == nil || info.Containerd.Address == "" {
		return false, nil
	}
	ns := info.Containerd.Namespaces.Containers
	if ns == "" {
		ns = "moby"
	}
	s, err := contentstore.Dial(ctx, info.Containerd.Address, ns)
	if errors.Is(err, contentstore.ErrUnavailable) {
		if opts.Verbose {
			fmt.Fprintf(ui.Or(opts.Log), "  the daemon's containerd is not reachable from here (%v): sending through the Docker API\n", err)
		}
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer s.Close()
	bar := newBar(opts, missingBytes(ctx, s, a))
	cs, err := s.Load(ctx, blobSource{a: a, src: a.store, bar: bar}, opts.refs.record, contentstore.Options{Log: containerdLog(opts)})
	endBar(bar, err == nil)
	if err != nil {
		return true, fmt.Errorf("writing into the daemon's containerd: %w", err)
	}
	res.Path, res.created = pathContainerd, true
	written := map[string]bool{}
	for _, d := range cs.Written {
		written[d.Digest.String()] = true
	}
	for i, l := range a.JSON.Layers {
		if written[l.Digest.String()] {
			res.Sent = append(res.Sent, i)
			res.Bytes += a.Sizes[i]
			delete(written, l.Digest.String()) // a duplicate layer is written once
			layerLine(opts, a, i, a.Sizes[i])
		} else {
			res.Held = append(res.Held, i)
		}
	}
	return true, nil
}

// blobSource gives contentstore the image's blobs: the config from memory,
// each layer streamed from the store and verified as it is read.
type blobSource struct {
	a   *artifact
	src nix2container.Store
	bar *ui.Bar
}

func (b blobSource) Manifest() ([]byte, error) { return b.a.Manifest, nil }

func (b blobSource) Open(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	if desc.Digest == b.a.ConfigID {
		return io.NopCloser(bytes.NewReader(b.a.Config)), nil
	}
	for i, l := range b.a.JSON.Layers {
		if l.Digest != desc.Digest {
			continue
		}
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err := b.a.JSON.StreamLayer(ctx, i, pw, b.src)
			pw.CloseWithError(err)
		}()
		return &layerReader{r: b.bar.ProxyReader(pr), pr: pr, done: done}, nil
	}
	return nil, fmt.Errorf("the image has no blob %s", desc.Digest)
}

// layerReader is one layer being streamed; Close stops the stream and waits
// for it.
type layerReader struct {
	r    io.Reader
	pr   *io.PipeReader
	done chan struct{}
}

func (l *layerReader) Read(p []byte) (int, error) { return l.r.Read(p) }

func (l *layerReader) Close() error {
	l.pr.CloseWithError(errReaderClosed)
	<-l.done
	return nil
}

var errReaderClosed = errors.New("the blob's reader was closed")

// missingBytes is how many layer bytes the content store lacks, for the
// progress bar; 0 when it cannot tell (the load itself asks again).
func missingBytes(ctx context.Context, s *contentstore.Store, a *artifact) int64 {
	digests := make([]digest.Digest, 0, len(a.JSON.Layers))
	for _, l := range a.JSON.Layers {
		digests = append(digests, l.Digest)
	}
	missing, err := s.Missing(ctx, digests)
	if err != nil {
		return 0
	}
	var n int64
	seen := map[digest.Digest]bool{}
	for _, d := range missing {
		for i, l := range a.JSON.Layers {
			if l.Digest == d && !seen[d] {
				seen[d] = true
				n += a.Sizes[i]
			}
		}
	}
	return n
}

// containerdLog shows contentstore's per-blob lines under Verbose, as the
// daemon's messages are shown for an archive.
func containerdLog(opts Options) io.Writer {
	if !opts.Verbose {
		return nil
	}
	return prefixWriter{w: ui.Or(opts.Log), prefix: "  containerd: "}
}

// prefixWriter puts prefix before each write (contentstore writes whole
// lines).
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix+string(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
