package binfmt

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nanna-coder/build/internal/platform"
)

// findInterpreter returns the absolute path of a static QEMU for p: given
// (a file, or a directory holding one), else qemu-<arch>-static on PATH or
// in Debian's locations, else a static qemu-<arch> on PATH (Nix's
// pkgsStatic.qemu-user).
func findInterpreter(p platform.Platform, o Options) (string, error) {
	given, lookPath := o.Interpreter, o.lookPathFunc()
	static, plain := "qemu-"+p.QEMU()+"-static", "qemu-"+p.QEMU()
	if given != "" {
		path, err := filepath.Abs(given)
		if err != nil {
			return "", fmt.Errorf("finding QEMU for %s: %w", p, err)
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			for _, name := range []string{static, plain} {
				if checkInterpreter(filepath.Join(path, name)) == nil {
					return filepath.Join(path, name), nil
				}
			}
			return "", fmt.Errorf("finding QEMU for %s: %w: neither %s nor %s in %s is a static QEMU for this machine", p, ErrNoInterpreter, static, plain, path)
		}
		if err := checkInterpreter(path); err != nil {
			return "", fmt.Errorf("finding QEMU for %s: %w", p, err)
		}
		return path, nil
	}
	var candidates []string
	if path, err := lookPath(static); err == nil {
		candidates = append(candidates, path)
	}
	for _, dir := range []string{"/usr/bin", "/usr/local/bin"} { // Debian's, and a local install
		candidates = append(candidates, filepath.Join(o.path(dir), static))
	}
	if path, err := lookPath(plain); err == nil {
		candidates = append(candidates, path)
	}
	var rejected []string
	for _, c := range candidates {
		abs, err := filepath.Abs(c)
		if err != nil {
			continue
		}
		err = checkInterpreter(abs)
		if err == nil {
			return abs, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			rejected = append(rejected, err.Error())
		}
	}
	var why string
	if len(rejected) > 0 {
		why = " (rejected: " + strings.Join(rejected, "; ") + ")"
	}
	return "", fmt.Errorf("finding QEMU for %s: %w: install Debian's qemu-user-static (apt-get install qemu-user-static) "+
		"or Nix's pkgsStatic.qemu-user, or pass -qemu=/path/to/%s%s", p, ErrNoInterpreter, static, why)
}

// checkInterpreter checks that path is a static executable for this
// machine, which the F flag needs: the kernel opens only that one file, so
// a dynamic QEMU would miss its libraries inside containers and sandboxes.
func checkInterpreter(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s is not an ELF executable: %w", path, err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked; the F flag needs a static QEMU", path)
		}
	}
	if host, ok := hostPlatform(); ok && f.Machine != elfOf(host).machine {
		return fmt.Errorf("%s is a %s program, not one for this %s machine", path, f.Machine, host.Architecture)
	}
	return nil
}

// execLookPath is the default PATH lookup.
func execLookPath(name string) (string, error) { return exec.LookPath(name) }
