package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/opencontainers/go-digest"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/imageref"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/ui"
)

// annotationImageName is containerd's image name annotation, which
// `ctr import` and Docker ≥ 25's `docker load` of OCI archives read.
const annotationImageName = "io.containerd.image.name"

// sink receives the files of an OCI image layout: blobs, then index.json.
type sink interface {
	// has reports whether the layout already holds the blob.
	has(d digest.Digest, size int64) bool
	// blob stores a blob read from r, failing unless r gives exactly size
	// bytes with digest d.
	blob(ctx context.Context, d digest.Digest, size int64, r io.Reader) (int64, error)
	// index stores index.json with the entries in descs, replacing any
	// entry an existing layout had under the same ref name.
	index(descs []ispec.Descriptor) (int64, error)
}

// OCI writes img into dir as an OCI image layout (oci-layout, index.json,
// blobs/sha256/…), which `skopeo copy oci:DIR …`, `podman pull oci:DIR` and
// other OCI tools read. The image is the one push.Image sends: the OCI
// manifest skopeo's nix: transport makes and nix2container's config.
//
// A missing or empty dir becomes a new layout; an existing layout gets the
// image added (blobs it holds are not written again; an entry with the same
// ref name is replaced). Each blob is verified and renamed into place only
// when complete, and index.json is replaced last, atomically, so readers
// never see a half-written image; a new dir is removed on error.
func OCI(ctx context.Context, img *nix2container.Image, dir string, opts Options) (Result, error) {
	return timed(img, dir, opts, func() (Result, error) {
		return writeOCI(ctx, img, dir, "oci", opts, func() (sink, func(error) error, error) {
			return openDir(ctx, dir, ui.Or(opts.Log))
		})
	})
}

// writeOCI writes the image into the sink open returns, then calls the
// sink's finish function with the outcome.
func writeOCI(ctx context.Context, img *nix2container.Image, path, format string, opts Options, open func() (sink, func(error) error, error)) (res Result, err error) {
	refs, err := normalizeRefs(opts.Refs)
	if err != nil {
		return Result{}, err
	}
	o, err := oci.NewImage(ctx, img, oci.Options{Gzip: opts.Gzip, Store: opts.Store})
	if err != nil {
		return Result{}, err
	}
	noteRules(opts, o.Rules())
	s, finish, err := open()
	if err != nil {
		return Result{}, err
	}
	defer func() { err = finish(err) }()
	res = Result{Path: path, Format: format, Config: o.ConfigDigest(), Manifest: o.ManifestDigest(), Refs: refs, Legacy: o.Rules().Description}
	if err := writeBlobs(ctx, o, s, &res); err != nil {
		return res, err
	}
	descs, err := descriptors(o, refs)
	if err != nil {
		return res, err
	}
	n, err := s.index(descs)
	res.Bytes += n
	return res, err
}

// writeBlobs writes each distinct layer blob, the config and the manifest.
func writeBlobs(ctx context.Context, o *oci.Image, s sink, res *Result) error {
	layers, err := o.Layers()
	if err != nil {
		return err
	}
	seen := map[digest.Digest]bool{}
	for _, l := range layers {
		h, _ := l.Digest()
		size, _ := l.Size()
		d := digest.Digest(h.String())
		if seen[d] {
			continue
		}
		seen[d] = true
		res.Blobs++
		if s.has(d, size) {
			res.Reused++
			continue
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		n, err := s.blob(ctx, d, size, rc)
		rc.Close() //nolint:errcheck // read side of a pipe
		res.Bytes += n
		if err != nil {
			return err
		}
	}
	config, _ := o.RawConfigFile()
	manifest, _ := o.RawManifest()
	for _, b := range []struct {
		d    digest.Digest
		data []byte
	}{{o.ConfigDigest(), config}, {o.ManifestDigest(), manifest}} {
		if s.has(b.d, int64(len(b.data))) {
			continue
		}
		n, err := s.blob(ctx, b.d, int64(len(b.data)), bytes.NewReader(b.data))
		res.Bytes += n
		if err != nil {
			return err
		}
	}
	return nil
}

// descriptors returns the index.json entries of the image: one per ref,
// annotated with its names, or one unnamed entry.
func descriptors(o *oci.Image, refs []string) ([]ispec.Descriptor, error) {
	manifest, _ := o.RawManifest()
	base := ispec.Descriptor{MediaType: ispec.MediaTypeImageManifest, Digest: o.ManifestDigest(), Size: int64(len(manifest))}
	if arch := o.Nix2container().Arch; arch != "" {
		base.Platform = &ispec.Platform{OS: "linux", Architecture: arch}
	}
	if len(refs) == 0 {
		return []ispec.Descriptor{base}, nil
	}
	var out []ispec.Descriptor
	for _, r := range refs {
		name, err := imageref.Qualified(r)
		if err != nil {
			return nil, err
		}
		d := base
		d.Annotations = map[string]string{ispec.AnnotationRefName: r, annotationImageName: name}
		out = append(out, d)
	}
	return out, nil
}

// mergeIndex adds descs to an existing index.json (nil data: none),
// dropping entries with one of their ref names, or, for unnamed descs,
// unnamed entries of the same manifest.
func mergeIndex(data []byte, descs []ispec.Descriptor) ([]byte, error) {
	idx := ispec.Index{MediaType: ispec.MediaTypeImageIndex}
	idx.SchemaVersion = 2
	if data != nil {
		if err := json.Unmarshal(data, &idx); err != nil {
			return nil, fmt.Errorf("reading index.json: %w", err)
		}
	}
	names := map[string]bool{}
	unnamed := map[digest.Digest]bool{}
	for _, d := range descs {
		if r := d.Annotations[ispec.AnnotationRefName]; r != "" {
			names[r] = true
		} else {
			unnamed[d.Digest] = true
		}
	}
	kept := idx.Manifests[:0]
	for _, m := range idx.Manifests {
		r := m.Annotations[ispec.AnnotationRefName]
		if (r != "" && names[r]) || (r == "" && unnamed[m.Digest]) {
			continue
		}
		kept = append(kept, m)
	}
	idx.Manifests = append(kept, descs...)
	out, err := json.Marshal(idx)
	if err != nil {
		return nil, fmt.Errorf("encoding index.json: %w", err)
	}
	return out, nil
}

// layoutFile is the oci-layout file's content.
func layoutFile() []byte {
	b, _ := json.Marshal(ispec.ImageLayout{Version: ispec.ImageLayoutVersion})
	return b
}

// verifyingCopy copies r to w and fails unless it gave exactly size bytes
// with digest d.
func verifyingCopy(w io.Writer, r io.Reader, d digest.Digest, size int64) (int64, error) {
	v := d.Verifier()
	n, err := io.Copy(io.MultiWriter(w, v), r)
	if err != nil {
		return n, fmt.Errorf("writing blob %s: %w", d, err)
	}
	if n != size || !v.Verified() {
		return n, fmt.Errorf("writing blob %s: got %d bytes with another digest, want %d", d, n, size)
	}
	return n, nil
}
