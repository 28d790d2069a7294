package storetest

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	digest "github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
)

// Dir is the fixtures' directory: internal/nix2container/testdata.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "nix2container", "testdata")
}

// Cases lists the fixture case names (basic, edge, layered, nonrepro,
// perms).
func Cases(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(Dir(), "cases"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Expected mirrors a case's expected.json.
type Expected struct {
	ConfigDigest digest.Digest `json:"config_digest"`
	ConfigSize   int64         `json:"config_size"`
	Layers       []struct {
		Digest digest.Digest `json:"digest"`
		DiffID digest.Digest `json:"diff_id"`
		Size   int64         `json:"size"`
	} `json:"layers"`
}

// JSON returns the path of a case's image.json.
func JSON(name string) string {
	return filepath.Join(Dir(), "cases", name, "image.json")
}

// Case reads a case's image JSON and expectations.
func Case(t testing.TB, name string) (*nix2container.Image, Expected) {
	t.Helper()
	img, err := nix2container.ReadFile(JSON(name))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(Dir(), "cases", name, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want Expected
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("reading expected.json of %s: %v", name, err)
	}
	return img, want
}

// Root extracts the fixtures' store paths into a temporary directory laid
// out as <root>/nix/store/<hash>-<name>, with the modes Nix gives store
// files, and returns the nix2container options that read it.
func Root(t testing.TB) nix2container.Options {
	t.Helper()
	root := t.TempDir()
	t.Cleanup(func() { makeWritable(t, root) })
	names := storeNames(t)
	f, err := os.Open(filepath.Join(Dir(), "trees.tar"))
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
	return nix2container.Options{Root: root}
}

// Tamper replaces the file rel of store path sp (/nix/store/…) under
// src.Root with content, as a damaged or changed store would.
func Tamper(t testing.TB, src nix2container.Options, sp, rel, content string) {
	t.Helper()
	p := filepath.Join(src.Root, sp, filepath.FromSlash(rel))
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
	if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// storeNames maps "shared-app" to "<hash>-shared-app".
func storeNames(t testing.TB) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(), "store-paths.txt"))
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
