package load

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"
)

// fakeDaemon behaves like a Docker Engine with the classic image store (or
// another store): it unpacks the archive, skips layers whose chain ID it
// holds, checks every layer it reads against the config's diff_ids, and
// creates the image under the config digest. It counts calls.
type fakeDaemon struct {
	mu       sync.Mutex
	store    Store
	images   map[string][]string // image ID → RootFS layers
	tags     map[string]string   // reference → image ID
	calls    map[string]int
	received [][]string // per ImageLoad: names of the layer files in the archive
	loadErr  string     // an errorDetail to answer every load with
}

var _ Client = (*fakeDaemon)(nil)

func newFakeDaemon(store Store) *fakeDaemon {
	return &fakeDaemon{store: store, images: map[string][]string{}, tags: map[string]string{}, calls: map[string]int{}}
}

func (f *fakeDaemon) count(name string) {
	f.mu.Lock()
	f.calls[name]++
	f.mu.Unlock()
}

func (f *fakeDaemon) ImageInspect(ctx context.Context, id string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	f.count("ImageInspect")
	f.mu.Lock()
	defer f.mu.Unlock()
	if target, ok := f.tags[id]; ok {
		id = target
	}
	layers, ok := f.images[id]
	if !ok {
		return client.ImageInspectResult{}, cerrdefs.ErrNotFound.WithMessage("no such image: " + id)
	}
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{ID: id, RootFS: image.RootFS{Type: "layers", Layers: layers}}}, nil
}

func (f *fakeDaemon) ImageList(ctx context.Context, _ client.ImageListOptions) (client.ImageListResult, error) {
	f.count("ImageList")
	f.mu.Lock()
	defer f.mu.Unlock()
	var res client.ImageListResult
	for id := range f.images {
		res.Items = append(res.Items, image.Summary{ID: id})
	}
	return res, nil
}

func (f *fakeDaemon) ImageTag(ctx context.Context, o client.ImageTagOptions) (client.ImageTagResult, error) {
	f.count("ImageTag")
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.images[o.Source]; !ok {
		return client.ImageTagResult{}, cerrdefs.ErrNotFound.WithMessage("no such image: " + o.Source)
	}
	f.tags[o.Target] = o.Source
	return client.ImageTagResult{}, nil
}

func (f *fakeDaemon) Info(ctx context.Context, _ client.InfoOptions) (client.SystemInfoResult, error) {
	f.count("Info")
	info := system.Info{Driver: "overlay2"}
	if f.store == Containerd {
		info.DriverStatus = [][2]string{{"driver-type", "io.containerd.snapshotter.v1"}}
	}
	return client.SystemInfoResult{Info: info}, nil
}

func (f *fakeDaemon) ServerVersion(ctx context.Context, _ client.ServerVersionOptions) (client.ServerVersionResult, error) {
	f.count("ServerVersion")
	res := client.ServerVersionResult{Version: "20.10.24"}
	if f.store == Podman {
		res.Components = []system.ComponentVersion{{Name: "Podman Engine", Version: "4.3.1"}}
	}
	return res, nil
}

func (f *fakeDaemon) ImageLoad(ctx context.Context, r io.Reader, _ ...client.ImageLoadOption) (client.ImageLoadResult, error) {
	f.count("ImageLoad")
	files := map[string][]byte{}
	var names []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the upload: %w", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("reading the upload: %w", err)
		}
		files[hdr.Name] = data
		names = append(names, hdr.Name)
	}
	f.mu.Lock()
	f.received = append(f.received, names)
	f.mu.Unlock()
	if f.loadErr != "" {
		return answer(fmt.Sprintf(`{"errorDetail":{"message":%q},"error":%q}`, f.loadErr, f.loadErr)), nil
	}
	id, err := f.create(files)
	if err != nil {
		return answer(fmt.Sprintf(`{"errorDetail":{"message":%q}}`, err.Error())), nil
	}
	return answer(fmt.Sprintf(`{"stream":"Loaded image ID: %s\n"}`, id)), nil
}

// create does what moby's tarexport.Load does with an unpacked archive.
func (f *fakeDaemon) create(files map[string][]byte) (string, error) {
	var manifest []archiveManifest
	raw, ok := files["manifest.json"]
	if !ok {
		return "", errors.New("open manifest.json: no such file or directory")
	}
	if err := json.Unmarshal(raw, &manifest); err != nil || len(manifest) != 1 {
		return "", fmt.Errorf("bad manifest.json: %v", err)
	}
	config := files[manifest[0].Config]
	var cfg struct {
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := json.Unmarshal(config, &cfg); err != nil {
		return "", fmt.Errorf("bad config: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	held := map[digest.Digest]bool{}
	for _, ls := range f.images {
		for j := range ls {
			held[chainOf(ls[:j+1])] = true
		}
	}
	for i, d := range cfg.RootFS.DiffIDs {
		if held[chainOf(cfg.RootFS.DiffIDs[:i+1])] {
			continue
		}
		data, ok := files[manifest[0].Layers[i]]
		if !ok {
			return "", fmt.Errorf("open %s: no such file or directory", manifest[0].Layers[i])
		}
		if got := fmt.Sprintf("sha256:%x", sha256.Sum256(data)); got != d {
			return "", fmt.Errorf("invalid diffID for layer %d: expected %q, got %q", i, d, got)
		}
	}
	id := digest.FromBytes(config).String()
	f.images[id] = cfg.RootFS.DiffIDs
	return id, nil
}

func chainOf(diffIDs []string) digest.Digest {
	chain := digest.Digest(diffIDs[0])
	for _, d := range diffIDs[1:] {
		chain = digest.FromString(chain.String() + " " + d)
	}
	return chain
}

func answer(stream string) client.ImageLoadResult {
	return io.NopCloser(bytes.NewBufferString(stream))
}

// dialer returns a Dial that hands out f, failing first with the given
// errors, and counts its calls.
func (f *fakeDaemon) dialer(failures ...error) Dial {
	return func(ctx context.Context) (Client, io.Closer, error) {
		f.count("Dial")
		f.mu.Lock()
		n := f.calls["Dial"]
		f.mu.Unlock()
		if n <= len(failures) {
			return nil, nil, failures[n-1]
		}
		return f, io.NopCloser(nil), nil
	}
}
