package daemon

import (
	"context"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/ui"
)

// cleanupTimeout bounds removeCreated, which also runs after Ctrl-C.
const cleanupTimeout = 2 * time.Second

// removeCreated runs after a failed load whose archive reached the daemon
// complete, so that the failure leaves no image behind: the image id, which
// the daemon did not have before this load, is removed if it is untagged.
// The removal is not forced, so an image a container uses stays, and one
// someone tagged meanwhile is not touched. It runs even when ctx is done,
// bounded by cleanupTimeout, and returns loadErr, with a hint when the image
// could not be removed.
func removeCreated(ctx context.Context, dial Dial, id digest.Digest, loadErr error, opts Options) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	removed, err := removeUntagged(ctx, dial, id)
	if err != nil {
		return fmt.Errorf("%w; the daemon may keep the untagged image %s this load created (docker rmi %s removes it): %v", loadErr, id, id, err)
	}
	if removed && opts.Verbose {
		fmt.Fprintf(ui.Or(opts.Log), "removed the untagged image %s this load created\n", ui.Short(id.Encoded()))
	}
	return loadErr
}

// removeUntagged removes the image id unless it is missing, tagged or in
// use, and reports whether it did.
func removeUntagged(ctx context.Context, dial Dial, id digest.Digest) (bool, error) {
	c, closer, err := dial(ctx)
	if err != nil {
		return false, err
	}
	defer closer.Close()
	got, err := c.ImageInspect(ctx, id.String())
	switch {
	case cerrdefs.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("inspecting image %s: %w", id, err)
	case len(got.RepoTags) > 0:
		return false, nil
	}
	_, err = c.ImageRemove(ctx, id.String(), client.ImageRemoveOptions{})
	switch {
	case cerrdefs.IsNotFound(err), cerrdefs.IsConflict(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("removing image %s: %w", id, err)
	}
	return true, nil
}

// removeRecord runs after a failed load that wrote the image record ref
// into containerd itself: the name is removed again if it still points at
// id (without Force, so a container using the image keeps it), and the
// image goes with it unless something else names it.
func removeRecord(ctx context.Context, dial Dial, id digest.Digest, ref string, loadErr error, opts Options) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	c, closer, err := dial(ctx)
	if err != nil {
		return fmt.Errorf("%w; the daemon may keep image %s as %s (docker rmi %s removes it): %v", loadErr, id, ref, ref, err)
	}
	defer closer.Close()
	got, err := c.ImageInspect(ctx, ref)
	if err != nil || got.ID != id.String() {
		return loadErr
	}
	if _, err := c.ImageRemove(ctx, ref, client.ImageRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) && !cerrdefs.IsConflict(err) {
		return fmt.Errorf("%w; the daemon may keep image %s as %s (docker rmi %s removes it): %v", loadErr, id, ref, ref, err)
	}
	if opts.Verbose {
		fmt.Fprintf(ui.Or(opts.Log), "removed %s, which this load created\n", ref)
	}
	return loadErr
}
