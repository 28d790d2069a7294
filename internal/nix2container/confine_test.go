package nix2container

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRefusesPathsOutsideStore(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		want   string // substring of the error; "" to accept
	}{
		{"store path", `"paths":[{"path":"/nix/store/aaaa-x"}]`, ""},
		{"store path, unclean", `"paths":[{"path":"/nix/store/./aaaa-x/"}]`, ""},
		{"file outside", `"paths":[{"path":"/tmp/x/secret"}]`, "layer 0: paths[0].path /tmp/x/secret is outside /nix/store, the Nix store"},
		{"dot-dot out of the store", `"paths":[{"path":"/nix/store/../../tmp/x"}]`, "paths[0].path /nix/store/../../tmp/x is outside /nix/store, the Nix store"},
		{"second path", `"paths":[{"path":"/nix/store/aaaa-x"},{"path":"/etc"}]`, "paths[1].path /etc is outside /nix/store, the Nix store"},
		{"relative", `"paths":[{"path":"nix/store/aaaa-x"}]`, "is outside /nix/store, the Nix store"},
		{"the store itself", `"paths":[{"path":"/nix/store"}]`, "is outside /nix/store, the Nix store"},
		{"the store with a slash", `"paths":[{"path":"/nix/store/"}]`, "is outside /nix/store, the Nix store"},
		{"store dot-dot", `"paths":[{"path":"/nix/store/.."}]`, "is outside /nix/store, the Nix store"},
		{"below a store path", `"paths":[{"path":"/nix/store/aaaa-x/bin/sh"}]`, "paths[0].path /nix/store/aaaa-x/bin/sh is not a store path"},
		{"layer-path", `"layer-path":"/nix/store/bbbb-docker-image/x"`, ""},
		{"layer-path outside", `"layer-path":"/etc/shadow"`, "layer 0: layer-path /etc/shadow is outside /nix/store, the Nix store"},
		{"layer-path dot-dot", `"layer-path":"/nix/store/../etc/passwd"`, "layer-path /nix/store/../etc/passwd is outside /nix/store, the Nix store"},
		{"layer-path the store", `"layer-path":"/nix/store/."`, "is outside /nix/store, the Nix store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(imageJSON(layerJSON(tt.fields))))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Parse() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Parse() = %v, want an error containing %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("Parse() error %q spans several lines", err)
			}
		})
	}
}

// escapingStore is a store root whose store paths lead out of the store
// through symlinks, with a secret file outside the store.
type escapingStore struct {
	opts   Store
	secret []byte
}

func newEscapingStore(t *testing.T) escapingStore {
	t.Helper()
	root := t.TempDir()
	secret := []byte(strings.Repeat("root:secret-hash:19000:0:99999:7:::\n", 100))
	outside := filepath.Join(root, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "shadow"), secret, 0o444); err != nil {
		t.Fatal(err)
	}
	mkStore(t, root, map[string]string{
		"1111-blob":          "->../../outside/shadow",
		"2222-abs":           "->" + filepath.Join(outside, "shadow"),
		"3333-dir":           "->../../outside",
		"4444-tars/ok.tar":   "tar",
		"5555-link-in-store": "->4444-tars/ok.tar",
		"6666-app/bin/foo":   "->/etc/passwd",
		"7777-etc":           "->/etc",
	})
	return escapingStore{opts: Store{Root: root}, secret: secret}
}

func TestLayerPathSymlinkOutOfStore(t *testing.T) {
	s := newEscapingStore(t)
	tests := []struct {
		name      string
		layerPath string
		want      string // substring of the error; "" to accept
	}{
		{"relative symlink out", "/nix/store/1111-blob", "layer 0: layer-path /nix/store/1111-blob is outside /nix/store, the Nix store"},
		{"absolute symlink out", "/nix/store/2222-abs", "layer 0: layer-path /nix/store/2222-abs is outside /nix/store, the Nix store"},
		{"store path is a symlink to a directory out", "/nix/store/3333-dir/shadow", "layer 0: layer-path /nix/store/3333-dir/shadow is outside /nix/store, the Nix store"},
		{"symlink within the store", "/nix/store/5555-link-in-store", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := &Image{Version: 1, Layers: []Layer{{LayerPath: tt.layerPath, MediaType: MediaTypeTar,
				Digest: dgstA, DiffID: dgstA}}}
			err := img.Check(s.opts)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check() = %v, want an error containing %q", err, tt.want)
			}
			// Even without Check, nothing outside the store is read.
			var out bytes.Buffer
			_, err = img.StreamLayer(context.Background(), 0, &out, s.opts)
			if err == nil || !strings.Contains(err.Error(), "outside /nix/store, the Nix store") {
				t.Errorf("StreamLayer() = %v, want an error saying the layer-path is outside the Nix store", err)
			}
			if out.Len() != 0 {
				t.Errorf("StreamLayer() wrote %d bytes of a file outside the store, want 0", out.Len())
			}
			if sum := fmt.Sprintf("%x", sha256.Sum256(s.secret)); strings.Contains(err.Error(), sum) {
				t.Errorf("StreamLayer() error %q gives the digest of a file outside the store", err)
			}
		})
	}
}

func TestStreamRefusesPathsOutsideStore(t *testing.T) {
	s := newEscapingStore(t)
	for _, p := range []string{"/outside/shadow", "/nix/store/../../outside/shadow", "/nix/store/4444-tars/ok.tar"} {
		t.Run(p, func(t *testing.T) {
			img := &Image{Version: 1, Layers: []Layer{{Paths: []Path{{Path: p}}, MediaType: MediaTypeTar,
				Digest: dgstA, DiffID: dgstA, Size: 10240}}}
			if err := img.Check(s.opts); err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("Check() = %v, want an error naming %s", err, p)
			}
			var out bytes.Buffer
			_, err := img.StreamLayer(context.Background(), 0, &out, s.opts)
			if err == nil || !strings.Contains(err.Error(), "Nix store") {
				t.Errorf("StreamLayer() = %v, want an error saying %s is not a store path", err, p)
			}
			if out.Len() != 0 {
				t.Errorf("StreamLayer() wrote %d bytes, want 0", out.Len())
			}
		})
	}
}

// Symlinks inside a store path, or a store path that is a symlink, become
// symlink entries: their targets are never read.
func TestSymlinksAreNotFollowed(t *testing.T) {
	s := newEscapingStore(t)
	for _, tt := range []struct{ path, entry, link string }{
		{"/nix/store/6666-app", "/nix/store/6666-app/bin/foo", "/etc/passwd"},
		{"/nix/store/7777-etc", "/nix/store/7777-etc", "/etc"},
		{"/nix/store/7777-etc/", "/nix/store/7777-etc", "/etc"}, // a trailing slash makes Lstat follow
		{"/nix/store/1111-blob", "/nix/store/1111-blob", "../../outside/shadow"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			data := blob(t, Layer{Paths: []Path{{Path: tt.path}}}, s.opts)
			if bytes.Contains(data, s.secret[:64]) {
				t.Errorf("the layer of %s contains the file outside the store", tt.path)
			}
			var found bool
			for _, h := range readTar(t, data) {
				if h.Name == tt.entry {
					found = true
					if h.Typeflag != '2' || h.Linkname != tt.link || h.Size != 0 {
						t.Errorf("entry %s = type %c, link %q, size %d; want a symlink to %s", h.Name, h.Typeflag, h.Linkname, h.Size, tt.link)
					}
				}
				if strings.HasPrefix(h.Name, tt.entry+"/") {
					t.Errorf("entry %s: the symlink %s was followed", h.Name, tt.entry)
				}
			}
			if !found {
				t.Errorf("the layer of %s has no entry %s", tt.path, tt.entry)
			}
		})
	}
}
