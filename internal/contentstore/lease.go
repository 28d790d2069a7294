package contentstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	leasesapi "github.com/containerd/containerd/api/services/leases/v1"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/opencontainers/go-digest"
	"google.golang.org/grpc/metadata"
)

// leaseHeader is the gRPC metadata key containerd reads the lease from
// (containerd's core/leases grpcHeader).
const leaseHeader = "containerd-lease"

// leaseExpiry bounds the life of a lease a crashed load leaves behind;
// containerd's garbage collector removes it then (label containerd.io/gc.expire).
const leaseExpiry = 24 * time.Hour

// lease creates a lease and returns ctx carrying it: what is written under it
// and the blobs added to it survive garbage collection until release.
func (s *Store) lease(ctx context.Context) (context.Context, string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, "", fmt.Errorf("creating a lease ID: %w", err)
	}
	id := "nanna-load-" + hex.EncodeToString(b[:])
	_, err := s.leases.Create(ctx, &leasesapi.CreateRequest{
		ID:     id,
		Labels: map[string]string{"containerd.io/gc.expire": time.Now().Add(leaseExpiry).UTC().Format(time.RFC3339)},
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating a containerd lease: %w", errgrpc.ToNative(err))
	}
	return metadata.AppendToOutgoingContext(ctx, leaseHeader, id), id, nil
}

// hold adds the blob d to the lease id, whether or not the store holds it yet.
func (s *Store) hold(ctx context.Context, id string, d digest.Digest) error {
	_, err := s.leases.AddResource(ctx, &leasesapi.AddResourceRequest{
		ID:       id,
		Resource: &leasesapi.Resource{ID: d.String(), Type: "content"},
	})
	if err != nil {
		return fmt.Errorf("adding blob %s to containerd lease %s: %w", d, id, errgrpc.ToNative(err))
	}
	return nil
}

// release deletes the lease id, also when ctx is already cancelled.
func (s *Store) release(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := s.leases.Delete(ctx, &leasesapi.DeleteRequest{ID: id}); err != nil {
		return fmt.Errorf("releasing containerd lease %s: %w", id, errgrpc.ToNative(err))
	}
	return nil
}
