package oci

import (
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/platform"
)

// Options say how an image's blobs are produced, and which platform an
// index lists it under. The zero value streams every layer as the JSON
// describes it, from the real /nix/store.
type Options struct {
	// Gzip compresses the uncompressed (nix-built) layers with gzip as
	// they stream, and names them application/vnd.oci.image.layer.v1.tar+gzip.
	// The compressed digests are not in the JSON: NewImage learns them with
	// one verifying pass over each such layer. Layers that are already
	// compressed (pulled base layers) are left as they are.
	Gzip bool
	// Store says where store paths are read from (tests read a copy) and
	// with which tar rules. NewImage replaces its Rules with those the
	// image's JSON was written with (nix2container.Image.Rules).
	Store nix2container.Store
	// Rules, when set, are the tar rules already known to fit the image
	// (a loader that decides them only when it streams); NewImage then
	// does not look for them.
	Rules *nix2container.RulesMatch
	// OnBlob, when set, is called each time a blob stream opened with
	// Compressed ends: with the layer's index in the JSON (-1 for the
	// config), the bytes read, and nil once the blob has been read to its
	// end and verified, or the error that cut it short (a
	// *nix2container.MismatchError, an unreadable store path, or the
	// reader going away). It may be called concurrently, and more than
	// once for a blob that is read again (a retried upload).
	OnBlob func(index int, n int64, err error)
	// Platform is the platform NewIndex lists the image under, as spelled
	// (PlatformImage.Resolve); the zero value means linux and the JSON's
	// arch, without a variant.
	Platform platform.Platform
}
