package contentstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/ui"
)

// Options tunes Load. The zero value is ready to use.
type Options struct {
	// Log receives one line per blob sent or found present; nil discards.
	Log io.Writer
}

// Result tells what Load did.
type Result struct {
	// Name is the image record's name, as the containerd image store keeps
	// it (docker.io/library/name:tag).
	Name string
	// Target describes the manifest; its digest is the image ID.
	Target ocispec.Descriptor
	// Written lists the blobs sent, in the order sent: missing layers,
	// then the config if missing, then the manifest if missing.
	Written []ocispec.Descriptor
	// Present lists the config and layers the store already held.
	Present []ocispec.Descriptor
}

// Load stores img in the content store and points the image record name
// (short names are completed as docker.io/library/name:latest) at its
// manifest. It sends only the blobs the store lacks; loading the same image
// again sends nothing. All blobs are held by a lease until the record refers
// to them, so containerd's garbage collector cannot take a blob that was
// found present. The Docker daemon lists the image at once and unpacks it
// when a container is created; it emits no event for it.
func (s *Store) Load(ctx context.Context, img Image, name string, opts Options) (res Result, err error) {
	log := ui.Or(opts.Log)
	if res.Name, err = canonicalName(name); err != nil {
		return Result{}, err
	}
	b, err := img.Manifest()
	if err != nil {
		return Result{}, fmt.Errorf("getting the manifest of %s: %w", name, err)
	}
	m, err := parseManifest(b)
	if err != nil {
		return Result{}, err
	}
	res.Target = m.desc
	ctx, id, err := s.lease(s.withNamespace(ctx))
	if err != nil {
		return Result{}, err
	}
	defer func() { err = errors.Join(err, s.release(ctx, id)) }()

	blobs := append(append([]ocispec.Descriptor{}, m.layers...), m.config)
	digests := []digest.Digest{m.desc.Digest}
	for _, d := range blobs {
		digests = append(digests, d.Digest)
	}
	for _, d := range digests {
		if err := s.hold(ctx, id, d); err != nil {
			return Result{}, err
		}
	}
	missing, err := s.missing(ctx, digests[1:])
	if err != nil {
		return Result{}, err
	}
	todo := map[digest.Digest]bool{}
	for _, d := range missing {
		todo[d] = true
	}
	for _, d := range blobs {
		if !todo[d.Digest] {
			if !contains(res.Written, d.Digest) && !contains(res.Present, d.Digest) {
				res.Present = append(res.Present, d)
				fmt.Fprintf(log, "present %s (%s)\n", d.Digest, ui.Bytes(d.Size))
			}
			continue
		}
		written, err := s.writeFrom(ctx, img, d)
		if err != nil {
			return Result{}, err
		}
		delete(todo, d.Digest)
		if !written {
			// Another client wrote it meanwhile.
			res.Present = append(res.Present, d)
			continue
		}
		res.Written = append(res.Written, d)
		fmt.Fprintf(log, "sent %s (%s)\n", d.Digest, ui.Bytes(d.Size))
	}
	if err := s.writeManifest(ctx, m, b, &res, log); err != nil {
		return Result{}, err
	}
	if err := s.setImage(ctx, res.Name, m.desc); err != nil {
		return Result{}, err
	}
	return res, nil
}

// writeFrom opens the blob d of img and writes it.
func (s *Store) writeFrom(ctx context.Context, img Image, d ocispec.Descriptor) (bool, error) {
	r, err := img.Open(ctx, d)
	if err != nil {
		return false, fmt.Errorf("opening blob %s: %w", d.Digest, err)
	}
	written, err := s.write(ctx, d, r, nil)
	return written, errors.Join(err, r.Close())
}

// writeManifest writes the manifest blob with the labels that keep its
// config and layers from garbage collection, or sets them on the blob the
// store holds.
func (s *Store) writeManifest(ctx context.Context, m manifest, b []byte, res *Result, log io.Writer) error {
	written, err := s.write(ctx, m.desc, bytes.NewReader(b), m.gcLabels())
	if err != nil {
		return err
	}
	if written {
		res.Written = append(res.Written, m.desc)
		fmt.Fprintf(log, "sent manifest %s\n", m.desc.Digest)
		return nil
	}
	return s.label(ctx, m.desc.Digest, m.gcLabels())
}

// contains reports whether descs has one with digest d.
func contains(descs []ocispec.Descriptor, d digest.Digest) bool {
	for _, x := range descs {
		if x.Digest == d {
			return true
		}
	}
	return false
}
