package registrytest

import (
	"io"
	"net/http"
	"strconv"
	"testing"
)

// TestFakeHead checks that a HEAD answers as a GET does, without a body,
// and leaves the faults to the GETs.
func TestFakeHead(t *testing.T) {
	f := NewFake(t)
	m := TinyModel(1, 1000)
	f.Add("library/tiny", "latest", m)
	weights := m.Layers[0].Digest()
	f.CutAfter(weights, 10)
	manifest := Blob{Data: m.Manifest}.Digest()
	tests := []struct {
		name, path string
		status     int
		digest     string
		size       int
	}{
		{"manifest by tag", "/v2/library/tiny/manifests/latest", http.StatusOK, manifest, len(m.Manifest)},
		{"manifest by digest", "/v2/library/tiny/manifests/" + manifest, http.StatusOK, manifest, len(m.Manifest)},
		{"manifest of another repository", "/v2/library/other/manifests/" + manifest, http.StatusNotFound, "", 0},
		{"unknown tag", "/v2/library/tiny/manifests/v2", http.StatusNotFound, "", 0},
		{"blob", "/v2/library/tiny/blobs/" + weights, http.StatusOK, weights, len(m.Layers[0].Data)},
		{"unknown blob", "/v2/library/tiny/blobs/" + Blob{}.Digest(), http.StatusNotFound, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Head(f.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("HEAD %s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			if tt.status != http.StatusOK {
				return
			}
			if got := resp.Header.Get("Docker-Content-Digest"); got != tt.digest {
				t.Errorf("HEAD %s: Docker-Content-Digest %q, want %q", tt.path, got, tt.digest)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(tt.size) {
				t.Errorf("HEAD %s: Content-Length %q, want %d", tt.path, got, tt.size)
			}
		})
	}
	// The cut is still there for the GET that follows the HEAD.
	resp, err := http.Get(f.URL + "/v2/library/tiny/blobs/" + weights)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(body) != 10 {
		t.Errorf("GET after HEAD of a blob cut after 10 bytes read %d bytes, want 10", len(body))
	}
}
