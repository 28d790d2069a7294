package daemon

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"
)

// availability is what the containerd store says of an image.
type availability int

const (
	absent     availability = iota // no such image
	incomplete                     // the image exists, but some of its content is not in the content store
	available                      // the image and all its content are there
)

// availabilityOf asks the containerd store about the image with manifest id
// (its ID there): GET /images/{id}/json?manifests=1 lists each manifest
// with its Available flag.
func availabilityOf(ctx context.Context, c Client, id digest.Digest) (availability, []string, error) {
	res, err := c.ImageInspect(ctx, id.String(), client.ImageInspectWithManifests(true))
	if cerrdefs.IsNotFound(err) {
		return absent, nil, nil
	}
	if err != nil {
		return absent, nil, fmt.Errorf("inspecting image %s: %w", id, err)
	}
	for _, m := range res.Manifests {
		if m.ID == id.String() || m.Descriptor.Digest == id {
			if m.Available {
				return available, res.RepoTags, nil
			}
			return incomplete, res.RepoTags, nil
		}
	}
	return incomplete, res.RepoTags, nil
}

// heldBlobs says, per JSON layer, whether the containerd store provably
// holds its blob. The proof is an image named by one of refs that the
// daemon lists with an Available manifest whose content (from the manifest
// cache) references the blob: Available means all of that manifest's blobs
// are in the content store now, and the cached manifest says which they
// are. Only those images are inspected.
func heldBlobs(ctx context.Context, c Client, a *artifact, refs []string, cache manifestCache) ([]bool, error) {
	images, err := inspectEach(ctx, c, refs, client.ImageInspectWithManifests(true))
	if err != nil {
		return nil, err
	}
	have := map[digest.Digest]bool{}
	for _, img := range images {
		for _, m := range img.Manifests {
			if !m.Available {
				continue
			}
			layers, _ := cache.layers(m.Descriptor.Digest)
			for _, d := range layers {
				have[d] = true
			}
		}
	}
	held := make([]bool, len(a.JSON.Layers))
	for i, l := range a.JSON.Layers {
		held[i] = have[l.Digest]
	}
	return held, nil
}

// heldLayers turns the classic store's held chain IDs into per-layer flags.
func heldLayers(a *artifact, chains map[digest.Digest]bool) []bool {
	held := make([]bool, len(a.JSON.Layers))
	for i, chain := range a.JSON.ChainIDs() {
		held[i] = chains[chain]
	}
	return held
}
