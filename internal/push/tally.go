package push

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/oci"
)

// tally records which blobs were streamed to the registry, and the first
// stream that failed on the reading side.
type tally struct {
	mu      sync.Mutex
	layers  map[[2]int]bool // {image, layer index}
	configs map[int]bool
	failed  error
}

// observer returns the oci.Options.OnBlob of image i.
func (t *tally) observer(i int) func(int, int64, error) {
	return func(layer int, _ int64, err error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		if err != nil {
			if t.failed == nil && !errors.Is(err, io.ErrClosedPipe) && !errors.Is(err, context.Canceled) {
				t.failed = err
			}
			return
		}
		if layer < 0 {
			if t.configs == nil {
				t.configs = map[int]bool{}
			}
			t.configs[i] = true
			return
		}
		if t.layers == nil {
			t.layers = map[[2]int]bool{}
		}
		t.layers[[2]int{i, layer}] = true
	}
}

// cause returns, for a failed push, the error of a layer stream that
// failed on the store side (a digest mismatch, an unreadable path) rather
// than the HTTP error it caused; otherwise err.
func (t *tally) cause(err error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil && t.failed != nil {
		return t.failed
	}
	return err
}

// fill lists the distinct layer blobs of imgs with whether they were sent.
func (t *tally) fill(res *Result, imgs []*oci.Image) {
	t.mu.Lock()
	defer t.mu.Unlock()
	index := map[digest.Digest]int{}
	for i, img := range imgs {
		layers, _ := img.Layers()
		for j, l := range layers {
			h, _ := l.Digest()
			size, _ := l.Size()
			d := digest.Digest(h.String())
			k, ok := index[d]
			if !ok {
				k = len(res.Blobs)
				index[d] = k
				res.Blobs = append(res.Blobs, Blob{Digest: d, Size: size, What: img.Nix2container().Layers[j].Describe()})
			}
			if t.layers[[2]int{i, j}] {
				res.Blobs[k].Sent = true
			}
		}
	}
	res.ConfigsSent = len(t.configs)
}
