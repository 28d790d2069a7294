package nix2container

import (
	"archive/tar"
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/nanna-coder/build/internal/ui"
)

const (
	// copyBufferSize is the buffer used to copy file contents into the tar.
	copyBufferSize = 256 * 1024
	// writeBufferSize batches the small tar header writes.
	writeBufferSize = 256 * 1024
)

// BlobSize returns the layer's blob size: Size, or for a pulled base layer
// (Size 0 with a layer-path) the size of the layer-path file.
func (l Layer) BlobSize(store Store) (int64, error) {
	if l.Size != 0 || l.LayerPath == "" {
		return l.Size, nil
	}
	file, err := store.layerFile(l.LayerPath)
	if err != nil {
		return 0, fmt.Errorf("reading layer-path %w", err)
	}
	info, err := os.Stat(file)
	if err != nil {
		return 0, fmt.Errorf("reading layer-path %s: %w", l.LayerPath, err)
	}
	return info.Size(), nil
}

// WriteBlob writes the layer's raw blob to w and returns the number of bytes
// written. A layer-path file is copied as is (it takes precedence over
// paths); otherwise the paths are tarred under store.Rules. Nothing outside
// StoreDir is read: a layer-path that resolves out of it and a path that is
// not a store path are refused before any byte is written, and symlinks in
// store paths are tarred as symlinks, never followed. The blob is not
// verified (see Image.StreamLayer). ctx is checked between entries.
func (l Layer) WriteBlob(ctx context.Context, w io.Writer, store Store) (int64, error) {
	if l.LayerPath != "" {
		return copyLayerPath(ctx, w, l.LayerPath, store)
	}
	return writeTar(ctx, w, l.Paths, store)
}

// copyLayerPath copies a ready-made blob, refusing one outside the store.
func copyLayerPath(ctx context.Context, w io.Writer, layerPath string, store Store) (int64, error) {
	file, err := store.layerFile(layerPath)
	if err != nil {
		return 0, fmt.Errorf("reading layer-path %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, fmt.Errorf("reading layer-path %s: %w", layerPath, err)
	}
	defer f.Close() //nolint:errcheck // read-only
	n, err := io.Copy(w, ctxReader{ctx: ctx, r: f})
	if err != nil {
		return n, fmt.Errorf("copying layer-path %s: %w", layerPath, err)
	}
	return n, nil
}

// writeTar writes the tar stream of paths.
func writeTar(ctx context.Context, w io.Writer, paths []Path, store Store) (int64, error) {
	tree, err := buildTree(ctx, paths, store)
	if err != nil {
		return 0, err
	}
	cw := &ui.CountingWriter{W: w}
	bw := bufio.NewWriterSize(cw, writeBufferSize)
	tw := tar.NewWriter(bw)
	e := &emitter{ctx: ctx, tw: tw, store: store, buf: make([]byte, copyBufferSize)}
	if err := e.tree(tree, ""); err != nil {
		return cw.N, err
	}
	if err := tw.Close(); err != nil {
		return cw.N, fmt.Errorf("closing tar stream: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.N, fmt.Errorf("writing tar stream: %w", err)
	}
	return cw.N, nil
}

// emitter writes a tree as a tar stream.
type emitter struct {
	ctx   context.Context
	tw    *tar.Writer
	store Store
	buf   []byte
}

// tree writes n's children depth-first, pre-order, each directory's
// children sorted by name.
func (e *emitter) tree(n *node, base string) error {
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(base, k)
		if k == "" {
			dst = "/"
		}
		child := n.children[k]
		if err := e.entry(dst, child); err != nil {
			return err
		}
		if err := e.tree(child, dst); err != nil {
			return err
		}
	}
	return nil
}

// entry writes one tar entry.
func (e *emitter) entry(dst string, n *node) error {
	if n.info == nil {
		hdr := dirHeader(dst, e.store.Rules)
		if err := e.tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing tar header of %s: %w", dst, err)
		}
		return nil
	}
	link := ""
	if n.info.Mode()&fs.ModeSymlink != 0 {
		var err error
		link, err = os.Readlink(e.store.fsPath(n.src))
		if err != nil {
			return fmt.Errorf("reading symlink %s: %w", n.src, err)
		}
	}
	hdr, err := fileHeader(dst, n.src, n.info, link, n.rules, e.store.Rules)
	if err != nil {
		return err
	}
	if err := e.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing tar header of %s: %w", dst, err)
	}
	if link != "" || n.info.IsDir() || hdr.Typeflag != tar.TypeReg {
		return nil
	}
	return e.contents(n.src, hdr.Size)
}

// contents copies a regular file's bytes into the tar.
func (e *emitter) contents(src string, size int64) error {
	f, err := os.Open(e.store.fsPath(src))
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	defer f.Close() //nolint:errcheck // read-only
	// Hide WriteTo so that io.CopyBuffer uses e.buf.
	n, err := io.CopyBuffer(e.tw, struct{ io.Reader }{f}, e.buf)
	if err != nil {
		return fmt.Errorf("copying %s into the layer: %w", src, err)
	}
	if n != size {
		return fmt.Errorf("copying %s into the layer: read %d bytes, expected %d: the file changed while the layer was written", src, n, size)
	}
	return nil
}

// mtime returns the modification time the rules give every entry.
func mtime(r Rules) time.Time {
	if r.ZeroMtime {
		return time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC)
}

// dirHeader is the header of a directory that was never walked (/, /nix,
// /nix/store, parents created by a rewrite).
func dirHeader(dst string, r Rules) *tar.Header {
	return &tar.Header{
		Name:     dst,
		Typeflag: tar.TypeDir,
		Uname:    "root",
		Gname:    "root",
		Mode:     0o755,
		ModTime:  mtime(r),
	}
}

// fileHeader builds the header of a walked entry the way nix2container does:
// tar.FileInfoHeader, then ownership, symlink mode, perms and mtime overrides.
func fileHeader(dst, src string, info fs.FileInfo, link string, pr *pathRules, r Rules) (*tar.Header, error) {
	hdr, err := tar.FileInfoHeader(rootNames{info}, link)
	if err != nil {
		return nil, fmt.Errorf("building tar header of %s: %w", src, err)
	}
	hdr.Name = dst
	hdr.Uid, hdr.Gid = 0, 0
	hdr.Uname, hdr.Gname = "root", "root"
	if link != "" {
		hdr.Mode = 0o777
	}
	if pr != nil {
		for _, p := range pr.perms {
			if !p.re.MatchString(src) {
				continue
			}
			hdr.Uid, hdr.Gid = p.Uid, p.Gid
			if p.Uname != "" {
				hdr.Uname = p.Uname
			}
			if p.Gname != "" {
				hdr.Gname = p.Gname
				if r.GnameFromUname {
					hdr.Gname = p.Uname
				}
			}
			if p.Mode != "" {
				if _, err := fmt.Sscanf(p.Mode, "%o", &hdr.Mode); err != nil {
					return nil, fmt.Errorf("parsing perms mode %q for %s: %w", p.Mode, src, err)
				}
			}
		}
	}
	hdr.ModTime = mtime(r)
	// Ignored with Format unset, as in nix2container.
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	return hdr, nil
}

// rootNames makes tar.FileInfoHeader skip its user and group lookups; the
// names are overwritten anyway.
type rootNames struct{ fs.FileInfo }

// Uname implements tar.FileInfoNames.
func (rootNames) Uname() (string, error) { return "root", nil }

// Gname implements tar.FileInfoNames.
func (rootNames) Gname() (string, error) { return "root", nil }

// ctxReader fails reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
