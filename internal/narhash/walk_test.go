package narhash

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nix-community/go-nix/pkg/nar"
)

// countingFS is the real file system, counting the files open at once.
type countingFS struct {
	osFS
	mu        sync.Mutex
	open, max int
	fail      string // openFile fails for this path
}

func (c *countingFS) add(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open += n
	c.max = max(c.max, c.open)
}

func (c *countingFS) openFile(name string) (io.ReadCloser, error) {
	if name == c.fail {
		return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
	}
	f, err := c.osFS.openFile(name)
	if err != nil {
		return nil, err
	}
	c.add(1)
	return countedFile{f, c}, nil
}

func (c *countingFS) readDirNames(name string) ([]string, error) {
	c.add(1)
	defer c.add(-1)
	return c.osFS.readDirNames(name)
}

type countedFile struct {
	io.ReadCloser
	fs *countingFS
}

func (f countedFile) Close() error {
	f.fs.add(-1)
	return f.ReadCloser.Close()
}

// TestPathBoundsOpenFiles hashes trees deep and wide, whole or stopped by
// an error, and counts the files open at once: never more than maxOpen,
// and none once Path returns.
func TestPathBoundsOpenFiles(t *testing.T) {
	wants := readVectors(t)
	dir := t.TempDir()
	wide := vector{"wide", []entry{{kind: 'd'}}}
	for i := range 3 * maxOpen {
		wide.entries = append(wide.entries, file(filepath.Join("sub", string(rune('a'+i/26)), string(rune('a'+i%26))), "x"))
	}
	deepPath := deep().build(t, dir)
	tests := []struct {
		name, path string
		fail       string // a file that cannot be opened
		want       string // the hash; empty: go-nix's, or an error
	}{
		{"deep", deepPath, "", wants["deep"].SRI},
		{"wide", wide.build(t, dir), "", ""},
		{"deep, a file at the bottom unreadable", deepPath, filepath.Join(deepPath, filepath.FromSlash("d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/bottom")), ""},
		{"deep, a file at the top unreadable", deepPath, filepath.Join(deepPath, "b"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := &countingFS{fail: tt.fail}
			h, err := hashPath(context.Background(), tt.path, fsys)
			switch {
			case tt.fail != "" && !errors.Is(err, os.ErrPermission):
				t.Errorf("hashPath = %v, want a permission error", err)
			case tt.fail == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && h.SRI() != tt.want:
				t.Errorf("hashPath = %s, want %s", h.SRI(), tt.want)
			case tt.want == "" && tt.fail == "":
				sum := sha256.New()
				if err := nar.DumpPath(sum, tt.path); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(h.Sum[:], sum.Sum(nil)) {
					t.Errorf("hashPath = %x, go-nix %x", h.Sum, sum.Sum(nil))
				}
			}
			if fsys.max > maxOpen || fsys.open != 0 {
				t.Errorf("hashPath kept up to %d files open at once (want at most %d), and %d after it returned", fsys.max, maxOpen, fsys.open)
			}
			t.Logf("up to %d files open at once", fsys.max)
		})
	}
}
