package oci

import (
	"fmt"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/platform"
)

// PlatformImage is one image of a multi-arch index: a nix2container image
// and the platform it is built for.
type PlatformImage struct {
	// Platform is the platform as written on the command line, in any
	// spelling of package platform: amd64, arm64, linux/arm/v7, aarch64,
	// aarch64-linux, armv7l, …
	Platform string
	// Image is the image built for that platform; its JSON "arch" must
	// name the same architecture.
	Image *nix2container.Image
}

// Resolve returns the platform p.Platform names and fails unless p's image
// JSON is built for its architecture: an arm64 (aarch64-linux, …) image
// needs a JSON whose arch is arm64 (in any spelling, as nix2container's
// buildImage { arch = …; } may be given). It reads only the JSON.
func (p PlatformImage) Resolve() (platform.Platform, error) {
	pl, err := platform.Parse(p.Platform)
	if err != nil {
		return pl, err
	}
	if p.Image.Arch == "" {
		return pl, fmt.Errorf("platform %s: the image JSON has no arch (built by image-from-dir?); it cannot go into a multi-arch index", p.Platform)
	}
	arch := p.Image.Arch
	if built, err := platform.Parse(arch); err == nil {
		arch = built.GOARCH()
	}
	if arch != pl.GOARCH() {
		return pl, fmt.Errorf("platform %s: the image JSON is for %s, not %s (build it for %s, e.g. with buildImage { arch = %q; })",
			p.Platform, arch, pl.GOARCH(), pl.GOARCH(), pl.GOARCH())
	}
	return pl, nil
}
