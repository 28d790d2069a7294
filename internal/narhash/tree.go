package narhash

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// File is a regular file of a tree that exists only as a list: Files
// hashes the tree as if the files were laid out on disk.
type File struct {
	// Path is the file's slash-separated path in the tree, such as
	// "models/blobs/sha256-…"; the directories on it are implied.
	Path string
	// Size is the file's length. Open must yield exactly Size bytes.
	Size int64
	// Executable marks a file its owner may execute.
	Executable bool
	// Open returns the contents. Files calls it once, when the file's turn
	// comes, and closes what it returns. A Close error (a reader that
	// verifies what it read, say) fails the hash.
	Open func() (io.ReadCloser, error)
}

// Files returns the NAR hash of a directory that holds exactly files and
// the directories their paths name: the hash `nix hash path` would print
// for that directory. The files are read one at a time in NAR order, so a
// tree of blobs can be hashed where the blobs lie, without copying them.
func Files(ctx context.Context, files []File) (Hash, error) {
	root, err := buildTree(files)
	if err != nil {
		return Hash{}, fmt.Errorf("hashing file list: %w", err)
	}
	e := newEncoder(ctx)
	if err := root.encode(e); err != nil {
		return Hash{}, err
	}
	return e.finish()
}

// dirNode is a directory of the listed tree.
type dirNode struct {
	dirs  map[string]*dirNode
	files map[string]*File
}

func newDir() *dirNode { return &dirNode{dirs: map[string]*dirNode{}, files: map[string]*File{}} }

func buildTree(files []File) (*dirNode, error) {
	root := newDir()
	for i := range files {
		f := &files[i]
		parts := strings.Split(f.Path, "/")
		for _, p := range parts {
			if !validName(p) {
				return nil, fmt.Errorf("invalid path %q: empty, \".\" or \"..\" component, or a NUL byte", f.Path)
			}
		}
		if f.Size < 0 || f.Open == nil {
			return nil, fmt.Errorf("%s: negative size or no contents", f.Path)
		}
		d := root
		for _, p := range parts[:len(parts)-1] {
			if _, ok := d.files[p]; ok {
				return nil, fmt.Errorf("%s: a file on its path is listed too", f.Path)
			}
			next, ok := d.dirs[p]
			if !ok {
				next = newDir()
				d.dirs[p] = next
			}
			d = next
		}
		name := parts[len(parts)-1]
		if _, ok := d.files[name]; ok {
			return nil, fmt.Errorf("%s: listed twice", f.Path)
		}
		if _, ok := d.dirs[name]; ok {
			return nil, fmt.Errorf("%s: listed as a file and a directory", f.Path)
		}
		d.files[name] = f
	}
	return root, nil
}

func validName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsRune(s, 0)
}

func (d *dirNode) encode(e *encoder) error {
	names := make([]string, 0, len(d.dirs)+len(d.files))
	for n := range d.dirs {
		names = append(names, n)
	}
	for n := range d.files {
		names = append(names, n)
	}
	sort.Strings(names)
	e.openDir()
	for _, n := range names {
		e.openEntry(n)
		if sub, ok := d.dirs[n]; ok {
			if err := sub.encode(e); err != nil {
				return err
			}
		} else if err := encodeFile(e, d.files[n]); err != nil {
			return err
		}
		e.closeEntry()
	}
	e.closeDir()
	return e.err
}

func encodeFile(e *encoder, f *File) error {
	r, err := f.Open()
	if err != nil {
		return fmt.Errorf("hashing %s: %w", f.Path, err)
	}
	err = e.regular(f.Executable, f.Size, r)
	if err == nil {
		var one [1]byte
		if n, _ := r.Read(one[:]); n > 0 {
			err = fmt.Errorf("longer than %d bytes", f.Size)
			e.err = err
		}
	}
	if cerr := r.Close(); err == nil && cerr != nil {
		err = cerr
		e.err = cerr
	}
	if err != nil {
		return fmt.Errorf("hashing %s: %w", f.Path, err)
	}
	return nil
}
