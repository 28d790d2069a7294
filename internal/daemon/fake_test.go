package daemon

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"
)

// fakeDaemon behaves like a Docker Engine with the classic image store (or
// Podman): it unpacks the whole archive, then, as it commits, skips layers
// whose chain ID it holds at that moment, checks every layer it reads
// against the config's diff_ids, and creates the image under the config
// digest. With the containerd image store it follows that store's rules
// instead (fake_containerd_test.go). It refuses to remove an image that is
// tagged or used by a container unless forced, and counts calls.
type fakeDaemon struct {
	mu         sync.Mutex
	store      ImageStore
	images     map[string][]string // image ID → RootFS layers
	tags       map[string]string   // reference → image ID
	containers map[string]bool     // image IDs a container uses
	calls      map[string]int
	inspected  map[string]int // image ID → ImageInspect calls
	received   [][]string     // per ImageLoad: names of the layer files in the archive
	loadErr    string         // an errorDetail to answer every load with
	// onRead runs after each archive entry is read, before the commit:
	// what happens on the daemon, or to the client, during the upload.
	onRead func(name string)
	// onCommit runs once the image is created, before the daemon answers.
	onCommit func(id string)

	// The containerd image store's state: its content store (blobs by
	// digest) and each image's manifest.
	content   map[digest.Digest][]byte
	manifests map[string]fakeManifest
}

var _ Client = (*fakeDaemon)(nil)

func newFakeDaemon(store ImageStore) *fakeDaemon {
	return &fakeDaemon{store: store, images: map[string][]string{}, tags: map[string]string{}, containers: map[string]bool{},
		calls: map[string]int{}, inspected: map[string]int{}, content: map[digest.Digest][]byte{}, manifests: map[string]fakeManifest{}}
}

// count records a call; like the real client, a call with a done context
// fails before it reaches the daemon.
func (f *fakeDaemon) count(ctx context.Context, name string) error {
	f.mu.Lock()
	f.calls[name]++
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeDaemon) ImageInspect(ctx context.Context, id string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	if err := f.count(ctx, "ImageInspect"); err != nil {
		return client.ImageInspectResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if target, ok := f.tags[familiar(id)]; ok {
		id = target
	}
	f.inspected[id]++
	layers, ok := f.images[id]
	if !ok {
		return client.ImageInspectResult{}, cerrdefs.ErrNotFound.WithMessage("no such image: " + id)
	}
	res := image.InspectResponse{ID: id, RepoTags: f.tagsOf(id), RootFS: image.RootFS{Type: "layers", Layers: layers}}
	if f.store == ContainerdStore {
		res.Manifests = []image.ManifestSummary{f.summaryLocked(id)}
	}
	return client.ImageInspectResult{InspectResponse: res}, nil
}

// familiar normalizes a reference as the daemon does (app → app:latest).
func familiar(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}

// tagsOf lists the references of an image; f.mu is held.
func (f *fakeDaemon) tagsOf(id string) []string {
	var tags []string
	for ref, target := range f.tags {
		if target == id {
			tags = append(tags, ref)
		}
	}
	slices.Sort(tags)
	return tags
}

// ImageRemove deletes an image by ID as moby does without force: not while
// a container uses it or a tag names it.
func (f *fakeDaemon) ImageRemove(ctx context.Context, id string, o client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	if err := f.count(ctx, "ImageRemove"); err != nil {
		return client.ImageRemoveResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.images[id]; !ok {
		return client.ImageRemoveResult{}, cerrdefs.ErrNotFound.WithMessage("no such image: " + id)
	}
	if !o.Force && (f.containers[id] || len(f.tagsOf(id)) > 0) {
		return client.ImageRemoveResult{}, cerrdefs.ErrConflict.WithMessage("conflict: unable to delete " + id + " (must be forced)")
	}
	f.removeLocked(id)
	return client.ImageRemoveResult{Items: []image.DeleteResponse{{Deleted: id}}}, nil
}

// remove deletes an image and its tags, as docker rmi -f does.
func (f *fakeDaemon) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removeLocked(id)
}

func (f *fakeDaemon) removeLocked(id string) {
	delete(f.images, id)
	delete(f.manifests, id)
	for ref, target := range f.tags {
		if target == id {
			delete(f.tags, ref)
		}
	}
}

func (f *fakeDaemon) ImageTag(ctx context.Context, o client.ImageTagOptions) (client.ImageTagResult, error) {
	if err := f.count(ctx, "ImageTag"); err != nil {
		return client.ImageTagResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.images[o.Source]; !ok {
		return client.ImageTagResult{}, cerrdefs.ErrNotFound.WithMessage("no such image: " + o.Source)
	}
	f.tags[familiar(o.Target)] = o.Source
	return client.ImageTagResult{}, nil
}

func (f *fakeDaemon) Info(ctx context.Context, _ client.InfoOptions) (client.SystemInfoResult, error) {
	if err := f.count(ctx, "Info"); err != nil {
		return client.SystemInfoResult{}, err
	}
	info := system.Info{Driver: "overlay2"}
	if f.store == ContainerdStore {
		info.DriverStatus = [][2]string{{"driver-type", "io.containerd.snapshotter.v1"}}
	}
	return client.SystemInfoResult{Info: info}, nil
}

func (f *fakeDaemon) ServerVersion(ctx context.Context, _ client.ServerVersionOptions) (client.ServerVersionResult, error) {
	if err := f.count(ctx, "ServerVersion"); err != nil {
		return client.ServerVersionResult{}, err
	}
	res := client.ServerVersionResult{Version: "20.10.24"}
	if f.store == PodmanStore {
		res.Components = []system.ComponentVersion{{Name: "Podman Engine", Version: "4.3.1"}}
	}
	return res, nil
}

func (f *fakeDaemon) ImageLoad(ctx context.Context, r io.Reader, _ ...client.ImageLoadOption) (client.ImageLoadResult, error) {
	if err := f.count(ctx, "ImageLoad"); err != nil {
		return nil, err
	}
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
		if f.onRead != nil {
			f.onRead(hdr.Name)
		}
	}
	// The HTTP client sends the request body to its end before the answer.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, fmt.Errorf("reading the upload: %w", err)
	}
	f.mu.Lock()
	f.received = append(f.received, names)
	f.mu.Unlock()
	if f.loadErr != "" {
		return answer(fmt.Sprintf(`{"errorDetail":{"message":%q},"error":%q}`, f.loadErr, f.loadErr)), nil
	}
	create := f.create
	if f.store == ContainerdStore {
		create = f.createContainerd
	}
	id, err := create(files)
	var unpack *unpackError
	if err != nil && !errors.As(err, &unpack) {
		return answer(fmt.Sprintf(`{"errorDetail":{"message":%q}}`, err.Error())), nil
	}
	if f.onCommit != nil {
		f.onCommit(id)
	}
	if unpack != nil {
		// The containerd store says so inside a successful answer.
		return answer(fmt.Sprintf(`{"stream":"Loaded image: %s\n"}{"stream":%q}`, id, unpack.msg+"\n")), nil
	}
	return answer(fmt.Sprintf(`{"stream":"Loaded image ID: %s\n"}`, id)), nil
}

// create does what moby's tarexport.Load does with an unpacked archive.
func (f *fakeDaemon) create(files map[string][]byte) (string, error) {
	var manifest []manifestItem
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
			return "", fmt.Errorf("open /var/lib/docker/tmp/docker-import-1234567890/%s: no such file or directory", manifest[0].Layers[i])
		}
		if got := fmt.Sprintf("sha256:%x", sha256.Sum256(data)); got != d {
			return "", fmt.Errorf("invalid diffID for layer %d: expected %q, got %q", i, d, got)
		}
	}
	id := digest.FromBytes(config).String()
	f.images[id] = cfg.RootFS.DiffIDs
	return id, nil
}

// manifestItem is an entry of manifest.json as moby's tarexport reads it.
type manifestItem struct {
	Config   string
	RepoTags []string
	Layers   []string
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
		err := f.count(ctx, "Dial")
		f.mu.Lock()
		n := f.calls["Dial"]
		f.mu.Unlock()
		if err != nil {
			return nil, nil, err
		}
		if n <= len(failures) {
			return nil, nil, failures[n-1]
		}
		return f, io.NopCloser(nil), nil
	}
}
