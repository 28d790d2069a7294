package push

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// counts are the requests an in-memory registry received.
type counts struct {
	mu        sync.Mutex
	uploads   int // blob uploads committed (PUT …/blobs/uploads/…?digest=)
	manifests int // manifest PUTs
	requests  int
}

func (c *counts) get() (uploads, manifests, requests int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.uploads, c.manifests, c.requests
}

// testRegistry serves go-containerregistry's in-memory registry on
// 127.0.0.1 and returns its host:port and request counts. wrap, when set,
// may answer a request itself (faults, auth) by returning true.
func testRegistry(t *testing.T, wrap func(w http.ResponseWriter, r *http.Request) bool) (string, *counts) {
	t.Helper()
	c := &counts{}
	srv := httptest.NewServer(newRegistry(c, wrap))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), c
}

// newRegistry returns the in-memory registry's handler, counting requests
// in c; wrap as for testRegistry.
func newRegistry(c *counts, wrap func(w http.ResponseWriter, r *http.Request) bool) http.Handler {
	reg := registry.New(registry.Logger(nullLogger()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.requests++
		switch {
		case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/blobs/uploads/") && r.URL.Query().Get("digest") != "":
			c.uploads++
		case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/"):
			c.manifests++
		}
		c.mu.Unlock()
		if wrap != nil && wrap(w, r) {
			return
		}
		reg.ServeHTTP(w, r)
	})
}

func nullLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// readsBack checks that each layer blob of img, pulled from the registry,
// reads back with its digest and size (the registry checked them too).
func readsBack(t *testing.T, img v1.Image) {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range m.Layers {
		rl, err := img.LayerByDigest(l.Digest)
		if err != nil {
			t.Fatal(err)
		}
		rc, _ := rl.Compressed()
		d, n, err := v1.SHA256(rc)
		rc.Close()
		if err != nil || d != l.Digest || n != l.Size {
			t.Errorf("layer %d reads back as %s (%d bytes), %v", i, d, n, err)
		}
	}
}
