package binfmt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// DefaultDir is where binfmt_misc is mounted.
const DefaultDir = "/proc/sys/fs/binfmt_misc"

// kernel is the binfmt_misc file system, the part of the kernel Setup,
// Status and Remove use. Tests replace it with a fake, or with a guard that
// lets them see and change only their own entries.
type kernel interface {
	// Mounted reports whether binfmt_misc is mounted (its status file
	// exists).
	Mounted() bool
	// Mount mounts binfmt_misc. It is only called when Mounted is false.
	Mount() error
	// Names lists the entries, without register and status, sorted.
	Names() ([]string, error)
	// Read returns the content of an entry file, or of "status".
	Read(name string) ([]byte, error)
	// Register writes one register line.
	Register(line string) error
	// Unregister removes the named entry (writes -1 to its file). It
	// never touches other entries.
	Unregister(name string) error
}

// procFS is the kernel's binfmt_misc mounted at dir.
type procFS struct{ dir string }

func (k procFS) Mounted() bool {
	_, err := os.Stat(filepath.Join(k.dir, "status"))
	return err == nil
}

func (k procFS) Mount() error {
	if _, err := os.Stat(k.dir); err != nil {
		return fmt.Errorf("mounting binfmt_misc: %w: %s is missing (load the module: modprobe binfmt_misc)", ErrUnavailable, k.dir)
	}
	err := syscall.Mount("binfmt_misc", k.dir, "binfmt_misc", 0, "")
	switch {
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return fmt.Errorf("mounting binfmt_misc on %s: %w", k.dir, ErrNeedRoot)
	case err != nil:
		return fmt.Errorf("mounting binfmt_misc on %s: %w: %v", k.dir, ErrUnavailable, err)
	}
	return nil
}

func (k procFS) Names() ([]string, error) {
	des, err := os.ReadDir(k.dir)
	if err != nil {
		return nil, fmt.Errorf("listing binfmt_misc entries: %w", err)
	}
	var names []string
	for _, de := range des {
		if de.IsDir() || de.Name() == "register" || de.Name() == "status" {
			continue
		}
		names = append(names, de.Name())
	}
	sort.Strings(names)
	return names, nil
}

func (k procFS) Read(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(k.dir, name))
}

func (k procFS) Register(line string) error {
	path := filepath.Join(k.dir, "register")
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return writeError(path, err)
	}
	_, err = f.Write([]byte(line))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return writeError(path, err)
	}
	return nil
}

func (k procFS) Unregister(name string) error {
	path := filepath.Join(k.dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return writeError(path, err)
	}
	_, err = f.Write([]byte("-1"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return writeError(path, err)
	}
	return nil
}

// writeError explains the errors the kernel gives for a write to
// binfmt_misc.
func writeError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("writing %s: %w", path, ErrNeedRoot)
	case errors.Is(err, syscall.EEXIST):
		return fmt.Errorf("writing %s: an entry of that name exists: %w", path, err)
	case errors.Is(err, syscall.EINVAL):
		return fmt.Errorf("writing %s: the kernel rejected the line: %w", path, err)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Errorf("writing %s: %w (with F the interpreter must exist)", path, err)
	}
	return fmt.Errorf("writing %s: %w", path, err)
}

// scan reads every entry. Entries that cannot be parsed are reported in
// malformed and otherwise skipped, so that one odd entry does not hide the
// others.
func scan(k kernel) (entries []Entry, malformed []error, err error) {
	names, err := k.Names()
	if err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		data, err := k.Read(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			malformed = append(malformed, fmt.Errorf("reading binfmt_misc entry %s: %w", name, err))
			continue
		}
		e, err := ParseEntry(name, data)
		if err != nil {
			malformed = append(malformed, err)
			continue
		}
		entries = append(entries, e)
	}
	return entries, malformed, nil
}

// globallyEnabled reads binfmt_misc's status file.
func globallyEnabled(k kernel) (bool, error) {
	data, err := k.Read("status")
	if err != nil {
		return false, fmt.Errorf("reading binfmt_misc status: %w", err)
	}
	return string(trimNewline(data)) != "disabled", nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
