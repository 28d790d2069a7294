package nix2container

import (
	"archive/tar"
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureAppPath is a store path of the golden fixtures, used to detect
// whether they are installed in the real /nix/store.
const fixtureAppPath = "/nix/store/b38m0372s0mrl0lp3xrna2nhs5bphw1i-shared-app"

// storeRoot extracts testdata/trees.tar into a temporary directory laid out
// as <root>/nix/store/<hash>-<name> (per testdata/store-paths.txt) with
// Nix's canonical modes, and returns root.
func storeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	t.Cleanup(func() { makeWritable(t, root) })

	names := storeNames(t)
	f, err := os.Open("testdata/trees.tar")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	modes := map[string]int64{}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading trees.tar: %v", err)
		}
		rel := path.Clean(hdr.Name)
		if rel == "." {
			continue
		}
		top, rest, _ := strings.Cut(rel, "/")
		base, ok := names[top]
		if !ok {
			t.Fatalf("trees.tar entry %s: %s is not in store-paths.txt", hdr.Name, top)
		}
		dst := filepath.Join(root, "nix", "store", base, filepath.FromSlash(rest))
		extractEntry(t, tr, hdr, dst)
		modes[dst] = hdr.Mode
	}
	for p, mode := range modes {
		canonicalize(t, p, mode)
	}
	return root
}

// storeNames maps "shared-app" to "<hash>-shared-app".
func storeNames(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/store-paths.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		base := path.Base(line)
		_, name, ok := strings.Cut(base, "-")
		if !ok {
			t.Fatalf("store-paths.txt: bad line %q", line)
		}
		names[name] = base
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

func extractEntry(t *testing.T, tr *tar.Reader, hdr *tar.Header, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
	case tar.TypeReg:
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	case tar.TypeSymlink:
		if err := os.Symlink(hdr.Linkname, dst); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("trees.tar entry %s: unexpected type %c", hdr.Name, hdr.Typeflag)
	}
}

// canonicalize sets the modes Nix gives store files: directories 0555,
// files 0555 when any execute bit is set, else 0444.
func canonicalize(t *testing.T, p string, tarMode int64) {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	var mode fs.FileMode
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return
	case info.IsDir():
		mode = 0o555
	case tarMode&0o111 != 0:
		mode = 0o555
	default:
		mode = 0o444
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// makeWritable restores u+w on directories so that TempDir removal works.
func makeWritable(t *testing.T, root string) {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, 0o755)
		}
		return nil
	})
	if err != nil {
		t.Errorf("restoring write permission under %s: %v", root, err)
	}
}

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
