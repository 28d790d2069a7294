package images

import (
	"context"
	"fmt"

	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nix2container"
)

// Built is an image built from a flake installable and loaded.
type Built struct {
	// JSON is the store path of the image's nix2container JSON.
	JSON string
	// Image is the parsed JSON.
	Image *nix2container.Image
	// Load is what the load did.
	Load daemon.Result
}

// LoadInstallable builds installable, whose output must be a nix2container
// image JSON with nix2container's imageName and imageTag, and loads it under
// that name:tag.
func LoadInstallable(ctx context.Context, env Env, installable string) (Built, error) {
	path, ref, err := env.buildImageJSON(ctx, installable)
	if err != nil {
		return Built{}, err
	}
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return Built{}, fmt.Errorf("loading %s: %w", installable, err)
	}
	res, err := daemon.Image(ctx, env.dialer(), img, env.loadOptions([]string{ref.String()}))
	return Built{JSON: path, Image: img, Load: res}, err
}
