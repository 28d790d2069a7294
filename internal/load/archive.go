package load

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
)

// plan says what goes into the archive: which layers are sent and which the
// daemon already holds.
type plan struct {
	img      *nix2container.Image
	config   []byte
	configID digest.Digest
	files    []string // archive file name of each JSON layer
	send     []bool   // per JSON layer: include its blob (false: held, or a duplicate sent earlier)
	held     []bool   // per JSON layer: the daemon holds its chain ID
	sizes    []int64  // blob size of each JSON layer
	tags     []string // RepoTags of the archive (only for files; loads tag afterwards)
	complete bool     // manifest.json has been written
}

// newPlan decides the archive's content. held may be nil (send everything).
func newPlan(img *nix2container.Image, config []byte, held map[digest.Digest]bool, src nix2container.Options) (*plan, error) {
	p := &plan{img: img, config: config, configID: digest.FromBytes(config)}
	chains := img.ChainIDs()
	seen := map[string]bool{}
	for i, l := range img.Layers {
		size, err := l.BlobSize(src)
		if err != nil {
			return nil, fmt.Errorf("sizing layer %d: %w", i, err)
		}
		name := l.Digest.Encoded() + ".tar"
		isHeld := held[chains[i]]
		p.files = append(p.files, name)
		p.sizes = append(p.sizes, size)
		p.held = append(p.held, isHeld)
		p.send = append(p.send, !isHeld && !seen[name])
		if !isHeld {
			seen[name] = true
		}
	}
	return p, nil
}

// sendBytes is the number of layer bytes the archive carries.
func (p *plan) sendBytes() int64 {
	var n int64
	for i, s := range p.send {
		if s {
			n += p.sizes[i]
		}
	}
	return n
}

// epoch is the modification time of every archive entry, so that the
// archive itself is reproducible.
var epoch = time.Unix(0, 0).UTC()

// writeArchive writes a minimal docker-archive: the config, the layer blobs
// to send, and manifest.json last, so that an archive cut short by an error
// is never one the daemon can load. Each layer is verified while it streams
// (nix2container.Image.StreamLayer); onLayer is called after each layer with
// its index and byte count.
func writeArchive(ctx context.Context, w io.Writer, p *plan, src nix2container.Options, onLayer func(i int, n int64)) error {
	tw := tar.NewWriter(w)
	cfgName := p.configID.Encoded() + ".json"
	if err := writeFile(tw, cfgName, p.config); err != nil {
		return err
	}
	for i := range p.img.Layers {
		if !p.send[i] {
			continue
		}
		hdr := &tar.Header{Name: p.files[i], Mode: 0o444, Size: p.sizes[i], ModTime: epoch, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing archive entry for layer %d: %w", i, err)
		}
		n, err := p.img.StreamLayer(ctx, i, tw, src)
		if err != nil {
			return err
		}
		onLayer(i, n)
	}
	manifest, err := json.Marshal([]archiveManifest{{Config: cfgName, RepoTags: append([]string{}, p.tags...), Layers: p.files}})
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
func WriteArchive(ctx context.Context, w io.Writer, img *nix2container.Image, refs []string, src nix2container.Options) error {
	if err := img.Check(src); err != nil {
		return err
	}
	config, err := img.ConfigBlob()
	if err != nil {
		return err
	}
	p, err := newPlan(img, config, nil, src)
	if err != nil {
		return err
	}
	p.tags = refs
	return writeArchive(ctx, w, p, src, func(int, int64) {})
}
