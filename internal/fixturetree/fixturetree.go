// Package fixturetree lays out the nix2container golden fixtures' store trees in a temporary directory, with the modes the Nix store gives them.
package fixturetree

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

// Extract unpacks dir/trees.tar into a temporary directory laid out as
// <root>/nix/store/<hash>-<name> (per dir/store-paths.txt), with Nix's
// canonical modes, and returns root. The tree is removed after the test.
func Extract(t testing.TB, dir string) string {
	t.Helper()
	root := t.TempDir()
	t.Cleanup(func() { makeWritable(t, root) })
	names := storeNames(t, dir)
	f, err := os.Open(filepath.Join(dir, "trees.tar"))
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
		extract(t, tr, hdr, dst)
		modes[dst] = hdr.Mode
	}
	for p, mode := range modes {
		canonicalize(t, p, mode)
	}
	return root
}

// storeNames maps "shared-app" to "<hash>-shared-app".
func storeNames(t testing.TB, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "store-paths.txt"))
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

func extract(t testing.TB, tr *tar.Reader, hdr *tar.Header, dst string) {
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
func canonicalize(t testing.TB, p string, tarMode int64) {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	var mode fs.FileMode
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return
	case info.IsDir(), tarMode&0o111 != 0:
		mode = 0o555
	default:
		mode = 0o444
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// makeWritable restores u+w on directories so that TempDir removal works.
func makeWritable(t testing.TB, root string) {
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
