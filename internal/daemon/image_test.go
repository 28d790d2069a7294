package daemon

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
)

// storeTree is one store path's files: relative name → content. Files under
// bin/ are executable.
type storeTree map[string]string

// testImage lays out one store path per layer under a temporary root and
// returns the nix2container image whose digests match them.
func testImage(t *testing.T, layers ...storeTree) (*nix2container.Image, nix2container.Store) {
	t.Helper()
	root := t.TempDir()
	src := nix2container.Store{Root: root}
	created := time.Date(2025, 9, 20, 0, 0, 0, 0, time.UTC)
	img := &nix2container.Image{Version: 1, Arch: "amd64", Created: &created}
	img.Config.Cmd = []string{"/bin/app"}
	for i, files := range layers {
		sp := fmt.Sprintf("/nix/store/%032d-layer%d", i, i)
		writeTree(t, filepath.Join(root, sp), files)
		l := nix2container.Layer{MediaType: "application/vnd.oci.image.layer.v1.tar", Paths: []nix2container.Path{{Path: sp}}}
		h := sha256.New()
		n, err := l.WriteBlob(context.Background(), h, src)
		if err != nil {
			t.Fatalf("hashing layer %d: %v", i, err)
		}
		l.Digest = digest.NewDigest(digest.SHA256, h)
		l.DiffID, l.Size = l.Digest, n
		img.Layers = append(img.Layers, l)
	}
	return img, src
}

func writeTree(t *testing.T, dir string, files storeTree) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o444)
		if strings.HasPrefix(name, "bin/") {
			mode = 0o555
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// tamper changes a file of layer i after its digest was recorded.
func tamper(t *testing.T, src nix2container.Store, img *nix2container.Image, i int, name, content string) {
	t.Helper()
	p := filepath.Join(src.Root, img.Layers[i].Paths[0].Path, name)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o444); err != nil {
		t.Fatal(err)
	}
}

var threeLayers = []storeTree{
	{"lib/libfoo.so": "library"},
	{"share/doc/README": "documentation"},
	{"bin/app": "application v1"},
}
