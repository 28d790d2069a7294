package project

import (
	"context"
	"fmt"

	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/push"
)

// BuildFor builds the image with key for each of platforms (any spelling:
// amd64, aarch64-linux, linux/arm64, …) from the flake's
// packages.<system>.<attr>, the builds in parallel. Each JSON's arch must
// be its platform's: an image built for another architecture is an error,
// never a stand-in.
func (p *Project) BuildFor(ctx context.Context, key string, platforms []string) ([]Built, error) {
	imgs, err := p.Lookup(key)
	if err != nil {
		return nil, err
	}
	img := imgs[0]
	parsed := make([]platform.Platform, len(platforms))
	for i, s := range platforms {
		if parsed[i], err = platform.Parse(s); err != nil {
			return nil, err
		}
	}
	return each(parsed, func(pl platform.Platform) (Built, error) {
		attr := "packages." + pl.System() + "." + img.Attr
		b, err := p.buildInstallable(ctx, p.installable(attr))
		b.Config = img
		if err != nil {
			return b, err
		}
		if got, err := platform.Parse(b.Image.Arch); err != nil || got.Architecture != pl.Architecture {
			return b, fmt.Errorf("building %s for %s: %s is an image for %q, not %s; make the flake's %s build for %s (through qemu:setup or a remote builder), not for this machine",
				key, pl.System(), b.JSON, b.Image.Arch, pl.Architecture, attr, pl.System())
		}
		return b, nil
	})
}

// PushMultiarch builds the image with key for each of platforms
// ([Project.BuildFor]), pushes each image and then an OCI index over them
// to the image's registry references, or opts.To.
func (p *Project) PushMultiarch(ctx context.Context, key string, platforms []string, opts PushOptions) (push.Result, error) {
	built, err := p.BuildFor(ctx, key, platforms)
	if err != nil {
		return push.Result{}, err
	}
	return p.PushIndexOf(ctx, built, platforms, opts)
}

// PushIndexOf pushes an OCI index over built, one image per platform (in
// the same order), to the images' registry references, or opts.To.
func (p *Project) PushIndexOf(ctx context.Context, built []Built, platforms []string, opts PushOptions) (push.Result, error) {
	entries := make([]oci.PlatformImage, len(built))
	for i, b := range built {
		entries[i] = oci.PlatformImage{Platform: platforms[i], Image: b.Image}
	}
	refs := opts.To
	if len(refs) == 0 {
		refs = RegistryRefs(p.Config, built[0].Config, built[0].Ref.Name, built[0].Ref.Tag)
	}
	res, err := push.Index(ctx, entries, refs, p.pushOptions(opts))
	return res, pushError(err)
}
