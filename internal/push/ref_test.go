package push

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref, insecure, want, scheme, wantErr string
	}{
		{ref: "ghcr.io/owner/repo/ollama:latest", want: "ghcr.io/owner/repo/ollama:latest", scheme: "https"},
		{ref: "ghcr.io/owner/ollama", want: "ghcr.io/owner/ollama:latest", scheme: "https"},
		{ref: "127.0.0.1:5000/ollama:dev", want: "127.0.0.1:5000/ollama:dev", scheme: "http"},
		{ref: "localhost:5000/a/b:c", want: "localhost:5000/a/b:c", scheme: "http"},
		{ref: "[::1]:5000/a:b", want: "[::1]:5000/a:b", scheme: "http"},
		{ref: "registry.lan:5000/a:b", want: "registry.lan:5000/a:b", scheme: "https"},
		{ref: "registry.lan:5000/a:b", insecure: "yes", want: "registry.lan:5000/a:b", scheme: "http"},
		{ref: "docker.io/owner/ollama:1", want: "index.docker.io/owner/ollama:1", scheme: "https"},
		{ref: "ollama:dev", wantErr: "names no registry"},
		{ref: "owner/ollama:dev", wantErr: "names no registry"},
		{ref: "ghcr.io/o/a@sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb", wantErr: "give a tag"},
		{ref: "ghcr.io/O/Upper:x", wantErr: "invalid push reference"},
		{ref: "ghcr.io/a__b/c-d/e--f/g.h_i:x", want: "ghcr.io/a__b/c-d/e--f/g.h_i:x", scheme: "https"},
		{ref: "127.0.0.1:5000/a/../b:c", wantErr: `invalid push reference "127.0.0.1:5000/a/../b:c": repository path component ".."`},
		{ref: "127.0.0.1:5000/../b:c", wantErr: `repository path component ".."`},
		{ref: "127.0.0.1:5000/a/./b:c", wantErr: `repository path component "."`},
		{ref: "127.0.0.1:5000/a//b:c", wantErr: `repository path component ""`},
		{ref: "127.0.0.1:5000/a/b/:c", wantErr: `repository path component ""`},
		{ref: "127.0.0.1:5000/.a:c", wantErr: `repository path component ".a"`},
		{ref: "127.0.0.1:5000/a-:c", wantErr: `repository path component "a-"`},
		{ref: "127.0.0.1:5000/a___b:c", wantErr: `repository path component "a___b"`},
		{ref: "127.0.0.1:5000/a._b:c", wantErr: `repository path component "a._b"`},
	}
	for _, tt := range tests {
		got, err := ParseRef(tt.ref, tt.insecure != "")
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRef(%q) = %v, %v, want error %q", tt.ref, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRef(%q) = %v", tt.ref, err)
			continue
		}
		if got.Name() != tt.want || got.Scheme() != tt.scheme {
			t.Errorf("ParseRef(%q) = %s over %s, want %s over %s", tt.ref, got.Name(), got.Scheme(), tt.want, tt.scheme)
		}
	}
}

// recordingTransport records whether a request got through.
type recordingTransport struct{ called bool }

func (r *recordingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	r.called = true
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

func TestHTTPGuard(t *testing.T) {
	tests := []struct {
		url      string
		insecure bool
		allowed  bool
	}{
		{"https://10.1.2.3/v2/", false, true},
		{"http://10.1.2.3/v2/", false, false},
		{"http://registry.local:5000/v2/", false, false},
		{"http://10.1.2.3/v2/", true, true},
		{"http://127.0.0.1:5000/v2/", false, true},
		{"http://localhost:5000/v2/", false, true},
		{"http://[::1]:5000/v2/", false, true},
	}
	for _, tt := range tests {
		next := &recordingTransport{}
		req, err := http.NewRequest(http.MethodGet, tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = (&registryTransport{next: next, insecure: tt.insecure}).RoundTrip(req)
		if next.called != tt.allowed || (err != nil) == tt.allowed || (err != nil && !errors.Is(err, ErrPlainHTTP)) {
			t.Errorf("RoundTrip(%s, insecure=%v) = %v, passed on %v; want passed on %v", tt.url, tt.insecure, err, next.called, tt.allowed)
		}
	}
}

// TestPlainHTTPRegistryNeedsInsecure pushes to registries that are not on
// loopback by name but answer in plain HTTP (the connections go to a test
// registry on 127.0.0.1).
func TestPlainHTTPRegistryNeedsInsecure(t *testing.T) {
	host, _ := testRegistry(t, nil)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, host)
	}
	img, _ := fixtures.Case(t, "basic")
	src := fixtures.Root(t)
	for _, registry := range []string{"registry.lan:5000", "10.1.2.3:5000"} {
		ref := registry + "/nanna/basic:v1"
		_, err := Image(context.Background(), img, []string{ref}, Options{Store: src, dial: dial})
		want := "pushing " + ref + ": registry " + registry + " "
		if !errors.Is(err, ErrPlainHTTP) || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "allow it explicitly") || strings.Count(err.Error(), registry) != 2 {
			t.Errorf("Image(%s) = %v, want ErrPlainHTTP, one line starting %q, ending \"allow it explicitly\"", ref, err, want)
		}
		if _, err := Image(context.Background(), img, []string{ref}, Options{Store: src, dial: dial, Insecure: true}); err != nil {
			t.Errorf("Image(%s) with Insecure = %v", ref, err)
		}
	}
}
