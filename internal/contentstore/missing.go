package contentstore

import (
	"context"
	"fmt"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/opencontainers/go-digest"
)

// Missing returns the digests, in the order given, whose blobs the content
// store does not hold. A blob it holds can still be collected by containerd's
// garbage collector later unless an image or a lease references it; Load
// leases the blobs before it asks.
func (s *Store) Missing(ctx context.Context, digests []digest.Digest) ([]digest.Digest, error) {
	return s.missing(s.withNamespace(ctx), digests)
}

// missing is Missing for a ctx that already carries the namespace.
func (s *Store) missing(ctx context.Context, digests []digest.Digest) ([]digest.Digest, error) {
	var out []digest.Digest
	for _, d := range digests {
		ok, err := s.has(ctx, d)
		if err != nil {
			return nil, err
		}
		if !ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// has reports whether the content store holds the blob d.
func (s *Store) has(ctx context.Context, d digest.Digest) (bool, error) {
	_, err := s.content.Info(ctx, &contentapi.InfoRequest{Digest: d.String()})
	if err == nil {
		return true, nil
	}
	if err = errgrpc.ToNative(err); errdefs.IsNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("asking containerd for blob %s: %w", d, err)
}
