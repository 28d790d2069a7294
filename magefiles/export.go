//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/project"
)

// Export writes built images to files: docker-archive tars, OCI layouts and OCI archives.
type Export mg.Namespace

// Archive writes the image JSON at PATH to FILE as a docker-archive, for `docker load -i FILE` or `podman load -i FILE`.
//
// -ref=NAME[:TAG][,…] names the loaded image; without it the image loads
// untagged. The image ID is nix2container's (the config digest). FILE is
// replaced only when complete.
func (Export) Archive(ctx context.Context, path, file string, ref *string) error {
	return exportTo(ctx, project.DockerArchive, path, file, ref, nil)
}

// OCI writes the image JSON at PATH into DIR as an OCI image layout, for `skopeo copy oci:DIR …` or `podman pull oci:DIR`.
//
// A new or empty DIR becomes a layout; an existing layout gets the image
// added (blobs it has are kept). -ref=NAME[:TAG][,…] sets the ref name
// (oci:DIR:NAME:TAG); -gzip compresses the layers.
func (Export) OCI(ctx context.Context, path, dir string, ref *string, gzip *bool) error {
	return exportTo(ctx, project.OCILayout, path, dir, ref, gzip)
}

// OCIArchive writes the image JSON at PATH to FILE as an OCI archive (a tar of an OCI layout), for `podman load -i FILE` or skopeo's oci-archive:FILE.
//
// Flags as for export:oci: -ref, -gzip.
func (Export) OCIArchive(ctx context.Context, path, file string, ref *string, gzip *bool) error {
	return exportTo(ctx, project.OCIArchive, path, file, ref, gzip)
}

// exportTo runs one export with the export targets' flags; output goes to
// stderr, with digests under -v.
func exportTo(ctx context.Context, format project.Format, path, dest string, ref *string, gzip *bool) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	opts := project.ExportOptions{Gzip: gzip != nil && *gzip}
	if ref != nil {
		opts.Refs = project.SplitList(*ref)
	}
	_, err = p.Export(ctx, format, path, dest, opts)
	return err
}
