package contentstore

import (
	"context"
	"fmt"

	imagesapi "github.com/containerd/containerd/api/services/images/v1"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/distribution/reference"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// danglingPrefix names the records the Docker daemon keeps for images that
// lost their last name, so that they stay listed as <none> (moby's
// daemon/containerd imageNameDanglingPrefix).
const danglingPrefix = "moby-dangling@"

// canonicalName returns the name the containerd image store records for name
// (docker.io/library/name:tag, :latest when no tag is given); it hides records
// with other names.
func canonicalName(name string) (string, error) {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return "", fmt.Errorf("image name %q: %w", name, err)
	}
	if _, ok := ref.(reference.Digested); ok {
		return "", fmt.Errorf("image name %q: give a name and tag, not a digest; the digest comes from the manifest", name)
	}
	return reference.TagNameOnly(ref).String(), nil
}

// setImage points the image record name at target, creating it if needed,
// as docker load does: a previous target that no other name refers to is kept
// as a dangling record, and a dangling record of target is removed.
func (s *Store) setImage(ctx context.Context, name string, target ocispec.Descriptor) error {
	img := &imagesapi.Image{Name: name, Target: &types.Descriptor{MediaType: target.MediaType, Digest: target.Digest.String(), Size: target.Size}}
	_, err := s.images.Create(ctx, &imagesapi.CreateImageRequest{Image: img})
	if err = errgrpc.ToNative(err); errdefs.IsAlreadyExists(err) {
		err = s.moveImage(ctx, img)
	}
	if err != nil {
		return fmt.Errorf("recording image %s in containerd: %w", name, err)
	}
	return s.deleteImage(ctx, danglingPrefix+target.Digest.String())
}

// moveImage updates the existing record img.Name to img's target.
func (s *Store) moveImage(ctx context.Context, img *imagesapi.Image) error {
	got, err := s.images.Get(ctx, &imagesapi.GetImageRequest{Name: img.Name})
	if err != nil {
		return errgrpc.ToNative(err)
	}
	prev := got.Image
	if prev.Target.GetDigest() == img.Target.Digest && prev.Target.GetMediaType() == img.Target.MediaType {
		return nil
	}
	_, err = s.images.Update(ctx, &imagesapi.UpdateImageRequest{Image: img, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"target"}}})
	if err != nil {
		return errgrpc.ToNative(err)
	}
	return s.keepDangling(ctx, prev)
}

// keepDangling records prev under its dangling name unless another named
// record still refers to its target.
func (s *Store) keepDangling(ctx context.Context, prev *imagesapi.Image) error {
	list, err := s.images.List(ctx, &imagesapi.ListImagesRequest{Filters: []string{"target.digest==" + prev.Target.GetDigest()}})
	if err != nil {
		return fmt.Errorf("listing images of %s: %w", prev.Target.GetDigest(), errgrpc.ToNative(err))
	}
	dangling := danglingPrefix + prev.Target.GetDigest()
	for _, i := range list.Images {
		if i.Name != dangling {
			return nil
		}
	}
	labels := map[string]string{}
	for k, v := range prev.Labels {
		// moby's ensureDanglingImage drops the name labels.
		if k != "io.containerd.image.name" && k != ocispec.AnnotationRefName {
			labels[k] = v
		}
	}
	_, err = s.images.Create(ctx, &imagesapi.CreateImageRequest{Image: &imagesapi.Image{Name: dangling, Labels: labels, Target: prev.Target}})
	if err = errgrpc.ToNative(err); err != nil && !errdefs.IsAlreadyExists(err) {
		return fmt.Errorf("keeping the previous image %s as dangling: %w", prev.Target.GetDigest(), err)
	}
	return nil
}

// deleteImage removes the record name if there is one.
func (s *Store) deleteImage(ctx context.Context, name string) error {
	_, err := s.images.Delete(ctx, &imagesapi.DeleteImageRequest{Name: name})
	if err = errgrpc.ToNative(err); err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("removing image record %s: %w", name, err)
	}
	return nil
}
