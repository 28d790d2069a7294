package project

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/imageref"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/push"
	"github.com/nanna-coder/build/internal/ui"
)

// Installable is the flake installable that builds the configured image
// with key, such as /repo#ollamaImage.
func (p *Project) Installable(key string) (string, error) {
	img, err := p.Config.Lookup(key)
	if err != nil {
		return "", err
	}
	return p.installable(img.Attr), nil
}

// Reopen returns the image with key as an earlier build made it: its JSON
// at path, named ref (name:tag), read again.
func (p *Project) Reopen(key, path, ref string) (Built, error) {
	img, err := p.Config.Lookup(key)
	if err != nil {
		return Built{}, err
	}
	name, tag, err := imageref.Parse(ref)
	if err != nil {
		return Built{}, err
	}
	parsed, err := nix2container.ReadFile(path)
	if err != nil {
		return Built{}, fmt.Errorf("reading the image JSON of %s: %w", key, err)
	}
	return Built{Config: img, Installable: p.installable(img.Attr), JSON: path, Ref: nixbuild.ImageRef{Name: name, Tag: tag}, Image: parsed}, nil
}

// Refs returns the references a built image is loaded under: its own
// name:tag, the registry's, and :<commit> in CI.
func (p *Project) Refs(b Built) []string {
	return p.Config.Refs(b.Config, b.Ref.Name, b.Ref.Tag)
}

// LoadBuilt loads a built image under [Project.Refs].
func (p *Project) LoadBuilt(ctx context.Context, b Built) (daemon.Result, error) {
	return p.load(ctx, b.Image, p.Refs(b))
}

// PushBuilt pushes a built image to its registry references, or opts.To.
func (p *Project) PushBuilt(ctx context.Context, b Built, opts PushOptions) (push.Result, error) {
	refs := opts.To
	if len(refs) == 0 {
		refs = RegistryRefs(p.Config, b.Config, b.Ref.Name, b.Ref.Tag)
	}
	return p.pushImage(ctx, b.Image, refs, opts)
}

// Daemon names the Docker Engine (or Podman) that loads go to: DOCKER_HOST,
// or the current Docker context's endpoint.
func (p *Project) Daemon() (string, error) {
	ep, err := daemon.Resolve(p.getenv)
	if err != nil {
		return "", err
	}
	return ep.String(), nil
}

// ErrNotLoaded means the daemon lacks an image, or a reference names
// another one.
var ErrNotLoaded = errors.New("image not loaded")

// Present checks that the daemon has the image with id and that each of
// refs names it.
func (p *Project) Present(ctx context.Context, id digest.Digest, refs []string) error {
	c, closer, err := p.dial(ctx)
	if err != nil {
		return err
	}
	defer closer.Close() //nolint:errcheck // nothing was written
	for _, ref := range append([]string{id.String()}, refs...) {
		res, err := c.ImageInspect(ctx, ref)
		switch {
		case cerrdefs.IsNotFound(err):
			return fmt.Errorf("%w: the daemon has no %s", ErrNotLoaded, ref)
		case err != nil:
			return fmt.Errorf("inspecting %s: %w", ref, err)
		case res.ID != id.String():
			return fmt.Errorf("%w: %s is now %s, not %s", ErrNotLoaded, ref, short(res.ID), short(id.String()))
		}
	}
	return nil
}

// short is an image ID as Docker shows it.
func short(id string) string { return ui.Short(strings.TrimPrefix(id, "sha256:")) }
