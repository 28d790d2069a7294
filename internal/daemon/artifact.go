package daemon

import (
	"context"
	"fmt"
	"io"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/dockerarchive"
	"github.com/nanna-coder/build/internal/nix2container"
)

// artifact is what a load computes once from the image JSON (its blobs, as
// archives carry them) and the store its layers are read from.
type artifact struct {
	*dockerarchive.Image

	store nix2container.Store       // where layers are read, with the rules decided
	rules *nix2container.RulesMatch // nil until decideRules ran
}

// newArtifact checks img against the store and makes its config and
// manifest (dockerarchive.NewImage). The rules are decided only when
// something is streamed (decideRules): a load of an image the daemon has
// reads no layer.
func newArtifact(ctx context.Context, img *nix2container.Image, src nix2container.Store) (*artifact, error) {
	i, err := dockerarchive.NewImage(ctx, img, src)
	if err != nil {
		return nil, err
	}
	return &artifact{Image: i, store: src}, nil
}

// id is the image's ID on a store: the manifest digest on the containerd
// image store, the config digest elsewhere (the classic store, Podman).
func (a *artifact) id(store ImageStore) digest.Digest {
	if store == ContainerdStore {
		return a.ManifestID
	}
	return a.ConfigID
}

// decideRules finds, once, the tar rules the image's JSON was written with
// (nix2container.Image.Rules: the current ones or an older
// nix2container's), says so on log when they are older ones, and reads the
// layers with them from then on.
func (a *artifact) decideRules(ctx context.Context, log io.Writer) (nix2container.RulesMatch, error) {
	if a.rules != nil {
		return *a.rules, nil
	}
	m, err := a.JSON.Rules(ctx, a.store)
	if err != nil {
		return m, err
	}
	a.rules, a.store.Rules = &m, m.Rules
	if n := m.Note("loading"); n != "" {
		fmt.Fprintln(log, n)
	}
	return m, nil
}
