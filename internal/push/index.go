package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/platform"
)

// Index pushes a multi-arch OCI image index over images to every
// reference in refs: each image as Image does (by digest, untagged), then
// the index listing each image's manifest with its platform (os linux,
// architecture from the JSON, variant when the platform names one). The
// platforms are checked against the JSONs (oci.PlatformImage.Resolve)
// before anything is read.
func Index(ctx context.Context, images []oci.PlatformImage, refs []string, opts Options) (Result, error) {
	start := time.Now()
	res, err := pushIndex(ctx, images, refs, opts)
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("pushing index %s: %w", describe(refs, ""), err)
	}
	report(opts, res)
	return res, nil
}

func pushIndex(ctx context.Context, images []oci.PlatformImage, refs []string, opts Options) (Result, error) {
	tags, err := parseRefs(refs, opts.Insecure)
	if err != nil {
		return Result{}, err
	}
	if len(images) == 0 {
		return Result{}, errors.New("no images for the index")
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	platforms := make([]platform.Platform, len(images))
	for i, pi := range images {
		if platforms[i], err = pi.Resolve(); err != nil {
			return Result{}, err
		}
	}
	t := &tally{}
	var res Result
	imgs := make([]*oci.Image, len(images))
	for i, pi := range images {
		p := platforms[i].String()
		o, err := oci.NewImage(ctx, pi.Image, oci.Options{Gzip: opts.Gzip, Store: opts.Store, OnBlob: t.observer(i), Platform: platforms[i]})
		if err != nil {
			return Result{}, fmt.Errorf("platform %s: %w", p, err)
		}
		imgs[i] = o
		noteRules(opts, "platform "+p+": ", o.Rules())
		res.Platforms = append(res.Platforms, Platform{Platform: p, Digest: o.ManifestDigest(), Config: o.ConfigDigest(), Legacy: o.Rules().Description})
	}
	idx, err := oci.NewIndex(imgs)
	if err != nil {
		return Result{}, err
	}
	res.Refs, res.Digest = refs, idx.IndexDigest()
	res.Attempts, err = write(ctx, tags, idx, blobBytes(imgs...), t, opts)
	t.fill(&res, imgs)
	return res, err
}
