package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// class is a group of files of one size range in the generated tree.
type class struct {
	name     string
	count    int
	min, max int64 // bytes, uniformly distributed
	perDir   int   // files per directory
}

// treeSpec is the generated tree: about 1 GiB, from two model-sized blobs
// to thousands of files under 8 KiB, in nested directories, with some
// executables and symlinks. Changing it changes treeVersion.
var treeSpec = []class{
	{"blobs", 2, 256 << 20, 256 << 20, 2},
	{"large", 16, 12 << 20, 20 << 20, 16},
	{"medium", 256, 256 << 10, 768 << 10, 64},
	{"small", 4096, 8 << 10, 24 << 10, 256},
	{"tiny", 16384, 0, 8 << 10, 512},
}

const treeVersion = "hashbench tree v1\n"

// totalSize is the expected size of the tree's files (the mean of each
// class), for messages.
func totalSize() int64 {
	var n int64
	for _, c := range treeSpec {
		n += int64(c.count) * (c.min + c.max) / 2
	}
	return n
}

// generate writes the tree under dir/tree unless dir/tree.done says it is
// there already, and returns the tree's path.
func generate(ctx context.Context, dir string, log io.Writer) (string, error) {
	tree := filepath.Join(dir, "tree")
	marker := filepath.Join(dir, "tree.done")
	if b, err := os.ReadFile(marker); err == nil && string(b) == treeVersion {
		return tree, nil
	}
	if err := os.RemoveAll(tree); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "generating a %.1f GiB tree in %s\n", float64(totalSize())/(1<<30), tree)
	rng := rand.NewChaCha8([32]byte{'h', 'a', 's', 'h', 'b', 'e', 'n', 'c', 'h'})
	sizes := rand.New(rand.NewPCG(1, 2))
	for _, c := range treeSpec {
		for i := range c.count {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			sub := filepath.Join(tree, c.name, fmt.Sprintf("d%03d", i/c.perDir))
			if i%c.perDir == 0 {
				if err := os.MkdirAll(sub, 0o755); err != nil {
					return "", err
				}
			}
			size := c.min
			if c.max > c.min {
				size += sizes.Int64N(c.max - c.min + 1)
			}
			mode := os.FileMode(0o644)
			if i%97 == 0 {
				mode = 0o755
			}
			if err := writeFile(filepath.Join(sub, fmt.Sprintf("f%05d", i)), rng, size, mode); err != nil {
				return "", err
			}
			if i%211 == 0 {
				if err := os.Symlink(fmt.Sprintf("f%05d", i), filepath.Join(sub, fmt.Sprintf("l%05d", i))); err != nil {
					return "", err
				}
			}
		}
	}
	// Names that sort differently in bytes and in a locale.
	for _, n := range []string{"B", "a", "Ä", "é", "z", "a-b", "a.b", "a~"} {
		if err := os.WriteFile(filepath.Join(tree, n), []byte(strings.Repeat(n, 3)), 0o644); err != nil {
			return "", err
		}
	}
	return tree, os.WriteFile(marker, []byte(treeVersion), 0o644)
}

func writeFile(path string, rng io.Reader, size int64, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, err = io.CopyN(w, rng, size)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
