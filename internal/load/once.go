package load

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
		held, heldErr = heldChainIDs(ctx, c, candidates(opts.Refs, opts.Related))
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
	err = streamPlan(ctx, c, p, opts, &res)
	if i, ok := leftOutMissing(err, p); ok {
		// Another plan cannot be wrong in the same way: it holds back nothing.
		fmt.Fprintf(logOf(opts), "layer %d, left out because the daemon held it, is gone (the image holding it was removed during the upload): sending every layer\n", i+1)
		if p, err = newPlan(img, config, nil, opts.Source); err != nil {
			return res, err
		}
		err = streamPlan(ctx, c, p, opts, &res)
	}
	if err != nil {
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

// streamPlan streams p, with res's layer lists and byte count reset to p's.
func streamPlan(ctx context.Context, c Client, p *plan, opts Options, res *Result) error {
	res.Sent, res.Held, res.Bytes = nil, nil, 0
	for i, held := range p.held {
		if held {
			res.Held = append(res.Held, i)
		}
	}
	return stream(ctx, c, p, opts, res)
}

// leftOutMissing returns the layer the daemon could not find when the
// archive left it out because the daemon held it: the image holding it was
// removed during the upload, and the daemon, which looks layers up only once
// it has the whole archive, then looked for its file in the archive ("open
// …/docker-import-…/<digest>.tar: no such file or directory").
func leftOutMissing(err error, p *plan) (int, bool) {
	var de *daemonError
	if !errors.As(err, &de) || !strings.Contains(de.msg, "no such file or directory") {
		return 0, false
	}
	for i, name := range p.files {
		if p.held[i] && !p.send[i] && strings.Contains(de.msg, "/"+name) {
			return i, true
		}
	}
	return 0, false
}

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
