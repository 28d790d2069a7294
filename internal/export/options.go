package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/imageref"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
)

// Options control one export. The zero value writes an untagged image with
// uncompressed layers and prints nothing.
type Options struct {
	// Refs name the image in the output, each name[:tag] (tag latest by
	// default): the RepoTags of a docker-archive, which `docker load`
	// tags; in an OCI layout, the first one becomes the
	// org.opencontainers.image.ref.name and io.containerd.image.name
	// annotations (what `skopeo copy oci:DIR:REF` and `ctr import` look
	// for). None means an untagged image.
	Refs []string
	// Gzip compresses the nix-built layers of OCI outputs (see
	// oci.Options); docker-archives always hold the layer tars as built.
	Gzip bool
	// Log receives the summary line; nil means io.Discard.
	Log io.Writer
	// Verbose adds the digests of what was written.
	Verbose bool
	// Store says where store paths are read from (tests read a copy). Its
	// Rules are replaced by those the JSON was written with
	// (nix2container.Image.Rules).
	Store nix2container.Store
}

// Result describes a written export.
type Result struct {
	// Path is the file or directory written.
	Path string
	// Format is "docker-archive", "oci" or "oci-archive".
	Format string
	// Config is the config digest: the image ID `docker load` gives.
	Config digest.Digest
	// Manifest is the OCI manifest digest (OCI formats only).
	Manifest digest.Digest
	// Refs are the names written, normalised.
	Refs []string
	// Blobs counts the layer blobs written; Reused those an OCI layout
	// already held.
	Blobs, Reused int
	// Legacy names the older nix2container whose tar rules the image
	// needed, "" for the current rules.
	Legacy string
	// Bytes is the size of what was written.
	Bytes int64
	// Elapsed is the export's duration.
	Elapsed time.Duration
}

// normalizeRefs checks each name[:tag] and returns it in its familiar
// form with the tag made explicit (imageref.Normalize: "ollama" →
// "ollama:latest").
func normalizeRefs(refs []string) ([]string, error) {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		n, err := imageref.Normalize(r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// timed times one export of img to path, names it in its error (by the
// image's JSON file, or "image") and prints the summary line when it
// succeeds.
func timed(img *nix2container.Image, path string, opts Options, export func() (Result, error)) (Result, error) {
	start := time.Now()
	res, err := export()
	res.Elapsed = time.Since(start)
	if err != nil {
		what := img.File
		if what == "" {
			what = "image"
		}
		return res, fmt.Errorf("exporting %s to %s: %w", what, path, err)
	}
	report(opts, res)
	return res, nil
}

// report prints the summary line.
func report(opts Options, res Result) {
	w := ui.Or(opts.Log)
	if opts.Verbose {
		fmt.Fprintf(w, "  config %s\n", res.Config)
		if res.Manifest != "" {
			fmt.Fprintf(w, "  manifest %s\n", res.Manifest)
		}
	}
	tagged := "untagged"
	if len(res.Refs) > 0 {
		tagged = "as " + strings.Join(res.Refs, ", ")
	}
	reused := ""
	if res.Reused > 0 {
		reused = fmt.Sprintf(", %d already there", res.Reused)
	}
	fmt.Fprintf(w, "%s: wrote %s of image %s %s, %s%s (%s), %s\n", res.Path, res.Format, ui.Short(res.Config.Encoded()), tagged, ui.Plural(res.Blobs, "layer"), reused, ui.Bytes(res.Bytes), ui.Duration(res.Elapsed))
}

// noteRules prints, before anything is written, the line saying that the
// image is read with an older nix2container's tar rules.
func noteRules(opts Options, m nix2container.RulesMatch) {
	if note := m.Note("exporting"); note != "" {
		fmt.Fprintln(ui.Or(opts.Log), note)
	}
}
