package project

import (
	"context"
	"fmt"

	"github.com/nanna-coder/build/internal/export"
	"github.com/nanna-coder/build/internal/nix2container"
)

// Format is a kind of file an image is exported to.
type Format string

// The export formats.
const (
	DockerArchive Format = "docker-archive" // for docker load -i and podman load -i
	OCILayout     Format = "oci"            // an OCI image layout directory
	OCIArchive    Format = "oci-archive"    // a tar of an OCI image layout
)

// ExportOptions are the export targets' flags.
type ExportOptions struct {
	// Refs name the image in the output, each name[:tag].
	Refs []string
	// Gzip compresses the layers of the OCI formats.
	Gzip bool
}

// Export writes the nix2container JSON at path to dest (a file, or a
// directory for OCILayout) in format.
func (p *Project) Export(ctx context.Context, format Format, path, dest string, opts ExportOptions) (export.Result, error) {
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return export.Result{}, err
	}
	eo := export.Options{Refs: opts.Refs, Gzip: opts.Gzip, Log: p.out.Log, Verbose: p.out.Verbose}
	switch format {
	case DockerArchive:
		return export.Archive(ctx, img, dest, eo)
	case OCILayout:
		return export.OCI(ctx, img, dest, eo)
	case OCIArchive:
		return export.OCIArchive(ctx, img, dest, eo)
	}
	return export.Result{}, fmt.Errorf("exporting %s: unknown format %q (want %s, %s or %s)", path, format, DockerArchive, OCILayout, OCIArchive)
}
