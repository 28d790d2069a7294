package push

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/opencontainers/go-digest"
)

// pushRandom writes a small random image to ref and returns its manifest
// digest.
func pushRandom(t *testing.T, ref string) digest.Digest {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	h, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return digest.Digest(h.String())
}

// methods records the manifest requests a registry receives.
type methods struct {
	mu   sync.Mutex
	seen []string
}

func (m *methods) record(w http.ResponseWriter, r *http.Request) bool {
	if strings.Contains(r.URL.Path, "/manifests/") {
		m.mu.Lock()
		m.seen = append(m.seen, r.Method)
		m.mu.Unlock()
	}
	return false
}

func TestManifestDigest(t *testing.T) {
	var m methods
	host, _ := testRegistry(t, m.record)
	want := pushRandom(t, host+"/nanna/ollama:v1")
	m.seen = nil
	tests := []struct {
		name, ref string
		want      digest.Digest
		err       string
	}{
		{"by tag", host + "/nanna/ollama:v1", want, ""},
		{"by digest", host + "/nanna/ollama@" + want.String(), want, ""},
		{"by tag and digest", host + "/nanna/ollama:v1@" + want.String(), want, ""},
		{"tag gone", host + "/nanna/ollama:v2", "", "checking manifest " + host + "/nanna/ollama:v2: not in the registry"},
		{"repository gone", host + "/nanna/harness:v1", "", "checking manifest " + host + "/nanna/harness:v1: not in the registry"},
		{"digest gone", host + "/nanna/ollama@sha256:" + strings.Repeat("0", 64), "", "checking manifest " + host + "/nanna/ollama@sha256:" + strings.Repeat("0", 64) + ": not in the registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ManifestDigest(context.Background(), tt.ref, Options{})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !errors.Is(err, ErrManifestUnknown) {
					t.Errorf("ManifestDigest(%s) = %q, %v; want ErrManifestUnknown: %s", tt.ref, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ManifestDigest(%s) = %q, %v; want %s", tt.ref, got, err, tt.want)
			}
		})
	}
	for _, method := range m.seen {
		if method != http.MethodHead {
			t.Errorf("manifest requests %q, want HEAD only (nothing downloaded)", m.seen)
			break
		}
	}
	if len(m.seen) != len(tests) {
		t.Errorf("%d manifest requests for %d checks (%q), want one each", len(m.seen), len(tests), m.seen)
	}
}

func TestManifestDigestInvalidRef(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"ollama:dev", `invalid push reference "ollama:dev": it names no registry`},
		{"127.0.0.1:5000/Nanna/ollama:dev", `invalid push reference "127.0.0.1:5000/Nanna/ollama:dev": `},
		{"127.0.0.1:5000/nanna/ollama@sha256:abc", `invalid reference "127.0.0.1:5000/nanna/ollama@sha256:abc": `},
	}
	for _, tt := range tests {
		_, err := ManifestDigest(context.Background(), tt.ref, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ManifestDigest(%s) = %v, want %s…", tt.ref, err, tt.want)
		}
	}
}

func TestManifestDigestAuth(t *testing.T) {
	host, _ := testRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
		if u, p, ok := r.BasicAuth(); ok && u == "ci" && p == "secret" {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}`, http.StatusUnauthorized)
		return true
	})
	kc := staticKeychain{host: host, auth: &authn.Basic{Username: "ci", Password: "secret"}}
	ref := host + "/nanna/ollama:v1"
	tag, _ := name.NewTag(ref, name.Insecure)
	img, _ := random.Image(64, 1)
	if err := remote.Write(tag, img, remote.WithAuth(&authn.Basic{Username: "ci", Password: "secret"})); err != nil {
		t.Fatal(err)
	}
	_, err := ManifestDigest(context.Background(), ref, Options{Keychain: staticKeychain{}})
	if err == nil || !strings.Contains(err.Error(), "401 Unauthorized") || !strings.Contains(err.Error(), "docker login "+host) || errors.Is(err, ErrManifestUnknown) {
		t.Errorf("ManifestDigest() without credentials = %v, want 401 Unauthorized and how to log in", err)
	}
	if _, err := ManifestDigest(context.Background(), ref, Options{Keychain: kc}); err != nil {
		t.Errorf("ManifestDigest() with credentials = %v", err)
	}
}

// TestManifestDigestPlainHTTP checks registries that are not on loopback
// by name but answer in plain HTTP (the connections go to a test registry
// on 127.0.0.1): refused unless Insecure.
func TestManifestDigestPlainHTTP(t *testing.T) {
	host, _ := testRegistry(t, nil)
	want := pushRandom(t, host+"/nanna/ollama:v1")
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, host)
	}
	ref := "registry.lan:5000/nanna/ollama:v1"
	if _, err := ManifestDigest(context.Background(), ref, Options{dial: dial}); !errors.Is(err, ErrPlainHTTP) {
		t.Errorf("ManifestDigest(%s) = %v, want ErrPlainHTTP", ref, err)
	}
	if got, err := ManifestDigest(context.Background(), ref, Options{dial: dial, Insecure: true}); err != nil || got != want {
		t.Errorf("ManifestDigest(%s) with Insecure = %q, %v; want %s", ref, got, err, want)
	}
}

func TestManifestDigestRetries(t *testing.T) {
	tests := []struct {
		attempts int
		wantErr  bool
	}{{1, true}, {2, false}}
	for _, tt := range tests {
		var mu sync.Mutex
		fail := false
		host, _ := testRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
			mu.Lock()
			defer mu.Unlock()
			if r.Method == http.MethodHead && fail {
				fail = false
				http.Error(w, "", http.StatusServiceUnavailable)
				return true
			}
			return false
		})
		want := pushRandom(t, host+"/nanna/ollama:v1")
		mu.Lock()
		fail = true // the next HEAD
		mu.Unlock()
		noSleep := func(context.Context, time.Duration) error { return nil }
		got, err := ManifestDigest(context.Background(), host+"/nanna/ollama:v1", Options{Attempts: tt.attempts, sleep: noSleep})
		if (err != nil) != tt.wantErr || (err == nil && got != want) || errors.Is(err, ErrManifestUnknown) {
			t.Errorf("ManifestDigest() with one 503 and %d attempts = %q, %v; want error %v", tt.attempts, got, err, tt.wantErr)
		}
	}
}

// TestManifestDigestTimeout checks a registry that never answers the HEAD:
// Options.Timeout ends the check.
func TestManifestDigestTimeout(t *testing.T) {
	host, _ := testRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodHead {
			<-r.Context().Done() // until the client gives up
			return true
		}
		return false
	})
	_, err := ManifestDigest(context.Background(), host+"/nanna/ollama:v1", Options{Timeout: 100 * time.Millisecond, Attempts: 3})
	if !errors.Is(err, ErrTimeout) || errors.Is(err, ErrManifestUnknown) {
		t.Errorf("ManifestDigest() of a silent registry = %v, want ErrTimeout", err)
	}
}
