package contentstore

import (
	"context"
	"fmt"

	imagesapi "github.com/containerd/containerd/api/services/images/v1"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

type fakeImages struct {
	imagesapi.UnimplementedImagesServer
	f *fakeContainerd
}

// targetOf is an OCI manifest descriptor of d for image records.
func targetOf(d digest.Digest) *types.Descriptor {
	return &types.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: d.String(), Size: 1}
}

func (s fakeImages) Get(_ context.Context, req *imagesapi.GetImageRequest) (*imagesapi.GetImageResponse, error) {
	i := s.f.image(req.Name)
	if i == nil {
		return nil, errgrpc.ToGRPC(fmt.Errorf("image %q: %w", req.Name, errdefs.ErrNotFound))
	}
	return &imagesapi.GetImageResponse{Image: i}, nil
}

func (s fakeImages) List(_ context.Context, req *imagesapi.ListImagesRequest) (*imagesapi.ListImagesResponse, error) {
	target, err := filterTarget(req.Filters)
	if err != nil {
		return nil, err
	}
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	var out []*imagesapi.Image
	for _, i := range s.f.images {
		if i.Target.GetDigest() == target {
			out = append(out, proto.Clone(i).(*imagesapi.Image))
		}
	}
	return &imagesapi.ListImagesResponse{Images: out}, nil
}

func (s fakeImages) Create(_ context.Context, req *imagesapi.CreateImageRequest) (*imagesapi.CreateImageResponse, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if _, ok := s.f.images[req.Image.GetName()]; ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("image %q: %w", req.Image.GetName(), errdefs.ErrAlreadyExists))
	}
	if req.Image.GetTarget().GetDigest() == "" || req.Image.GetTarget().GetMediaType() == "" {
		return nil, errgrpc.ToGRPC(fmt.Errorf("image %q: target needs a digest and media type: %w", req.Image.GetName(), errdefs.ErrInvalidArgument))
	}
	s.f.images[req.Image.Name] = proto.Clone(req.Image).(*imagesapi.Image)
	return &imagesapi.CreateImageResponse{Image: req.Image}, nil
}

// Update supports the one field path Load sends, target.
func (s fakeImages) Update(_ context.Context, req *imagesapi.UpdateImageRequest) (*imagesapi.UpdateImageResponse, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	i, ok := s.f.images[req.Image.GetName()]
	if !ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("image %q: %w", req.Image.GetName(), errdefs.ErrNotFound))
	}
	if p := req.UpdateMask.GetPaths(); len(p) != 1 || p[0] != "target" {
		return nil, errgrpc.ToGRPC(fmt.Errorf("field paths %q: %w", p, errdefs.ErrNotImplemented))
	}
	i.Target = proto.Clone(req.Image.Target).(*types.Descriptor)
	return &imagesapi.UpdateImageResponse{Image: proto.Clone(i).(*imagesapi.Image)}, nil
}

func (s fakeImages) Delete(_ context.Context, req *imagesapi.DeleteImageRequest) (*emptypb.Empty, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if _, ok := s.f.images[req.Name]; !ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("image %q: %w", req.Name, errdefs.ErrNotFound))
	}
	delete(s.f.images, req.Name)
	return &emptypb.Empty{}, nil
}
