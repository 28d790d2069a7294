package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
	"github.com/nanna-coder/build/internal/wait"
)

// ErrTimeout is wrapped by the error of a load that ran out of
// Options.Timeout.
var ErrTimeout = errors.New("timed out")

// Options control one load. The zero value loads once with no timeout and
// prints nothing.
type Options struct {
	// Refs are the references to tag the image with (name[:tag], see
	// imageref), the image's own name:tag first. At least one is required.
	Refs []string
	// Related names other images (name[:tag]; a missing tag means latest)
	// that may hold this image's lower layers, such as the other images of
	// the configuration. On the classic store, layers are left out of the
	// archive when an image a Ref or a Related reference names holds them
	// (Refs find the build they replace); other images are never inspected.
	Related []string
	// Attempts is how often a transient failure (daemon unreachable,
	// connection reset, daemon busy) is tried in all; < 1 means 1. A digest
	// mismatch or bad input is never retried.
	Attempts int
	// RetryDelay is the pause between attempts.
	RetryDelay time.Duration
	// Timeout bounds the whole load, retries included; 0 means none.
	Timeout time.Duration
	// Log receives the summary line, and per-layer lines when Verbose.
	// nil means io.Discard.
	Log io.Writer
	// Verbose adds a line per layer (sent or already present) and the
	// daemon's own messages.
	Verbose bool
	// Progress draws a progress bar on Log; set it only when Log is a
	// terminal.
	Progress bool
	// Store says where store paths are read from (tests read a copy) and
	// with which tar rules; the load replaces the rules with those the
	// image's JSON was written with (nix2container.Image.Rules) before it
	// streams anything.
	Store nix2container.Store
	// ViaDockerAPI never writes into the daemon's containerd directly,
	// even when its socket is reachable: the image goes through
	// POST /images/load, as it must for a remote daemon.
	ViaDockerAPI bool
	// ManifestCache is the directory where the manifests of images loaded
	// into a containerd image store are kept, so that later loads can leave
	// out the blobs those images hold; "" means
	// $XDG_CACHE_HOME/nanna-coder/manifests. Entries are checked against
	// their digests; a missing one only costs a full upload.
	ManifestCache string
	// manifests is ManifestCache, opened.
	manifests manifestCache
	// refs are Refs and Related, read.
	refs refs
	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// settle replaces settleTimeout when set (tests).
	settle time.Duration
}

// Result describes a finished load.
type Result struct {
	ID         digest.Digest // the image ID: the manifest digest on the containerd store, else the config digest
	Refs       []string      // references tagged
	Present    bool          // the daemon already had the image; nothing was streamed
	ImageStore ImageStore    // the daemon's image store
	Path       string        // how the image got there: "containerd", "docker API" or "already present"
	Sent       []int         // indexes of the layers streamed
	Held       []int         // indexes of the layers the daemon already held
	Bytes      int64         // layer bytes streamed
	Attempts   int           // attempts made
	Legacy     string        // the older nix2container tar rules the image needed, if any
	Elapsed    time.Duration

	uploaded bool // a complete archive reached the daemon, which may have created the image
	created  bool // the image record Refs[0] was written into containerd directly
}

// Image loads img into the daemon reached through dial and tags it with
// opts.Refs. If the daemon already has an image with the same ID it only
// tags it. Otherwise it streams a docker-archive that leaves out the layers
// the images named by opts.Refs and opts.Related hold (classic image store
// only), verifying every layer's size and digest as it goes; a
// mismatch aborts the stream, so the daemon creates and tags nothing. If a
// layer left out is gone by the time the daemon looks for it (its image was
// removed during the upload), the archive is sent once more with every
// layer. A load that fails after the daemon had the whole archive removes
// the image it created, if nobody tagged or uses it.
func Image(ctx context.Context, dial Dial, img *nix2container.Image, opts Options) (Result, error) {
	start := time.Now()
	name := img.File
	if len(opts.Refs) > 0 {
		name = opts.Refs[0]
	}
	res, err := loadImage(ctx, dial, img, opts)
	res.Elapsed = time.Since(start)
	if err != nil {
		if errors.Is(err, context.Canceled) && len(res.Refs) == 0 {
			return res, fmt.Errorf("loading %s: interrupted, nothing was tagged: %w", name, err)
		}
		return res, fmt.Errorf("loading %s: %w", name, err)
	}
	report(opts, name, res)
	return res, nil
}

func loadImage(ctx context.Context, dial Dial, img *nix2container.Image, opts Options) (Result, error) {
	var err error
	if opts.refs, err = readRefs(opts); err != nil {
		return Result{}, err
	}
	a, err := newArtifact(ctx, img, opts.Store)
	if err != nil {
		return Result{}, err
	}
	opts.manifests = manifestCache{dir: opts.ManifestCache}
	if opts.ManifestCache == "" {
		opts.manifests = defaultManifestCache()
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.Timeout, fmt.Errorf("%w after %s", ErrTimeout, opts.Timeout))
		defer cancel()
	}
	attempts := max(opts.Attempts, 1)
	sleep := opts.sleep
	if sleep == nil {
		sleep = wait.Sleep
	}
	var res Result
	uploaded, created := false, false
	for n := 1; ; n++ {
		res, err = attempt(ctx, dial, a, opts)
		res.Attempts = n
		uploaded = uploaded || res.uploaded
		created = created || res.created
		if err == nil || n >= attempts || !transient(err) {
			break
		}
		fmt.Fprintf(ui.Or(opts.Log), "attempt %d of %d: %v; retrying in %s\n", n, attempts, err, opts.RetryDelay)
		if serr := sleep(ctx, opts.RetryDelay); serr != nil {
			break
		}
	}
	switch {
	case err != nil && created:
		err = removeRecord(ctx, dial, res.ID, opts.Refs[0], err, opts)
	case err != nil && uploaded:
		err = removeCreated(ctx, dial, res.ID, err, opts)
	}
	if err != nil && context.Cause(ctx) != nil && ctx.Err() != nil && !errors.Is(err, context.Cause(ctx)) {
		err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	}
	return res, err
}
