package daemon

import (
	"context"
	"fmt"
	"io"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
)

// artifact is what a load computes once from the image JSON: the config
// blob, the OCI manifest a push would also make (so the image has the same
// identity in a registry and on the containerd store), and each layer's
// blob size.
type artifact struct {
	img        *nix2container.Image
	oci        *oci.Image
	config     []byte
	configID   digest.Digest
	manifest   []byte
	manifestID digest.Digest
	sizes      []int64

	store nix2container.Store       // where layers are read, with the rules decided
	rules *nix2container.RulesMatch // nil until decideRules ran
}

// newArtifact checks img against the store (oci.NewImage runs
// nix2container.Image.Check) and builds its manifest. ctx bounds every later
// read of the image's layers through a.oci.
func newArtifact(ctx context.Context, img *nix2container.Image, src nix2container.Store) (*artifact, error) {
	// The rules are decided only when something is streamed (decideRules):
	// a load of an image the daemon has reads no layer.
	o, err := oci.NewImage(ctx, img, oci.Options{Store: src, Rules: &nix2container.RulesMatch{NamedRules: nix2container.NamedRules{Rules: src.Rules}, Layer: -1}})
	if err != nil {
		return nil, err
	}
	config, err := o.RawConfigFile()
	if err != nil {
		return nil, err
	}
	manifest, err := o.RawManifest()
	if err != nil {
		return nil, err
	}
	m, err := o.Manifest()
	if err != nil {
		return nil, err
	}
	a := &artifact{img: img, oci: o, config: config, configID: o.ConfigDigest(), manifest: manifest, manifestID: o.ManifestDigest(), store: src}
	for _, l := range m.Layers {
		a.sizes = append(a.sizes, l.Size)
	}
	return a, nil
}

// id is the image's ID on a store: the manifest digest on the containerd
// image store, the config digest elsewhere (the classic store, Podman).
func (a *artifact) id(store ImageStore) digest.Digest {
	if store == ContainerdStore {
		return a.manifestID
	}
	return a.configID
}

// decideRules finds, once, the tar rules the image's JSON was written with
// (nix2container.Image.Rules: the current ones or an older
// nix2container's), says so on log when they are older ones, and reads the
// layers with them from then on.
func (a *artifact) decideRules(ctx context.Context, log io.Writer) (nix2container.RulesMatch, error) {
	if a.rules != nil {
		return *a.rules, nil
	}
	m, err := a.img.Rules(ctx, a.store)
	if err != nil {
		return m, err
	}
	a.rules, a.store.Rules = &m, m.Rules
	if n := m.Note("loading"); n != "" {
		fmt.Fprintln(log, n)
	}
	return m, nil
}
