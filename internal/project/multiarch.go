package project

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/push"
)

// BuildFor builds the image with key for each of platforms (any spelling:
// amd64, aarch64-linux, linux/arm64, …) from the flake's
// packages.<system>.<attr>, the builds in parallel, and returns them in
// the order of platforms. An unknown platform, one named twice or none
// fail before anything is built. Each JSON's arch must be its platform's:
// an image built for another architecture is an error, never a stand-in.
func (p *Project) BuildFor(ctx context.Context, key string, platforms []string) ([]Built, error) {
	imgs, err := p.Lookup(key)
	if err != nil {
		return nil, err
	}
	parsed, err := parsePlatforms(platforms)
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", key, err)
	}
	img := imgs[0]
	return each(parsed, func(pl platform.Platform) (Built, error) {
		attr := "packages." + pl.System() + "." + img.Attr
		b, err := p.buildInstallable(ctx, p.installable(attr))
		b.Config = img
		if err != nil {
			return b, emulationHint(err, b, pl)
		}
		if err := checkArch(b, attr, pl); err != nil {
			return b, fmt.Errorf("building %s for %s: %w", key, pl.System(), err)
		}
		return b, nil
	})
}

// parsePlatforms reads platforms, each once.
func parsePlatforms(platforms []string) ([]platform.Platform, error) {
	if len(platforms) == 0 {
		return nil, errors.New("no platforms: name at least one, such as amd64,arm64")
	}
	parsed := make([]platform.Platform, len(platforms))
	for i, s := range platforms {
		pl, err := platform.Parse(s)
		if err != nil {
			return nil, err
		}
		for j := range i {
			if parsed[j].Normalize() == pl.Normalize() {
				return nil, fmt.Errorf("%s and %s are the same platform (%s); name each platform once", s, platforms[j], pl.Normalize())
			}
		}
		parsed[i] = pl
	}
	return parsed, nil
}

// emulationHint adds to the failed build of a platform this machine does
// not run natively how to make it: the attribute evaluated (b.Ref is set),
// so its builder may be what could not run.
func emulationHint(err error, b Built, pl platform.Platform) error {
	if pl.Native() || b.Ref.Name == "" {
		return err
	}
	name := strings.TrimPrefix(pl.String(), "linux/")
	return fmt.Errorf("%w\nto build for %s on this machine, Nix needs QEMU (through binfmt_misc) and %s in its extra-platforms: "+
		"qemu:status %s says which is missing, qemu:setup %s -writeNixConf=true sets both up; or use a remote %s builder",
		err, pl.System(), pl.System(), name, name, pl.System())
}

// checkArch checks that b, built from the flake's attr, is an image for
// pl.
func checkArch(b Built, attr string, pl platform.Platform) error {
	arch := b.Image.Arch
	if arch == "" {
		return fmt.Errorf("%s names no architecture, want %s (%s has no arch); build it with nix2container's buildImage, which writes one",
			attr, pl.Architecture, b.JSON)
	}
	if got, err := platform.Parse(arch); err == nil && got.Architecture == pl.Architecture {
		return nil
	}
	return fmt.Errorf("%s is an image for %s, not %s (the arch of %s); define it with %s's nixpkgs "+
		"(nixpkgs.legacyPackages.%s: nix2container's buildImage takes its arch from pkgs.go.GOARCH), not another system's",
		attr, arch, pl.Architecture, b.JSON, pl.System(), pl.System())
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
	switch {
	case len(built) == 0:
		return push.Result{}, errors.New("pushing an index: no images for the index")
	case len(built) != len(platforms):
		return push.Result{}, fmt.Errorf("pushing an index: %d images for %d platforms, want one each", len(built), len(platforms))
	}
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
