package narhash

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// filesOf lists the regular files under dir as Files reading from disk.
func filesOf(t *testing.T, dir string) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, File{
			Path: filepath.ToSlash(rel), Size: fi.Size(), Executable: fi.Mode()&0o100 != 0,
			Open: func() (io.ReadCloser, error) { return os.Open(p) },
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestFilesMatchesPath hashes trees of regular files both ways: listed, and
// laid out on disk.
func TestFilesMatchesPath(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"doc-hello", "sizes", "model-layout", "non-ascii", "sort-order"} {
		var v vector
		for _, c := range vectors() {
			if c.name == name {
				v = c
			}
		}
		p := v.build(t, dir)
		want, err := Path(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		files := filesOf(t, p)
		// Reverse the list: Files must not depend on its order.
		for i, j := 0, len(files)-1; i < j; i, j = i+1, j-1 {
			files[i], files[j] = files[j], files[i]
		}
		got, err := Files(context.Background(), files)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Files(%s) = %s (%d bytes), Path = %s (%d bytes)", name, got, got.NARSize, want, want.NARSize)
		}
	}
}

type closeErr struct{ io.Reader }

func (closeErr) Close() error { return errors.New("digest mismatch") }

func TestFilesErrors(t *testing.T) {
	str := func(s string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
	}
	tests := []struct {
		name  string
		files []File
		want  string
	}{
		{"empty component", []File{{Path: "a//b", Open: str("")}}, "invalid path"},
		{"dot-dot", []File{{Path: "a/../b", Open: str("")}}, "invalid path"},
		{"leading slash", []File{{Path: "/a", Open: str("")}}, "invalid path"},
		{"twice", []File{{Path: "a", Open: str("")}, {Path: "a", Open: str("")}}, "listed twice"},
		{"file and dir", []File{{Path: "a", Open: str("")}, {Path: "a/b", Open: str("")}}, "a file on its path"},
		{"dir and file", []File{{Path: "a/b", Open: str("")}, {Path: "a", Open: str("")}}, "as a file and a directory"},
		{"short", []File{{Path: "a", Size: 5, Open: str("abc")}}, "read 3 bytes, want 5"},
		{"long", []File{{Path: "a", Size: 2, Open: str("abc")}}, "longer than 2 bytes"},
		{"close error", []File{{Path: "a", Size: 3, Open: func() (io.ReadCloser, error) { return closeErr{strings.NewReader("abc")}, nil }}}, "digest mismatch"},
		{"open error", []File{{Path: "a", Open: func() (io.ReadCloser, error) { return nil, os.ErrPermission }}}, "permission denied"},
	}
	for _, tt := range tests {
		_, err := Files(context.Background(), tt.files)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Files(%s) = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
