package load

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
)

// once makes one attempt: connect, skip or stream, verify, tag.
func once(ctx context.Context, dial Dial, img *nix2container.Image, config []byte, opts Options) (Result, error) {
	id := digest.FromBytes(config)
	res := Result{ID: id}
	c, closer, err := dial(ctx)
	if err != nil {
		return res, err
	}
	defer closer.Close()

	if res.Present, err = present(ctx, c, id); err != nil {
		return res, err
	}
	if res.Present {
		res.Held = allIndexes(len(img.Layers))
		return res, tag(ctx, c, id, opts.Refs, &res)
	}
	// The store kind and the held layers are independent questions; the
	// held layers only count on the classic store.
	var held map[digest.Digest]bool
	var heldErr error
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		held, heldErr = heldChainIDs(ctx, c)
	}()
	res.Store, err = DetectStore(ctx, c)
	<-listed
	if err != nil {
		return res, err
	}
	if res.Store != GraphDriver {
		held = nil
	} else if heldErr != nil {
		return res, heldErr
	}
	p, err := newPlan(img, config, held, opts.Source)
	if err != nil {
		return res, err
	}
	for i := range img.Layers {
		if p.held[i] {
			res.Held = append(res.Held, i)
		}
	}
	if err := stream(ctx, c, p, opts, &res); err != nil {
		return res, err
	}
	if res.Store == GraphDriver {
		// The classic store names images by config digest; anything else
		// means the daemon built a different config than ours.
		ok, err := present(ctx, c, id)
		if err != nil {
			return res, err
		}
		if !ok {
			return res, fmt.Errorf("the daemon accepted the archive but has no image %s afterwards", id)
		}
	}
	return res, tag(ctx, c, id, opts.Refs, &res)
}

// stream pipes the archive into ImageLoad. A failure on either side stops
// the other: the writer's error closes the pipe so the daemon sees a broken
// upload, and the daemon's early answer closes the reader so the writer
// stops. The writer's own error (a digest mismatch, a missing file) wins over
// the daemon's view of the broken upload.
func stream(ctx context.Context, c Client, p *plan, opts Options, res *Result) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pipe := newBufferedPipe()
	bar := newProgress(opts, p.sendBytes())
	var writeErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		writeErr = writeArchive(ctx, bar.proxy(pipe), p, opts.Source, func(i int, n int64) {
			res.Sent = append(res.Sent, i)
			res.Bytes += n
			layerLine(opts, p, i, n)
		})
		if errors.Is(writeErr, errDaemonDone) && p.complete {
			writeErr = nil // only the end-of-archive padding was cut off
		}
		pipe.CloseWrite(writeErr)
	}()
	readErr := func() error {
		resp, err := c.ImageLoad(ctx, pipe, client.ImageLoadWithQuiet(true))
		if err != nil {
			return fmt.Errorf("sending the archive to the daemon: %w", err)
		}
		defer resp.Close()
		lines, err := readResponse(resp)
		if opts.Verbose {
			for _, l := range lines {
				fmt.Fprintf(logOf(opts), "  daemon: %s\n", l)
			}
		}
		return err
	}()
	pipe.CloseRead(errDaemonDone)
	if readErr != nil {
		cancel()
	}
	<-done
	bar.done(writeErr == nil && readErr == nil)
	switch {
	case writeErr != nil && !errors.Is(writeErr, errDaemonDone):
		return writeErr
	case readErr != nil:
		return readErr
	case writeErr != nil:
		return errors.New("the daemon answered before it had read the whole archive")
	}
	return nil
}

// errDaemonDone ends the archive writer when the daemon answered before the
// archive was complete.
var errDaemonDone = errors.New("the daemon closed the upload")

func tag(ctx context.Context, c Client, id digest.Digest, refs []string, res *Result) error {
	for _, ref := range refs {
		if _, err := c.ImageTag(ctx, client.ImageTagOptions{Source: id.String(), Target: ref}); err != nil {
			return fmt.Errorf("tagging %s as %s: %w", id, ref, err)
		}
		res.Refs = append(res.Refs, ref)
	}
	return nil
}

func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return slices.Clip(out)
}
