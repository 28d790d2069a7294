package ollama

import (
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/registrytest"
)

func TestParseManifest(t *testing.T) {
	tiny := registrytest.TinyModel(1, 1000)
	m, err := ParseManifest(tiny.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Raw()) != string(tiny.Manifest) {
		t.Error("Raw() differs from the input")
	}
	if m.Size() != tiny.Size() || len(m.Blobs()) != 5 || m.Layers[0].MediaType != ModelMediaType || m.Config.MediaType != ConfigMediaType {
		t.Errorf("ParseManifest = size %d, %d blobs, %+v", m.Size(), len(m.Blobs()), m)
	}
	if m.Blobs()[1].BlobFile() != "sha256-"+strings.TrimPrefix(tiny.Layers[0].Digest(), "sha256:") {
		t.Errorf("BlobFile = %s", m.Blobs()[1].BlobFile())
	}

	bad := map[string]string{
		"not json":       `{`,
		"schema 1":       `{"schemaVersion":1,"layers":[]}`,
		"no layers":      `{"schemaVersion":2,"config":{"digest":"sha256:` + strings.Repeat("a", 64) + `"}}`,
		"upper-case hex": `{"schemaVersion":2,"config":{"digest":"sha256:` + strings.Repeat("A", 64) + `"},"layers":[{"digest":"sha256:` + strings.Repeat("a", 64) + `"}]}`,
		"path in digest": `{"schemaVersion":2,"config":{"digest":"sha256:../../etc/passwd"},"layers":[{"digest":"sha256:` + strings.Repeat("a", 64) + `"}]}`,
		"negative size":  `{"schemaVersion":2,"config":{"digest":"sha256:` + strings.Repeat("a", 64) + `","size":-1},"layers":[{"digest":"sha256:` + strings.Repeat("a", 64) + `"}]}`,
	}
	for name, raw := range bad {
		if _, err := ParseManifest([]byte(raw)); err == nil {
			t.Errorf("ParseManifest(%s) succeeded, want an error", name)
		}
	}
}

func TestParseBearer(t *testing.T) {
	p, ok := parseBearer(`Bearer realm="https://auth.example/token",service="registry.example",scope="repository:library/x:pull"`)
	if !ok || p["realm"] != "https://auth.example/token" || p["service"] != "registry.example" || p["scope"] != "repository:library/x:pull" {
		t.Errorf("parseBearer = %v, %v", p, ok)
	}
	if _, ok := parseBearer(`Basic realm="x"`); ok {
		t.Error("parseBearer(Basic) succeeded")
	}
}
