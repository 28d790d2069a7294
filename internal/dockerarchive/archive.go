package dockerarchive

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/nix2container"
)

// Format is the shape of an archive.
type Format int

const (
	// Docker is `docker save`'s format: manifest.json, the config and
	// <digest>.tar layer files. Podman and files use it.
	Docker Format = iota
	// OCILayout is an OCI image layout (oci-layout, index.json, blobs/)
	// with a docker-archive manifest.json whose paths point into blobs/, so
	// that one archive serves both of Docker's image stores: the classic
	// store reads manifest.json, the containerd store index.json. Blobs
	// left out are looked up in the daemon: by chain ID on the classic
	// store, in the content store on the containerd store.
	OCILayout
)

// Plan says what one archive carries: which layers are sent and which the
// reader already holds. A Plan is written by one goroutine at a time.
type Plan struct {
	img      *Image
	format   Format
	files    []string // archive file name of each JSON layer's blob
	send     []bool   // per JSON layer: include its blob (false: held, or a duplicate sent earlier)
	held     []bool   // per JSON layer: the reader holds it
	tags     []string // RepoTags of the archive (only for files; loads tag afterwards)
	complete bool     // the archive's index (manifest.json, index.json) has been written
}

// NewPlan decides the archive of img in format f; held says per JSON layer
// whether the reader provably holds it (nil: send everything). A layer the
// image has twice is sent once.
func NewPlan(img *Image, f Format, held []bool) *Plan {
	p := &Plan{img: img, format: f}
	seen := map[string]bool{}
	for i, l := range img.JSON.Layers {
		name := p.blobName(l.Digest)
		isHeld := held != nil && held[i]
		p.files = append(p.files, name)
		p.held = append(p.held, isHeld)
		p.send = append(p.send, !isHeld && !seen[name])
		if !isHeld {
			seen[name] = true
		}
	}
	return p
}

// Format is the archive's format.
func (p *Plan) Format() Format { return p.format }

// File is the archive's file name for the blob of JSON layer i:
// blobs/sha256/<hex> in an OCI layout, <hex>.tar in a docker-archive. The
// name is the same whether or not the archive carries the blob.
func (p *Plan) File(i int) string { return p.files[i] }

// Complete reports whether the last Write wrote the archive's index files,
// which come last: a reader that stopped after them missed only the tar's
// end-of-archive padding.
func (p *Plan) Complete() bool { return p.complete }

func (p *Plan) blobName(d digest.Digest) string {
	if p.format == OCILayout {
		return "blobs/" + d.Algorithm().String() + "/" + d.Encoded()
	}
	return d.Encoded() + ".tar"
}

func (p *Plan) configName() string {
	if p.format == OCILayout {
		return p.blobName(p.img.ConfigID)
	}
	return p.img.ConfigID.Encoded() + ".json"
}

// Held lists the JSON layers left out because the reader holds them, in
// order; nil when none is.
func (p *Plan) Held() []int {
	var out []int
	for i, h := range p.held {
		if h {
			out = append(out, i)
		}
	}
	return out
}

// Bytes is the number of layer bytes the archive carries.
func (p *Plan) Bytes() int64 {
	var n int64
	for i, s := range p.send {
		if s {
			n += p.img.Sizes[i]
		}
	}
	return n
}

// epoch is the modification time of every archive entry, so that the
// archive itself is reproducible.
var epoch = time.Unix(0, 0).UTC()

// Write writes the archive to w: the config, the layer blobs to send, and
// the index files last, so that an archive cut short by an error is never
// one the daemon can load. Each layer is read from src and verified while
// it streams (nix2container.Image.StreamLayer); onLayer is called after
// each layer with its index and byte count.
func (p *Plan) Write(ctx context.Context, w io.Writer, src nix2container.Store, onLayer func(i int, n int64)) error {
	tw := tar.NewWriter(w)
	if p.format == OCILayout {
		if err := writeFile(tw, ispec.ImageLayoutFile, []byte(`{"imageLayoutVersion":"`+ispec.ImageLayoutVersion+`"}`)); err != nil {
			return err
		}
	}
	if err := writeFile(tw, p.configName(), p.img.Config); err != nil {
		return err
	}
	for i := range p.img.JSON.Layers {
		if !p.send[i] {
			continue
		}
		hdr := &tar.Header{Name: p.files[i], Mode: 0o444, Size: p.img.Sizes[i], ModTime: epoch, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing archive entry for layer %d: %w", i, err)
		}
		n, err := p.img.JSON.StreamLayer(ctx, i, tw, src)
		if err != nil {
			return err
		}
		onLayer(i, n)
	}
	if p.format == OCILayout {
		if err := writeIndex(tw, p); err != nil {
			return err
		}
	}
	manifest, err := json.Marshal([]archiveManifest{{Config: p.configName(), RepoTags: append([]string{}, p.tags...), Layers: p.files}})
	if err != nil {
		return fmt.Errorf("encoding manifest.json: %w", err)
	}
	if err := writeFile(tw, "manifest.json", manifest); err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing manifest.json: %w", err)
	}
	p.complete = true
	return tw.Close()
}

// writeIndex writes the manifest blob and index.json naming it, without a
// name: loads tag the image once it is verified.
func writeIndex(tw *tar.Writer, p *Plan) error {
	if err := writeFile(tw, p.blobName(p.img.ManifestID), p.img.Manifest); err != nil {
		return err
	}
	index, err := json.Marshal(ispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ispec.MediaTypeImageIndex,
		Manifests: []ispec.Descriptor{{MediaType: ispec.MediaTypeImageManifest, Digest: p.img.ManifestID, Size: int64(len(p.img.Manifest))}},
	})
	if err != nil {
		return fmt.Errorf("encoding index.json: %w", err)
	}
	return writeFile(tw, ispec.ImageIndexFile, index)
}

// archiveManifest is one entry of a docker-archive's manifest.json.
type archiveManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func writeFile(tw *tar.Writer, name string, data []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o444, Size: int64(len(data)), ModTime: epoch, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing archive entry %s: %w", name, err)
	}
	if _, err := tw.Write(data); err != nil {
		return fmt.Errorf("writing archive entry %s: %w", name, err)
	}
	return nil
}

// Write writes img as a complete docker-archive tagged with refs: the
// file `docker load -i` reads (NewImage, then Image.Write).
func Write(ctx context.Context, w io.Writer, img *nix2container.Image, refs []string, src nix2container.Store) error {
	i, err := NewImage(ctx, img, src)
	if err != nil {
		return err
	}
	return i.Write(ctx, w, refs, src)
}

// Write writes i as a complete docker-archive tagged with refs. Every
// layer is included and verified while it is written; src's rules are
// used as they are.
func (i *Image) Write(ctx context.Context, w io.Writer, refs []string, src nix2container.Store) error {
	p := NewPlan(i, Docker, nil)
	p.tags = refs
	return p.Write(ctx, w, src, func(int, int64) {})
}
