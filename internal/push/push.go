package push

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/authn/github"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/ui"
)

// userAgent is sent before go-containerregistry's own.
const userAgent = "nanna-coder-build"

// Image pushes img to every reference in refs (HOST/REPOSITORY:TAG, see
// ParseRef): the config blob nix2container builds, byte for byte, each
// layer streamed from the store and verified as it goes, and the OCI
// manifest skopeo's nix: transport makes. Blobs the registry already has
// (HEAD /v2/…/blobs/DIGEST) are not sent; the manifest is put only after
// every blob is in place, so a digest mismatch leaves no tag behind.
func Image(ctx context.Context, img *nix2container.Image, refs []string, opts Options) (Result, error) {
	start := time.Now()
	res, err := pushImage(ctx, img, refs, opts)
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("pushing %s: %w", describe(refs, img.File), err)
	}
	report(opts, res)
	return res, nil
}

func pushImage(ctx context.Context, img *nix2container.Image, refs []string, opts Options) (Result, error) {
	tags, err := parseRefs(refs, opts.Insecure)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	t := &tally{}
	o, err := oci.NewImage(ctx, img, oci.Options{Gzip: opts.Gzip, Store: opts.Store, OnBlob: t.observer(0)})
	if err != nil {
		return Result{}, err
	}
	noteRules(opts, "", o.Rules())
	res := Result{Refs: refs, Digest: o.ManifestDigest(), Config: o.ConfigDigest(), Legacy: o.Rules().Description}
	res.Attempts, err = write(ctx, tags, o, blobBytes(o), t, opts)
	t.fill(&res, []*oci.Image{o})
	return res, err
}

// write pushes t to every tag, trying again after transient failures
// (Options.Attempts). Each attempt uses a new go-containerregistry Pusher
// (whose own retries are off), which asks the registry again which blobs
// it has, so blobs that made it are not sent again; the Pusher sends each
// blob once per repository. size is the bytes of all its blobs, for the
// progress bar; tl finds the store-side cause of a failure.
func write(ctx context.Context, tags []name.Tag, t remote.Taggable, size int64, tl *tally, opts Options) (int, error) {
	base, rt := newTransport(opts)
	defer base.CloseIdleConnections()
	bar := newProgress(opts, size)
	if bar != nil {
		defer bar.done()
	}
	return retry(ctx, opts, func() error {
		return tl.cause(pushOnce(ctx, tags, t, rt, bar, opts))
	})
}

// pushOnce makes one attempt at pushing t to every tag.
func pushOnce(ctx context.Context, tags []name.Tag, t remote.Taggable, rt http.RoundTripper, bar *progress, opts Options) error {
	ropts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(keychain(opts)),
		remote.WithTransport(rt),
		remote.WithRetryBackoff(remote.Backoff{Steps: 1}), // retry does it
		remote.WithJobs(jobs(opts)),
		remote.WithUserAgent(userAgent),
	}
	if bar != nil {
		ropts = append(ropts, remote.WithProgress(bar.updates))
	}
	pusher, err := remote.NewPusher(ropts...)
	if err != nil {
		return err
	}
	for i, tag := range tags {
		err := loginHint(pusher.Push(ctx, tag, t), tag.RegistryStr())
		if err != nil && i > 0 {
			// The first push sent everything; the others only tag.
			err = fmt.Errorf("tagging %s: %w", tag, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// loginHint adds how to log in to the error of a request the registry
// refused (HTTP 401 or 403).
func loginHint(err error, host string) error {
	var terr *transport.Error
	if errors.As(err, &terr) && (terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden) {
		return fmt.Errorf("%w: log in with `docker login %s` (credentials are read from ~/.docker/config.json and its credential helpers; GITHUB_TOKEN works for ghcr.io)", err, host)
	}
	return err
}

// blobBytes is the size of the images' distinct blobs and manifests.
func blobBytes(imgs ...*oci.Image) int64 {
	var n int64
	seen := map[string]bool{}
	for _, img := range imgs {
		layers, _ := img.Layers()
		for _, l := range layers {
			h, _ := l.Digest()
			if !seen[h.String()] {
				seen[h.String()] = true
				size, _ := l.Size()
				n += size
			}
		}
		config, _ := img.RawConfigFile()
		manifest, _ := img.RawManifest()
		n += int64(len(config) + len(manifest))
	}
	return n
}

func keychain(opts Options) authn.Keychain {
	if opts.Keychain != nil {
		return opts.Keychain
	}
	return authn.NewMultiKeychain(authn.DefaultKeychain, github.Keychain)
}

func jobs(opts Options) int {
	if opts.Jobs < 1 {
		return 4
	}
	return opts.Jobs
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, fmt.Errorf("%w after %s", ErrTimeout, d))
}

// describe names a push for messages: its first reference and how many
// more ("ghcr.io/o/ollama:dev and 2 more"), or fallback without one.
func describe(refs []string, fallback string) string {
	if len(refs) == 0 {
		return fallback
	}
	return ui.FirstN(refs, 1)
}
