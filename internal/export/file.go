package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nanna-coder/build/internal/ui"
)

// writeFile writes path atomically: write fills a temporary file in the
// same directory, which is synced and renamed over path only when write
// succeeds (and ctx is not done). On any error the temporary file is
// removed and path is left as it was. A path that is a symbolic link is
// written through: the link's target is replaced, in its own directory,
// and the link stays. Temporary files of path that a killed export left
// behind are removed first (see removeStale). It returns the bytes
// written.
func writeFile(ctx context.Context, path string, write func(w io.Writer) error) (n int64, err error) {
	path, err = resolveLinks(path)
	if err != nil {
		return 0, err
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return 0, fmt.Errorf("%s is a directory", path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := removeStale(dir, base); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()           //nolint:errcheck // already failing
			os.Remove(f.Name()) //nolint:errcheck // best effort
		}
	}()
	cw := &ui.CountingWriter{W: f}
	bw := bufio.NewWriterSize(cw, 1<<20)
	if err := write(bw); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, context.Cause(ctx)
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	if err := f.Chmod(0o644); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return 0, errors.Join(err, os.Remove(f.Name()))
	}
	return cw.N, nil
}

// maxLinks is how many symbolic links resolveLinks follows, as Linux.
const maxLinks = 40

// resolveLinks follows path while it is a symbolic link and returns the
// file it points to, which need not exist.
func resolveLinks(path string) (string, error) {
	p := path
	for range maxLinks {
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && info.Mode()&fs.ModeSymlink == 0) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// tempPrefix starts the names of the temporary files of a file named
// base: .BASE.tmp-PID-RANDOM, PID being the writing process.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// removeStale removes the temporary files in dir of the file named base
// (of every file when base is "") whose writing process is gone: what an
// export killed with SIGKILL leaves behind. Files of running processes
// are kept.
func removeStale(dir, base string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		pid, ok := tempPID(e.Name(), base)
		if !ok || alive(pid) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing a stale temporary file: %w", err)
		}
	}
	return nil
}

// tempPID returns the process ID in the name of a temporary file of base
// (of any file when base is "").
func tempPID(name, base string) (int, bool) {
	var rest string
	if base != "" {
		r, ok := strings.CutPrefix(name, tempPrefix(base))
		if !ok {
			return 0, false
		}
		rest = r
	} else {
		i := strings.LastIndex(name, ".tmp-")
		if !strings.HasPrefix(name, ".") || i < 0 {
			return 0, false
		}
		rest = name[i+len(".tmp-"):]
	}
	s, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(s)
	return pid, err == nil && pid > 0
}
