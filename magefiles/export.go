//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/export"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/nix2container"
)

// Export writes built images to files: docker-archive tars, OCI layouts and OCI archives.
type Export mg.Namespace

// Archive writes the image JSON at PATH to FILE as a docker-archive, for `docker load -i FILE` or `podman load -i FILE`.
//
// -ref=NAME[:TAG][,…] names the loaded image; without it the image loads
// untagged. The image ID is nix2container's (the config digest). FILE is
// replaced only when complete.
func (Export) Archive(ctx context.Context, path, file string, ref *string) error {
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = export.Archive(ctx, img, file, exportOptions(ref, nil))
	return err
}

// OCI writes the image JSON at PATH into DIR as an OCI image layout, for `skopeo copy oci:DIR …` or `podman pull oci:DIR`.
//
// A new or empty DIR becomes a layout; an existing layout gets the image
// added (blobs it has are kept). -ref=NAME[:TAG][,…] sets the ref name
// (oci:DIR:NAME:TAG); -gzip compresses the layers.
func (Export) OCI(ctx context.Context, path, dir string, ref *string, gzip *bool) error {
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = export.OCI(ctx, img, dir, exportOptions(ref, gzip))
	return err
}

// OCIArchive writes the image JSON at PATH to FILE as an OCI archive (a tar of an OCI layout), for `podman load -i FILE` or skopeo's oci-archive:FILE.
//
// Flags as for export:oci: -ref, -gzip.
func (Export) OCIArchive(ctx context.Context, path, file string, ref *string, gzip *bool) error {
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = export.OCIArchive(ctx, img, file, exportOptions(ref, gzip))
	return err
}

// exportOptions turns the export targets' flags into options; output goes
// to stderr, with digests under -v.
func exportOptions(ref *string, gzip *bool) export.Options {
	opts := export.Options{Gzip: gzip != nil && *gzip, Log: os.Stderr, Verbose: mg.Verbose()}
	if ref != nil {
		opts.Refs = images.SplitList(*ref)
	}
	return opts
}
