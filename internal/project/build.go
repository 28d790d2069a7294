package project

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// buildLimit bounds the Nix builds started at once; Nix schedules the
// derivations of each itself.
const buildLimit = 4

// Built is an image built with Nix.
type Built struct {
	// Image is the configured image; its Key is empty for an installable
	// built directly.
	Config config.Image
	// Installable is what was built, such as /repo#ollamaImage.
	Installable string
	// JSON is the store path of the image's nix2container JSON.
	JSON string
	// Ref is the name and tag of the image's Nix definition.
	Ref nixbuild.ImageRef
	// Image is the parsed JSON.
	Image *nix2container.Image
}

// Lookup returns the configured images with the given keys (ollama,
// harness, qwen3, …), in that order; an unknown key fails before anything
// is built.
func (p *Project) Lookup(keys ...string) ([]config.Image, error) {
	imgs := make([]config.Image, 0, len(keys))
	for _, k := range keys {
		img, err := p.Config.Lookup(k)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

// Keys returns the keys of every configured image.
func (p *Project) Keys() []string {
	keys := make([]string, 0, len(p.Config.Images))
	for _, img := range p.Config.Images {
		keys = append(keys, img.Key)
	}
	return keys
}

// Build builds the images with the given keys with Nix, the builds in
// parallel, and returns them in the order of keys. Failures are reported
// together; the images that built are returned with them.
func (p *Project) Build(ctx context.Context, keys ...string) ([]Built, error) {
	imgs, err := p.Lookup(keys...)
	if err != nil {
		return nil, err
	}
	return each(imgs, func(img config.Image) (Built, error) { return p.build(ctx, img) })
}

// each calls f for every item, at most buildLimit at a time, and returns
// the results in order with every failure joined.
func each[T any](items []T, f func(T) (Built, error)) ([]Built, error) {
	out := make([]Built, len(items))
	errs := make([]error, len(items))
	var g errgroup.Group
	g.SetLimit(buildLimit)
	for i, item := range items {
		g.Go(func() error {
			out[i], errs[i] = f(item)
			return nil // every item gets its chance; errs keeps the failures
		})
	}
	g.Wait() //nolint:errcheck // the goroutines return nil
	return out, errors.Join(errs...)
}

// build builds one configured image.
func (p *Project) build(ctx context.Context, img config.Image) (Built, error) {
	b, err := p.buildInstallable(ctx, p.installable(img.Attr))
	b.Config = img
	return b, err
}

// buildInstallable builds installable, whose output must be a
// nix2container image JSON, and in parallel evaluates its nix2container
// imageName and imageTag; then it reads the JSON.
func (p *Project) buildInstallable(ctx context.Context, installable string) (Built, error) {
	b := Built{Installable: installable}
	var g errgroup.Group
	g.Go(func() (err error) {
		b.Ref, err = p.nix.EvalImageRef(ctx, installable, p.nixOptions())
		return err
	})
	res, err := p.nix.Build(ctx, installable, p.nixOptions())
	if evalErr := g.Wait(); err == nil {
		err = evalErr
	}
	if err != nil {
		return b, err
	}
	b.JSON = res.Path
	if b.Image, err = nix2container.ReadFile(res.Path); err != nil {
		return b, fmt.Errorf("reading the image JSON of %s: %w", installable, err)
	}
	return b, nil
}
