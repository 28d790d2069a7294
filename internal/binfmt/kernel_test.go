package binfmt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestProcFS runs procFS on a directory laid out like binfmt_misc: the
// files are plain files, so writes can be read back.
func TestProcFS(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"register", "status", "qemu-aarch64", "python3.11"} {
		writeFile(t, filepath.Join(dir, f), "")
	}
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	k := procFS{dir: dir}
	if !k.Mounted() {
		t.Errorf("Mounted() = false with a status file")
	}
	names, err := k.Names()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"python3.11", "qemu-aarch64"}, names); diff != "" {
		t.Errorf("Names() mismatch (-want +got):\n%s", diff)
	}
	line := RegisterLine("x", arm64(t)[0], "/q", "F")
	if err := k.Register(line); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "register")); string(got) != line {
		t.Errorf("register got %q, want %q", got, line)
	}
	if err := k.Unregister("qemu-aarch64"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "qemu-aarch64")); string(got) != "-1" {
		t.Errorf("unregister wrote %q, want -1", got)
	}
	if err := k.Unregister("missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Unregister(missing) = %v, want ErrNotExist", err)
	}
	if k := (procFS{dir: filepath.Join(dir, "none")}); k.Mounted() {
		t.Errorf("Mounted() = true without a status file")
	} else if err := k.Mount(); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "modprobe binfmt_misc") {
		t.Errorf("Mount() on a missing directory = %v, want ErrUnavailable", err)
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		err  error
		is   error
		want string
	}{
		{syscall.EACCES, ErrNeedRoot, "writing R: needs root"},
		{syscall.EPERM, ErrNeedRoot, "writing R: needs root"},
		{syscall.EEXIST, syscall.EEXIST, "an entry of that name exists"},
		{syscall.EINVAL, syscall.EINVAL, "the kernel rejected the line"},
		{syscall.ENOENT, syscall.ENOENT, "with F the interpreter must exist"},
	}
	for _, tt := range tests {
		err := writeError("R", tt.err)
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("writeError(%v) = %v, want %q", tt.err, err, tt.want)
		}
	}
}
