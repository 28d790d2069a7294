package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Inputs collects what a step's result depends on: files, environment
// variables and strings, each under a name that explanations use ("file
// nix/foo.nix changed"). Only digests are kept, so a secret in the
// environment is never written to the cache.
type Inputs struct {
	dir       string
	lookupEnv func(string) (string, bool)
	digests   map[string]string // "file nix/foo.nix" → digest
}

// Input kinds, the first word of an input's name.
const (
	kindFile   = "file"
	kindEnv    = "env"
	kindString = "string"
)

// Files adds the contents (and executable bit) of each named file; a
// relative path is taken from [Options.Dir]. A missing file is an error:
// declare a directory with Dir if files may come and go.
func (in *Inputs) Files(paths ...string) error {
	for _, p := range paths {
		full := in.abs(p)
		info, err := os.Stat(full)
		if err != nil {
			return fmt.Errorf("reading input %s: %w", p, err)
		}
		if info.IsDir() {
			return fmt.Errorf("reading input %s: it is a directory (declare it with Dir)", p)
		}
		d, err := fileDigest(full, info.Mode())
		if err != nil {
			return fmt.Errorf("reading input %s: %w", p, err)
		}
		in.add(kindFile, in.rel(full), d)
	}
	return nil
}

// Dir adds every file under root, recursively, by its path and contents,
// so an edit, a rename, an addition or a removal changes the key. A
// symbolic link counts by its target's name, not followed; empty
// directories don't count.
func (in *Inputs) Dir(root string) error {
	err := filepath.WalkDir(in.abs(root), func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var d string
		switch {
		case e.Type().IsRegular():
			info, err := e.Info()
			if err != nil {
				return err
			}
			if d, err = fileDigest(path, info.Mode()); err != nil {
				return err
			}
		case e.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			d = digest("symlink", target)
		default:
			return nil // directories, sockets, devices
		}
		in.add(kindFile, in.rel(path), d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading input directory %s: %w", root, err)
	}
	return nil
}

// Env adds the value of each named environment variable, telling an unset
// variable from an empty one.
func (in *Inputs) Env(names ...string) {
	for _, n := range names {
		in.add(kindEnv, n, envDigest(in.lookupEnv(n)))
	}
}

// String adds a value under a name, such as the Nix version or the system
// ("x86_64-linux"). Adding a name again replaces its value.
func (in *Inputs) String(name, value string) {
	in.add(kindString, name, digest("string", value))
}

func (in *Inputs) add(kind, name, d string) {
	in.digests[kind+" "+name] = d
}

// abs resolves p against the inputs' directory.
func (in *Inputs) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(in.dir, p)
}

// rel names a file by its path from the inputs' directory, with slashes,
// or by its absolute path if it is outside.
func (in *Inputs) rel(full string) string {
	r, err := filepath.Rel(in.dir, full)
	if err != nil || !filepath.IsLocal(r) {
		return filepath.ToSlash(full)
	}
	return filepath.ToSlash(r)
}

// envDigest is the digest of an environment variable's value, or of its
// absence.
func envDigest(value string, set bool) string {
	if !set {
		return digest("env-unset", "")
	}
	return digest("env", value)
}

// fileDigest hashes a file's contents and executable bit.
func fileDigest(path string, mode fs.FileMode) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close() //nolint:errcheck // read-only
	h := sha256.New()
	fmt.Fprintf(h, "file\x00%t\x00", mode&0o111 != 0)
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// digest hashes a tagged value, so that equal values of different kinds
// differ.
func digest(tag, value string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", tag, value)
	return hex.EncodeToString(h.Sum(nil))
}
