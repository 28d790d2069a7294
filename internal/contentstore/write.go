package contentstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// chunkSize is the data sent per write message; containerd's own client
// copies with a 1 MiB buffer too.
const chunkSize = 1 << 20

// errLocked marks a write refused at its start because another session
// holds the blob's ref (containerd answers Unavailable: "ref … locked").
var errLocked = errors.New("another client is writing this blob")

// write sends the blob desc from r to the content store, which checks its
// size and digest on commit, with labels on the committed blob. It reports
// false when the store already held the blob (then r is not read). A write
// another client holds open on the same blob is waited for: it usually ends
// with the blob committed.
func (s *Store) write(ctx context.Context, desc ocispec.Descriptor, r io.Reader, labels map[string]string) (bool, error) {
	ref := "nanna-load-" + desc.Digest.String()
	for wait := 16 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		written, err := s.writeOnce(ctx, ref, desc, r, labels)
		if !errors.Is(err, errLocked) {
			return written, err
		}
		// Unavailable also means containerd went away; only an ingest that
		// containerd still reports is worth waiting for.
		if _, serr := s.content.Status(ctx, &contentapi.StatusRequest{Ref: ref}); errdefs.IsUnavailable(errgrpc.ToNative(serr)) {
			return false, fmt.Errorf("writing blob %s: %w", desc.Digest, errgrpc.ToNative(serr))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, fmt.Errorf("writing blob %s: %w (%w)", desc.Digest, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// writeOnce is one write session: open (STAT), send the data, commit.
func (s *Store) writeOnce(ctx context.Context, ref string, desc ocispec.Descriptor, r io.Reader, labels map[string]string) (bool, error) {
	// Cancelling the stream's context releases it however the session ends.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := s.content.Write(ctx)
	if err != nil {
		return false, fmt.Errorf("writing blob %s: %w", desc.Digest, errgrpc.ToNative(err))
	}
	send := func(req *contentapi.WriteContentRequest) (*contentapi.WriteContentResponse, error) {
		if err := stream.Send(req); err != nil {
			// The stream's status comes with Recv.
			if _, rerr := stream.Recv(); rerr != nil {
				err = rerr
			}
			return nil, errgrpc.ToNative(err)
		}
		resp, err := stream.Recv()
		return resp, errgrpc.ToNative(err)
	}
	resp, err := send(&contentapi.WriteContentRequest{
		Action: contentapi.WriteAction_STAT, Ref: ref, Total: desc.Size, Expected: desc.Digest.String(),
	})
	if errdefs.IsAlreadyExists(err) {
		return false, nil
	}
	if err != nil {
		if errdefs.IsUnavailable(err) {
			return false, fmt.Errorf("%w: %w", errLocked, err)
		}
		return false, fmt.Errorf("writing blob %s: %w", desc.Digest, err)
	}
	// An earlier session with this ref stopped at resp.Offset; containerd
	// keeps that data and hashes it on commit, so skip as much of r.
	offset := resp.Offset
	if offset > 0 {
		if _, err := io.CopyN(io.Discard, r, offset); err != nil {
			return false, fmt.Errorf("reading blob %s: %w", desc.Digest, err)
		}
	}
	buf := make([]byte, chunkSize)
	src := io.LimitReader(r, desc.Size-offset)
	for {
		n, rerr := io.ReadFull(src, buf)
		if n > 0 {
			resp, err := send(&contentapi.WriteContentRequest{Action: contentapi.WriteAction_WRITE, Offset: offset, Data: buf[:n]})
			if err != nil {
				return false, fmt.Errorf("writing blob %s at offset %d: %w", desc.Digest, offset, err)
			}
			if resp.Offset != offset+int64(n) {
				return false, fmt.Errorf("writing blob %s: containerd took %d of %d bytes at offset %d", desc.Digest, resp.Offset-offset, n, offset)
			}
			offset = resp.Offset
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return false, fmt.Errorf("reading blob %s: %w", desc.Digest, rerr)
		}
	}
	if offset != desc.Size {
		return false, fmt.Errorf("reading blob %s: it ended after %d bytes, its descriptor says %d", desc.Digest, offset, desc.Size)
	}
	_, err = send(&contentapi.WriteContentRequest{
		Action: contentapi.WriteAction_COMMIT, Total: desc.Size, Offset: offset, Expected: desc.Digest.String(), Labels: labels,
	})
	if errdefs.IsAlreadyExists(err) {
		// Another writer committed it first.
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("committing blob %s: %w", desc.Digest, err)
	}
	stream.CloseSend()
	return true, nil
}

// label sets labels on the blob d the store holds.
func (s *Store) label(ctx context.Context, d digest.Digest, labels map[string]string) error {
	paths := make([]string, 0, len(labels))
	for k := range labels {
		paths = append(paths, "labels."+k)
	}
	slices.Sort(paths)
	_, err := s.content.Update(ctx, &contentapi.UpdateRequest{
		Info:       &contentapi.Info{Digest: d.String(), Labels: labels},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: paths},
	})
	if err != nil {
		return fmt.Errorf("labelling blob %s: %w", d, errgrpc.ToNative(err))
	}
	return nil
}
