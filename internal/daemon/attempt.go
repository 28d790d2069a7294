package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/dockerarchive"
	"github.com/nanna-coder/build/internal/imageref"
	"github.com/nanna-coder/build/internal/ui"
)

// attempt makes one attempt at a load: connect, find the image store, skip
// or send, verify, tag.
func attempt(ctx context.Context, dial Dial, a *artifact, opts Options) (Result, error) {
	res := Result{ID: a.ConfigID}
	c, closer, err := dial(ctx)
	if err != nil {
		return res, err
	}
	defer closer.Close()

	store, info, err := detect(ctx, c)
	if err != nil {
		return res, err
	}
	res.ImageStore, res.ID = store, a.id(store)
	var tagged []string
	if res.Present, tagged, err = isPresent(ctx, c, store, res.ID); err != nil {
		return res, err
	}
	if res.Present {
		res.Path, res.Held = pathPresent, allIndexes(len(a.JSON.Layers))
		return res, tag(ctx, c, res.ID, opts, tagged, &res)
	}
	rules, err := a.decideRules(ctx, ui.Or(opts.Log))
	if err != nil {
		return res, err
	}
	res.Legacy = rules.Description
	if store == ContainerdStore && !opts.ViaDockerAPI {
		used, err := loadDirect(ctx, info, a, opts, &res)
		if err != nil {
			return res, err
		}
		if used {
			if err := verify(ctx, c, store, res.ID); err != nil {
				return res, err
			}
			record(opts, a)
			return res, tag(ctx, c, res.ID, opts, nil, &res)
		}
	}
	res.Path = pathArchive
	p, err := planFor(ctx, c, store, a, opts)
	if err != nil {
		return res, err
	}
	err = streamPlan(ctx, c, a, p, opts, &res)
	if err == nil {
		err = verify(ctx, c, store, res.ID)
	}
	if retry, why := resendAll(err, p); retry {
		// Another plan cannot be wrong in the same way: it holds back nothing.
		fmt.Fprintf(ui.Or(opts.Log), "%s: sending every layer\n", why)
		p = dockerarchive.NewPlan(a.Image, p.Format(), nil)
		if err = streamPlan(ctx, c, a, p, opts, &res); err == nil {
			err = verify(ctx, c, store, res.ID)
		}
	}
	if err != nil {
		return res, err
	}
	if store == ContainerdStore {
		record(opts, a)
	}
	return res, tag(ctx, c, res.ID, opts, nil, &res)
}

// planFor decides the archive for the store: on Docker's stores an OCI
// layout that also carries manifest.json, leaving out the layers the daemon
// provably holds; elsewhere (Podman) a complete docker-archive.
func planFor(ctx context.Context, c Client, store ImageStore, a *artifact, opts Options) (*dockerarchive.Plan, error) {
	refs := opts.refs.candidates
	switch store {
	case ClassicStore:
		chains, err := heldChainIDs(ctx, c, refs)
		if err != nil {
			return nil, err
		}
		return dockerarchive.NewPlan(a.Image, dockerarchive.OCILayout, heldLayers(a, chains)), nil
	case ContainerdStore:
		held, err := heldBlobs(ctx, c, a, refs, opts.manifests)
		if err != nil {
			return nil, err
		}
		return dockerarchive.NewPlan(a.Image, dockerarchive.OCILayout, held), nil
	}
	return dockerarchive.NewPlan(a.Image, dockerarchive.Docker, nil), nil
}

// isPresent reports whether the daemon has the image with its whole
// content, and the references it already has.
func isPresent(ctx context.Context, c Client, store ImageStore, id digest.Digest) (bool, []string, error) {
	if store != ContainerdStore {
		return present(ctx, c, id)
	}
	av, tags, err := availabilityOf(ctx, c, id)
	return av == available, tags, err
}

// verify checks, after an upload, that the daemon holds the image under the
// ID we computed, with all its content.
func verify(ctx context.Context, c Client, store ImageStore, id digest.Digest) error {
	switch store {
	case ContainerdStore:
		av, _, err := availabilityOf(ctx, c, id)
		switch {
		case err != nil:
			return err
		case av == absent:
			return fmt.Errorf("the daemon accepted the archive but has no image %s afterwards", id)
		case av == incomplete:
			return &incompleteError{id}
		}
	case ClassicStore:
		// The classic store names images by config digest; anything else
		// means the daemon built a different config than ours.
		ok, _, err := present(ctx, c, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("the daemon accepted the archive but has no image %s afterwards", id)
		}
	}
	return nil
}

// incompleteError means the containerd store created the image but lacks
// some of its blobs: a blob left out of the archive was not in its content
// store after all (garbage-collected since the image that held it went).
type incompleteError struct{ id digest.Digest }

func (e *incompleteError) Error() string {
	return fmt.Sprintf("the daemon created image %s but lacks some of its content", e.id)
}

// resendAll says whether a failed upload that left layers out should be
// sent again with every layer, and why: a layer left out was gone by the
// time the daemon looked for it.
func resendAll(err error, p *dockerarchive.Plan) (bool, string) {
	if err == nil || len(p.Held()) == 0 {
		return false, ""
	}
	var inc *incompleteError
	var unpack *unpackError
	switch {
	case errors.As(err, &inc), errors.As(err, &unpack):
		return true, "the content store lacks a blob the daemon was thought to hold (" + err.Error() + ")"
	}
	if i, ok := leftOutMissing(err, p); ok {
		return true, fmt.Sprintf("layer %d, left out because the daemon held it, is gone (the image holding it was removed during the upload)", i+1)
	}
	return false, ""
}

// streamPlan streams p, with res's layer lists and byte count reset to p's.
func streamPlan(ctx context.Context, c Client, a *artifact, p *dockerarchive.Plan, opts Options, res *Result) error {
	res.Sent, res.Held, res.Bytes = nil, p.Held(), 0
	return stream(ctx, c, a, p, opts, res)
}

// leftOutMissing returns the layer the classic store could not find when the
// archive left it out because the daemon held it: the image holding it was
// removed during the upload, and the daemon, which looks layers up only once
// it has the whole archive, then looked for its file in the archive ("open
// …/docker-import-…/<file>: no such file or directory").
func leftOutMissing(err error, p *dockerarchive.Plan) (int, bool) {
	var de *daemonError
	if !errors.As(err, &de) || !strings.Contains(de.msg, "no such file or directory") {
		return 0, false
	}
	for _, i := range p.Held() {
		if strings.Contains(de.msg, "/"+p.File(i)) {
			return i, true
		}
	}
	return 0, false
}

// tag gives the image id every reference of opts.Refs; those in tagged
// (the image's references already, as the daemon lists them) are not asked
// for again.
func tag(ctx context.Context, c Client, id digest.Digest, opts Options, tagged []string, res *Result) error {
	have := map[string]bool{}
	for _, t := range tagged {
		if n, err := imageref.Normalize(t); err == nil {
			have[n] = true
		}
	}
	for i, ref := range opts.Refs {
		if !have[opts.refs.familiar[i]] {
			if _, err := c.ImageTag(ctx, client.ImageTagOptions{Source: id.String(), Target: ref}); err != nil {
				return fmt.Errorf("tagging %s as %s: %w", id, ref, err)
			}
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

// record keeps the manifest of an image loaded into a containerd store, so
// that later loads can prove which blobs it holds; a failure costs only a
// fuller upload later, so it is reported under Verbose and not returned.
func record(opts Options, a *artifact) {
	if err := opts.manifests.put(a.ManifestID, a.Manifest); err != nil && opts.Verbose {
		fmt.Fprintf(ui.Or(opts.Log), "  %v (later loads will send these blobs again)\n", err)
	}
}
