package push

import (
	"errors"
	"net/http"
	"strings"
	"testing"
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
		_, err = httpGuard{next: next, insecure: tt.insecure}.RoundTrip(req)
		if next.called != tt.allowed || (err != nil) == tt.allowed || (err != nil && !errors.Is(err, ErrPlainHTTP)) {
			t.Errorf("RoundTrip(%s, insecure=%v) = %v, passed on %v; want passed on %v", tt.url, tt.insecure, err, next.called, tt.allowed)
		}
	}
}
