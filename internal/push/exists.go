package push

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/opencontainers/go-digest"
)

// ErrManifestUnknown is wrapped by the error of ManifestDigest when the
// registry holds no manifest at the reference (HTTP 404: the tag, the
// digest or the whole repository is gone).
var ErrManifestUnknown = errors.New("not in the registry")

// ManifestDigest returns the digest of the manifest at ref,
// HOST/REPOSITORY[:TAG] or HOST/REPOSITORY@DIGEST, from one HEAD request
// (nothing is downloaded): the check that an image pushed earlier is still
// in the registry, and still what its tag points to. A missing manifest is
// an error wrapping ErrManifestUnknown.
//
// It reaches the registry as Image does: the same plain-HTTP rule
// (Options.Insecure), credentials (Keychain), retries of transient
// failures (Attempts, RetryDelay, Log) and bounds (Timeout,
// RequestTimeout); the other options do not apply.
func ManifestDigest(ctx context.Context, ref string, opts Options) (digest.Digest, error) {
	r, err := parseManifestRef(ref, opts.Insecure)
	if err != nil {
		return "", err
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	base, rt := newTransport(opts)
	defer base.CloseIdleConnections()
	var d digest.Digest
	_, err = retry(ctx, opts, func() error {
		desc, err := remote.Head(r,
			remote.WithContext(ctx),
			remote.WithAuthFromKeychain(keychain(opts)),
			remote.WithTransport(rt),
			remote.WithRetryBackoff(remote.Backoff{Steps: 1}), // retry does it
			remote.WithUserAgent(userAgent),
		)
		if err != nil {
			return err
		}
		d = digest.Digest(desc.Digest.String())
		return nil
	})
	var terr *transport.Error
	switch {
	case errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound:
		return "", fmt.Errorf("checking manifest %s: %w", ref, ErrManifestUnknown)
	case err != nil:
		return "", fmt.Errorf("checking manifest %s: %w", ref, loginHint(err, r.Context().RegistryStr()))
	}
	return d, nil
}

// parseManifestRef checks ref as ParseRef does (the registry host written
// out, plain HTTP only to loopback unless insecure), allowing a digest.
func parseManifestRef(ref string, insecure bool) (name.Reference, error) {
	base, _, byDigest := strings.Cut(ref, "@")
	tag, err := ParseRef(base, insecure)
	if err != nil || !byDigest {
		return tag, err
	}
	var opts []name.Option
	if insecure || isLoopback(tag.RegistryStr()) {
		opts = append(opts, name.Insecure)
	}
	d, err := name.NewDigest(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("invalid reference %q: %w", ref, err)
	}
	return d, nil
}
