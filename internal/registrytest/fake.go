package registrytest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Fake is an in-process registry serving models over the Docker registry
// protocol's read side (GET and HEAD of manifests by tag or digest, of
// blobs by digest, with Range support for blobs), with faults that tests
// switch on. A HEAD answers with the headers a GET would have and no body;
// faults apply only to bodies, so a HEAD uses up none of them.
type Fake struct {
	// URL is the base URL, "http://127.0.0.1:<port>".
	URL string

	mu        sync.Mutex
	manifests map[string][]byte // "<repo>:<tag>"
	blobs     map[string][]byte // digest
	cuts      map[string][]int64
	hangs     map[string]int64
	corrupt   map[string]bool
	token     string
	requests  []Request
}

// Request is a request the fake received.
type Request struct {
	Method, Path, Range string
}

// NewFake starts a fake registry, stopped when the test ends.
func NewFake(t testing.TB) *Fake {
	f := &Fake{manifests: map[string][]byte{}, blobs: map[string][]byte{}, cuts: map[string][]int64{}, hangs: map[string]int64{}, corrupt: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Add serves m as repo:tag (repo such as "library/tiny").
func (f *Fake) Add(repo, tag string, m Model) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.manifests[repo+":"+tag] = m.Manifest
	for _, b := range m.Blobs() {
		f.blobs[b.Digest()] = b.Data
	}
}

// CutAfter makes the next GETs of the blob end the connection after the
// given numbers of body bytes, one number per request.
func (f *Fake) CutAfter(digest string, after ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cuts[digest] = append(f.cuts[digest], after...)
}

// HangAfter makes every GET of the blob send that many body bytes and then
// nothing until the client gives up.
func (f *Fake) HangAfter(digest string, after int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hangs[digest] = after
}

// Corrupt serves the blob with its last byte changed.
func (f *Fake) Corrupt(digest string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.corrupt[digest] = true
}

// RequireToken makes every request need "Authorization: Bearer <token>",
// which an anonymous GET /token?service=fake&scope=… hands out.
func (f *Fake) RequireToken(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = token
}

// Requests returns the requests received so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, Request{r.Method, r.URL.Path, r.Header.Get("Range")})
	token := f.token
	f.mu.Unlock()
	if r.URL.Path == "/token" {
		if r.URL.Query().Get("service") != "fake" || !strings.HasPrefix(r.URL.Query().Get("scope"), "repository:") {
			http.Error(w, "bad token request", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"token":%q}`, token)
		return
	}
	if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="http://%s/token",service="fake",scope="repository:library/x:pull"`, r.Host))
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED"}]}`, http.StatusUnauthorized)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v2/")
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	if i := strings.LastIndex(rest, "/manifests/"); i >= 0 {
		raw, ok := f.manifest(rest[:i], rest[i+len("/manifests/"):])
		if !ok {
			http.Error(w, `{"errors":[{"code":"MANIFEST_UNKNOWN"}]}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", manifestType)
		w.Header().Set("Docker-Content-Digest", digestOf(raw))
		w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
		if r.Method == http.MethodGet {
			w.Write(raw)
		}
		return
	}
	if i := strings.LastIndex(rest, "/blobs/"); i >= 0 {
		f.serveBlob(w, r, rest[i+len("/blobs/"):])
		return
	}
	http.NotFound(w, r)
}

// manifest returns the manifest of repo by tag or by digest.
func (f *Fake) manifest(repo, ref string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.HasPrefix(ref, "sha256:") {
		raw, ok := f.manifests[repo+":"+ref]
		return raw, ok
	}
	for key, raw := range f.manifests {
		if strings.HasPrefix(key, repo+":") && digestOf(raw) == ref {
			return raw, true
		}
	}
	return nil, false
}

// digestOf is "sha256:<hex>" of data.
func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (f *Fake) serveBlob(w http.ResponseWriter, r *http.Request, digest string) {
	f.mu.Lock()
	data, ok := f.blobs[digest]
	if ok && r.Method == http.MethodHead {
		f.mu.Unlock()
		w.Header().Set("Docker-Content-Digest", digest)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		return
	}
	cut := int64(-1)
	if c := f.cuts[digest]; len(c) > 0 {
		cut, f.cuts[digest] = c[0], c[1:]
	}
	hang, hangs := f.hangs[digest]
	if ok && f.corrupt[digest] && len(data) > 0 {
		data = append([]byte(nil), data...)
		data[len(data)-1] ^= 0xff
	}
	f.mu.Unlock()
	if !ok {
		http.Error(w, `{"errors":[{"code":"BLOB_UNKNOWN"}]}`, http.StatusNotFound)
		return
	}
	start := int64(0)
	if rg := r.Header.Get("Range"); rg != "" {
		s, ok := strings.CutPrefix(rg, "bytes=")
		s, _ = strings.CutSuffix(s, "-")
		n, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil || n < 0 || n >= int64(len(data)) {
			http.Error(w, "bad range", http.StatusRequestedRangeNotSatisfiable)
			return
		}
		start = n
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", n, len(data)-1, len(data)))
	}
	body := data[start:]
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if start > 0 {
		w.WriteHeader(http.StatusPartialContent)
	}
	if hangs && hang < int64(len(body)) {
		w.Write(body[:hang])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	if cut >= 0 && cut < int64(len(body)) {
		w.Write(body[:cut])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	w.Write(body)
}
