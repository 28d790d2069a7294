package export

import (
	"context"
	"io"

	"github.com/nanna-coder/build/internal/dockerarchive"
	"github.com/nanna-coder/build/internal/nix2container"
)

// Archive writes img to file as a docker-archive, the tar `docker load -i`
// and `podman load -i` read, tagged with opts.Refs: the config blob as
// nix2container builds it (so the loaded image ID is its config digest on
// Docker's classic store) and every layer tar, verified while it is
// written. The file appears complete or not at all.
func Archive(ctx context.Context, img *nix2container.Image, file string, opts Options) (Result, error) {
	return timed(img, file, opts, func() (Result, error) { return archive(ctx, img, file, opts) })
}

func archive(ctx context.Context, img *nix2container.Image, file string, opts Options) (Result, error) {
	refs, err := normalizeRefs(opts.Refs)
	if err != nil {
		return Result{}, err
	}
	store := opts.Store
	i, err := dockerarchive.NewImage(ctx, img, store)
	if err != nil {
		return Result{}, err
	}
	rules, err := img.Rules(ctx, store)
	if err != nil {
		return Result{}, err
	}
	store.Rules = rules.Rules
	noteRules(opts, rules)
	n, err := writeFile(ctx, file, func(w io.Writer) error {
		return i.Write(ctx, w, refs, store)
	})
	if err != nil {
		return Result{}, err
	}
	seen := map[string]bool{}
	for _, l := range img.Layers {
		seen[l.Digest.String()] = true
	}
	return Result{Path: file, Format: "docker-archive", Config: i.ConfigID, Refs: refs, Blobs: len(seen), Bytes: n, Legacy: rules.Description}, nil
}
