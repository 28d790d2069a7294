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
