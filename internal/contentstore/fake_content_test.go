package contentstore

import (
	"context"
	"fmt"
	"io"
	"strings"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/opencontainers/go-digest"
)

type fakeContent struct {
	contentapi.UnimplementedContentServer
	f *fakeContainerd
}

func (s fakeContent) Info(_ context.Context, req *contentapi.InfoRequest) (*contentapi.InfoResponse, error) {
	s.f.mu.Lock()
	if !s.f.held(digest.Digest(req.Digest)) {
		s.f.unheld = append(s.f.unheld, digest.Digest(req.Digest))
	}
	s.f.mu.Unlock()
	b := s.f.blob(digest.Digest(req.Digest))
	if b == nil {
		return nil, errgrpc.ToGRPC(fmt.Errorf("content %s: %w", req.Digest, errdefs.ErrNotFound))
	}
	return &contentapi.InfoResponse{Info: &contentapi.Info{Digest: req.Digest, Size: int64(len(b.data)), Labels: b.labels}}, nil
}

// Update sets the labels named by labels.<key> paths, as containerd does.
func (s fakeContent) Update(_ context.Context, req *contentapi.UpdateRequest) (*contentapi.UpdateResponse, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	b, ok := s.f.blobs[digest.Digest(req.Info.GetDigest())]
	if !ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("content %s: %w", req.Info.GetDigest(), errdefs.ErrNotFound))
	}
	for _, p := range req.UpdateMask.GetPaths() {
		k, ok := strings.CutPrefix(p, "labels.")
		if !ok {
			return nil, errgrpc.ToGRPC(fmt.Errorf("field path %q: %w", p, errdefs.ErrInvalidArgument))
		}
		if b.labels == nil {
			b.labels = map[string]string{}
		}
		b.labels[k] = req.Info.Labels[k]
	}
	return &contentapi.UpdateResponse{Info: &contentapi.Info{Digest: req.Info.Digest, Labels: b.labels}}, nil
}

func (s fakeContent) Status(_ context.Context, req *contentapi.StatusRequest) (*contentapi.StatusResponse, error) {
	s.f.mu.Lock()
	s.f.statuses++
	data, ok := s.f.ingests[req.Ref]
	hook := s.f.onStatus
	s.f.mu.Unlock()
	if hook != nil {
		hook(req.Ref)
	}
	if !ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("ingest %s: %w", req.Ref, errdefs.ErrNotFound))
	}
	return &contentapi.StatusResponse{Status: &contentapi.Status{Ref: req.Ref, Offset: int64(len(data))}}, nil
}

// Write is containerd's write session: STAT opens the ref (refused while
// locked, AlreadyExists when the expected blob is present), WRITE appends at
// the ingest's offset, COMMIT checks size and digest and stores the blob.
func (s fakeContent) Write(stream contentapi.Content_WriteServer) error {
	req, err := stream.Recv()
	if err != nil {
		return err
	}
	ref := req.Ref
	if ref == "" {
		return errgrpc.ToGRPC(fmt.Errorf("first message must have a reference: %w", errdefs.ErrInvalidArgument))
	}
	lease := header(stream.Context(), leaseHeader)
	f := s.f
	f.mu.Lock()
	if _, ok := f.blobs[digest.Digest(req.Expected)]; ok && req.Expected != "" {
		f.mu.Unlock()
		return errgrpc.ToGRPC(fmt.Errorf("content %s: %w", req.Expected, errdefs.ErrAlreadyExists))
	}
	if f.locked[ref] {
		f.mu.Unlock()
		return errgrpc.ToGRPC(fmt.Errorf("ref %s locked: %w", ref, errdefs.ErrUnavailable))
	}
	f.locked[ref] = true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.locked, ref)
		f.mu.Unlock()
	}()
	for {
		resp, done, err := s.step(ref, lease, req)
		if err != nil {
			return errgrpc.ToGRPC(err)
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
		if done {
			return nil
		}
		if req, err = stream.Recv(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// step handles one message of a write session on ref.
func (s fakeContent) step(ref, lease string, req *contentapi.WriteContentRequest) (*contentapi.WriteContentResponse, bool, error) {
	f := s.f
	f.mu.Lock()
	defer f.mu.Unlock()
	data := f.ingests[ref]
	switch req.Action {
	case contentapi.WriteAction_STAT:
	case contentapi.WriteAction_WRITE:
		if req.Offset != int64(len(data)) {
			return nil, false, fmt.Errorf("write at %d, ingest has %d: %w", req.Offset, len(data), errdefs.ErrInvalidArgument)
		}
		data = append(data, req.Data...)
		f.ingests[ref] = data
	case contentapi.WriteAction_COMMIT:
		d := digest.FromBytes(data)
		if req.Total != int64(len(data)) {
			return nil, false, fmt.Errorf("unexpected commit size %d, expected %d: %w", len(data), req.Total, errdefs.ErrFailedPrecondition)
		}
		if req.Expected != "" && d.String() != req.Expected {
			return nil, false, fmt.Errorf("unexpected commit digest %s, expected %s: %w", d, req.Expected, errdefs.ErrFailedPrecondition)
		}
		delete(f.ingests, ref)
		if _, ok := f.blobs[d]; ok {
			return nil, false, fmt.Errorf("content %s: %w", d, errdefs.ErrAlreadyExists)
		}
		f.blobs[d] = &fakeBlob{data: data, labels: req.Labels, lease: lease}
		f.committed = append(f.committed, d)
		return &contentapi.WriteContentResponse{Action: req.Action, Offset: int64(len(data)), Digest: d.String()}, true, nil
	default:
		return nil, false, fmt.Errorf("action %v: %w", req.Action, errdefs.ErrInvalidArgument)
	}
	return &contentapi.WriteContentResponse{Action: req.Action, Offset: int64(len(data)), Total: req.Total}, false, nil
}
