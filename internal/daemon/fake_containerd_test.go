package daemon

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/moby/moby/api/types/image"
	"github.com/opencontainers/go-digest"
	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// fakeManifest is what the fake containerd store keeps of an image: the
// digests of the blobs its manifest names (config first).
type fakeManifest struct {
	blobs []digest.Digest
}

// createContainerd does what moby's containerd image store does with an
// uploaded archive (daemon/containerd/image_exporter.go LoadImage, then
// containerd's archive importer): every file goes into the content store;
// an OCI layout's index.json names the manifest, whose config and layers
// may come from the archive or the content store, and the image ID is the
// manifest's digest; a blob found in neither still creates the image, but
// unpacking it fails, which the daemon reports as a plain stream line. A
// docker-archive (manifest.json only) must carry every layer; containerd
// writes a Docker manifest for it, and that manifest's digest is the ID.
func (f *fakeDaemon) createContainerd(files map[string][]byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	byDigest := map[digest.Digest][]byte{}
	for name, data := range files {
		if name == "manifest.json" || name == "index.json" || name == ispec.ImageLayoutFile {
			continue
		}
		d := digest.FromBytes(data)
		f.content[d] = data
		byDigest[d] = data
	}
	if raw, ok := files["index.json"]; ok {
		return f.importOCI(raw)
	}
	return f.importDockerArchive(files)
}

func (f *fakeDaemon) importOCI(raw []byte) (string, error) {
	var idx ispec.Index
	if err := json.Unmarshal(raw, &idx); err != nil || len(idx.Manifests) != 1 {
		return "", fmt.Errorf("bad index.json: %v", err)
	}
	md := idx.Manifests[0].Digest
	mraw, ok := f.content[md]
	if !ok {
		return "", fmt.Errorf("content digest %s: not found", md)
	}
	var m ispec.Manifest
	if err := json.Unmarshal(mraw, &m); err != nil {
		return "", fmt.Errorf("bad manifest: %v", err)
	}
	id := md.String()
	fm := fakeManifest{blobs: []digest.Digest{m.Config.Digest}}
	for _, l := range m.Layers {
		fm.blobs = append(fm.blobs, l.Digest)
	}
	diffIDs, err := f.diffIDsLocked(m.Config.Digest)
	if err != nil {
		return "", err
	}
	f.images[id], f.manifests[id] = diffIDs, fm
	for _, d := range fm.blobs {
		data, ok := f.content[d]
		if !ok {
			return id, &unpackError{fmt.Sprintf("Error unpacking image %s: content digest %s: not found", id, d)}
		}
		if digest.FromBytes(data) != d {
			return id, &unpackError{fmt.Sprintf("Error unpacking image %s: unexpected digest", id)}
		}
	}
	return id, nil
}

func (f *fakeDaemon) importDockerArchive(files map[string][]byte) (string, error) {
	var manifest []manifestItem
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		return "", fmt.Errorf("bad manifest.json: %v", err)
	}
	config := files[manifest[0].Config]
	fm := fakeManifest{blobs: []digest.Digest{digest.FromBytes(config)}}
	for _, name := range manifest[0].Layers {
		data, ok := files[name]
		if !ok {
			return "", fmt.Errorf("layer %q not found", name)
		}
		fm.blobs = append(fm.blobs, digest.FromBytes(data))
	}
	diffIDs, err := f.diffIDsLocked(fm.blobs[0])
	if err != nil {
		return "", err
	}
	// The Docker schema-2 manifest containerd writes: some bytes that are
	// not our OCI manifest, so its digest is another ID.
	doc, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "blobs": fm.blobs})
	id := fmt.Sprintf("sha256:%x", sha256.Sum256(doc))
	f.images[id], f.manifests[id] = diffIDs, fm
	return id, nil
}

// diffIDsLocked reads the config blob's diff_ids; f.mu is held.
func (f *fakeDaemon) diffIDsLocked(config digest.Digest) ([]string, error) {
	var cfg struct {
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	data, ok := f.content[config]
	if !ok {
		return nil, errors.New("config blob not found")
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("bad config: %v", err)
	}
	return cfg.RootFS.DiffIDs, nil
}

// summaryLocked is the image's manifest summary, Available when every
// blob its manifest names is in the content store; f.mu is held.
func (f *fakeDaemon) summaryLocked(id string) image.ManifestSummary {
	fm := f.manifests[id]
	available := true
	for _, d := range fm.blobs {
		if _, ok := f.content[d]; !ok {
			available = false
		}
	}
	return image.ManifestSummary{ID: id, Descriptor: ispec.Descriptor{MediaType: ispec.MediaTypeImageManifest, Digest: digest.Digest(id)},
		Available: available, Kind: image.ManifestKindImage}
}

// gc does what containerd's garbage collector does: it deletes every blob
// no image's manifest names.
func (f *fakeDaemon) gc() {
	f.mu.Lock()
	defer f.mu.Unlock()
	used := map[digest.Digest]bool{}
	for id, fm := range f.manifests {
		used[digest.Digest(id)] = true
		for _, d := range fm.blobs {
			used[d] = true
		}
	}
	for d := range f.content {
		if !used[d] {
			delete(f.content, d)
		}
	}
}
