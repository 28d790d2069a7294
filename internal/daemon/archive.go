package daemon

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

// format is the shape of the archive sent to POST /images/load.
type format int

const (
	// dockerArchive is `docker save`'s format: manifest.json, the config
	// and <digest>.tar layer files. Podman and files use it.
	dockerArchive format = iota
	// ociLayout is an OCI image layout (oci-layout, index.json, blobs/)
	// with a docker-archive manifest.json whose paths point into blobs/, so
	// that one archive serves both of Docker's image stores: the classic
	// store reads manifest.json, the containerd store index.json. Blobs
	// left out are looked up in the daemon: by chain ID on the classic
	// store, in the content store on the containerd store.
	ociLayout
)

// plan says what goes into the archive: which layers are sent and which the
// daemon already holds.
type plan struct {
	art      *artifact
	format   format
	files    []string // archive file name of each JSON layer's blob
	send     []bool   // per JSON layer: include its blob (false: held, or a duplicate sent earlier)
	held     []bool   // per JSON layer: the daemon holds it
	tags     []string // RepoTags of the archive (only for files; loads tag afterwards)
	complete bool     // the archive's index (manifest.json, index.json) has been written
}

// newPlan decides the archive's content; held says per JSON layer whether
// the daemon provably holds it (nil: send everything).
func newPlan(a *artifact, f format, held []bool) *plan {
	p := &plan{art: a, format: f}
	seen := map[string]bool{}
	for i, l := range a.img.Layers {
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

func (p *plan) blobName(d digest.Digest) string {
	if p.format == ociLayout {
		return "blobs/" + d.Algorithm().String() + "/" + d.Encoded()
	}
	return d.Encoded() + ".tar"
}

func (p *plan) configName() string {
	if p.format == ociLayout {
		return p.blobName(p.art.configID)
	}
	return p.art.configID.Encoded() + ".json"
}

// leftOut reports whether the archive holds back any layer.
func (p *plan) leftOut() bool {
	for _, h := range p.held {
		if h {
			return true
		}
	}
	return false
}

// sendBytes is the number of layer bytes the archive carries.
func (p *plan) sendBytes() int64 {
	var n int64
	for i, s := range p.send {
		if s {
			n += p.art.sizes[i]
		}
	}
	return n
}

// epoch is the modification time of every archive entry, so that the
// archive itself is reproducible.
var epoch = time.Unix(0, 0).UTC()

// writeArchive writes the archive: the config, the layer blobs to send, and
// the index files last, so that an archive cut short by an error is never
// one the daemon can load. Each layer is verified while it streams
// (nix2container.Image.StreamLayer); onLayer is called after each layer with
// its index and byte count.
func writeArchive(ctx context.Context, w io.Writer, p *plan, src nix2container.Store, onLayer func(i int, n int64)) error {
	tw := tar.NewWriter(w)
	if p.format == ociLayout {
		if err := writeFile(tw, ispec.ImageLayoutFile, []byte(`{"imageLayoutVersion":"`+ispec.ImageLayoutVersion+`"}`)); err != nil {
			return err
		}
	}
	if err := writeFile(tw, p.configName(), p.art.config); err != nil {
		return err
	}
	for i := range p.art.img.Layers {
		if !p.send[i] {
			continue
		}
		hdr := &tar.Header{Name: p.files[i], Mode: 0o444, Size: p.art.sizes[i], ModTime: epoch, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing archive entry for layer %d: %w", i, err)
		}
		n, err := p.art.img.StreamLayer(ctx, i, tw, src)
		if err != nil {
			return err
		}
		onLayer(i, n)
	}
	if p.format == ociLayout {
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
func writeIndex(tw *tar.Writer, p *plan) error {
	if err := writeFile(tw, p.blobName(p.art.manifestID), p.art.manifest); err != nil {
		return err
	}
	index, err := json.Marshal(ispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ispec.MediaTypeImageIndex,
		Manifests: []ispec.Descriptor{{MediaType: ispec.MediaTypeImageManifest, Digest: p.art.manifestID, Size: int64(len(p.art.manifest))}},
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

// WriteArchive writes img as a complete docker-archive tagged with refs: the
// file `docker load -i` reads. Every layer is included and verified while it
// is written.
func WriteArchive(ctx context.Context, w io.Writer, img *nix2container.Image, refs []string, src nix2container.Store) error {
	a, err := newArtifact(ctx, img, src)
	if err != nil {
		return err
	}
	p := newPlan(a, dockerArchive, nil)
	p.tags = refs
	return writeArchive(ctx, w, p, src, func(int, int64) {})
}
