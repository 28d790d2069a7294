package nix2container

import (
	"archive/tar"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureAppPath is a store path of the golden fixtures, used to detect
// whether they are installed in the real /nix/store.
const fixtureAppPath = "/nix/store/b38m0372s0mrl0lp3xrna2nhs5bphw1i-shared-app"

// writeFile replaces a file in a store tree, keeping it read-only.
func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	dir := filepath.Dir(p)
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// mkStore creates files under <root>/nix/store from a map of relative path
// to contents; a value starting with "->" makes a symlink, a key ending in
// "/" a directory.
func mkStore(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, "nix", "store", filepath.FromSlash(rel))
		if strings.HasSuffix(rel, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTar lists a tar stream's headers.
func readTar(t *testing.T, data []byte) []*tar.Header {
	t.Helper()
	var hdrs []*tar.Header
	tr := tar.NewReader(strings.NewReader(string(data)))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hdrs
		}
		if err != nil {
			t.Fatalf("reading tar: %v", err)
		}
		hdrs = append(hdrs, hdr)
	}
}
