package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/platform"
)

// Entry is one image of a multi-arch index.
type Entry struct {
	// Platform is the entry's platform as written on the command line, in
	// any spelling of package platform: amd64, arm64, linux/arm/v7,
	// aarch64, aarch64-linux, armv7l, …
	Platform string
	// Image is the image built for that platform; its JSON "arch" must
	// name the same architecture.
	Image *nix2container.Image
}

// Index pushes a multi-arch OCI image index over entries to every
// reference in refs: each image as Image does (by digest, untagged), then
// the index listing each image's manifest with its platform (os linux,
// architecture from the JSON, variant when the platform names one). The
// platforms are checked against the JSONs before anything is read.
func Index(ctx context.Context, entries []Entry, refs []string, opts Options) (Result, error) {
	start := time.Now()
	res, err := pushIndex(ctx, entries, refs, opts)
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("pushing index %s: %w", describe(refs, ""), err)
	}
	report(opts, res)
	return res, nil
}

func pushIndex(ctx context.Context, entries []Entry, refs []string, opts Options) (Result, error) {
	tags, err := parseRefs(refs, opts.Insecure)
	if err != nil {
		return Result{}, err
	}
	if len(entries) == 0 {
		return Result{}, errors.New("no images for the index")
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	children := make([]oci.Child, len(entries))
	for i, e := range entries {
		p, err := entryPlatform(e)
		if err != nil {
			return Result{}, err
		}
		children[i].Platform = p
	}
	t := &tally{}
	var res Result
	imgs := make([]*oci.Image, len(entries))
	for i, e := range entries {
		o, err := oci.NewImage(ctx, e.Image, oci.Options{Gzip: opts.Gzip, Store: opts.Store, OnBlob: t.observer(i)})
		if err != nil {
			return Result{}, fmt.Errorf("platform %s: %w", children[i].Platform.String(), err)
		}
		imgs[i], children[i].Image = o, o
		noteRules(opts, "platform "+children[i].Platform.String()+": ", o.Rules())
		res.Platforms = append(res.Platforms, Platform{Platform: children[i].Platform.String(), Digest: o.ManifestDigest(), Config: o.ConfigDigest(), Legacy: o.Rules().Description})
	}
	idx, err := oci.NewIndex(children)
	if err != nil {
		return Result{}, err
	}
	res.Refs, res.Digest = refs, idx.IndexDigest()
	res.Attempts, err = write(ctx, tags, idx, blobBytes(imgs...), t, opts)
	t.fill(&res, imgs)
	return res, err
}

// entryPlatform returns the platform of e and fails unless e's image JSON
// is built for its architecture: an arm64 (aarch64-linux, …) entry needs
// a JSON whose arch is arm64 (in any spelling, as nix2container's
// buildImage { arch = …; } may be given).
func entryPlatform(e Entry) (platform.Platform, error) {
	p, err := platform.Parse(e.Platform)
	if err != nil {
		return p, err
	}
	if e.Image.Arch == "" {
		return p, fmt.Errorf("platform %s: the image JSON has no arch (built by image-from-dir?); it cannot go into a multi-arch index", e.Platform)
	}
	arch := e.Image.Arch
	if built, err := platform.Parse(arch); err == nil {
		arch = built.GOARCH()
	}
	if arch != p.GOARCH() {
		return p, fmt.Errorf("platform %s: the image JSON is for %s, not %s (build it for %s, e.g. with buildImage { arch = %q; })",
			e.Platform, arch, p.GOARCH(), p.GOARCH(), p.GOARCH())
	}
	return p, nil
}
