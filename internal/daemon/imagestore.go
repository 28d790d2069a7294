package daemon

import (
	"context"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	"golang.org/x/sync/errgroup"
)

// ImageStore is the kind of image store a daemon runs; it decides whether
// layers the daemon already holds can be left out of the archive.
type ImageStore string

const (
	// ClassicStore is the classic Docker image store, on a graph driver
	// (overlay2, vfs, …): image ID = config digest, layers keyed by chain
	// ID.
	ClassicStore ImageStore = "graph-driver"
	// ContainerdStore is Docker's containerd image store (default on fresh
	// Docker 29 installs).
	ContainerdStore ImageStore = "containerd"
	// PodmanStore is Podman's store, behind its Docker-compatible API.
	PodmanStore ImageStore = "podman"
	// UnknownStore is anything else; every layer is sent.
	UnknownStore ImageStore = "unknown"
)

// DetectImageStore tells the daemon's image store apart from Info and
// ServerVersion.
func DetectImageStore(ctx context.Context, c Client) (ImageStore, error) {
	store, _, err := detect(ctx, c)
	return store, err
}

// detect returns the image store and, for Docker, the daemon's Info (its
// containerd socket, for the containerd store).
func detect(ctx context.Context, c Client) (ImageStore, system.Info, error) {
	// The two questions are independent; asked at once they cost one round
	// trip (each takes a few milliseconds on Docker 29).
	var res client.SystemInfoResult
	var infoErr error
	asked := make(chan struct{})
	go func() {
		defer close(asked)
		res, infoErr = c.Info(ctx, client.InfoOptions{})
	}()
	v, err := c.ServerVersion(ctx, client.ServerVersionOptions{})
	<-asked
	if err != nil {
		return UnknownStore, system.Info{}, fmt.Errorf("asking the daemon for its version: %w", err)
	}
	if strings.Contains(strings.ToLower(v.Platform.Name), "podman") {
		return PodmanStore, system.Info{}, nil
	}
	for _, comp := range v.Components {
		if strings.Contains(strings.ToLower(comp.Name), "podman") {
			return PodmanStore, system.Info{}, nil
		}
	}
	if infoErr != nil {
		return UnknownStore, system.Info{}, fmt.Errorf("asking the daemon for its storage driver: %w", infoErr)
	}
	info := res.Info
	for _, kv := range info.DriverStatus {
		if kv[0] == "driver-type" && strings.Contains(kv[1], "snapshotter") {
			return ContainerdStore, info, nil
		}
	}
	if info.Driver == "" {
		return UnknownStore, info, nil
	}
	return ClassicStore, info, nil
}

// present reports whether the daemon holds an image with this ID, and the
// references it already has.
func present(ctx context.Context, c Client, id digest.Digest) (bool, []string, error) {
	res, err := c.ImageInspect(ctx, id.String())
	if err == nil {
		return true, res.RepoTags, nil
	}
	if cerrdefs.IsNotFound(err) {
		return false, nil, nil
	}
	return false, nil, fmt.Errorf("inspecting image %s: %w", id, err)
}

// heldChainIDs collects the chain IDs of every layer stack held by the
// images refs name: for each such image, the chain IDs of all prefixes of its
// RootFS layers. Only those images are inspected, by reference, and nothing
// is listed: on the classic store, listing and inspecting both read the
// config of every image concerned, which costs as much as the config is
// large (an unrelated 50 MB config costs a listing 0.4 s).
func heldChainIDs(ctx context.Context, c Client, refs []string) (map[digest.Digest]bool, error) {
	images, err := inspectEach(ctx, c, refs)
	if err != nil {
		return nil, err
	}
	held := map[digest.Digest]bool{}
	for _, img := range images {
		diffIDs := make([]digest.Digest, len(img.RootFS.Layers))
		for j, l := range img.RootFS.Layers {
			diffIDs[j] = digest.Digest(l)
		}
		for _, chain := range identity.ChainIDs(diffIDs) {
			held[chain] = true
		}
	}
	return held, nil
}

// inspectEach inspects the images refs name, at most 8 at a time, and
// returns those the daemon has, in refs' order; a name the daemon lacks is
// left out.
func inspectEach(ctx context.Context, c Client, refs []string, opts ...client.ImageInspectOption) ([]client.ImageInspectResult, error) {
	found := make([]*client.ImageInspectResult, len(refs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, ref := range refs {
		g.Go(func() error {
			res, err := c.ImageInspect(gctx, ref, opts...)
			if cerrdefs.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("inspecting image %s: %w", ref, err)
			}
			found[i] = &res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []client.ImageInspectResult
	for _, res := range found {
		if res != nil {
			out = append(out, *res)
		}
	}
	return out, nil
}
