package export

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures"
)

// TestExportThroughASymlink writes to paths that are symbolic links: the
// link stays, its target gets the file.
func TestExportThroughASymlink(t *testing.T) {
	src := fixtures.Root(t)
	img, _ := fixtures.Case(t, "basic")
	exports := map[string]func(file string) error{
		"archive": func(file string) error {
			_, err := Archive(context.Background(), img, file, Options{Store: src})
			return err
		},
		"oci-archive": func(file string) error {
			_, err := OCIArchive(context.Background(), img, file, Options{Store: src})
			return err
		},
	}
	for name, export := range exports {
		for _, dangling := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/dangling=%v", name, dangling), func(t *testing.T) {
				dir := t.TempDir()
				if err := os.Mkdir(filepath.Join(dir, "images"), 0o755); err != nil {
					t.Fatal(err)
				}
				target := filepath.Join(dir, "images", "image.tar")
				if !dangling {
					if err := os.WriteFile(target, []byte("previous"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				link := filepath.Join(dir, "image.tar")
				if err := os.Symlink(filepath.Join("images", "image.tar"), link); err != nil {
					t.Fatal(err)
				}
				if err := export(link); err != nil {
					t.Fatalf("export to a symlink = %v", err)
				}
				if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s is no longer a symbolic link (%v, %v)", link, info.Mode(), err)
				}
				if info, err := os.Stat(target); err != nil || info.Size() <= int64(len("previous")) {
					t.Errorf("the link's target %s was not written (%v)", target, err)
				}
				if names := dirNames(t, dir); !slices.Equal(names, []string{"image.tar", "images"}) {
					t.Errorf("files next to the link: %v, want only the link and images", names)
				}
				if names := dirNames(t, filepath.Join(dir, "images")); !slices.Equal(names, []string{"image.tar"}) {
					t.Errorf("files next to the target: %v, want only image.tar", names)
				}
			})
		}
	}
}

// dirNames lists a directory's entries, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// deadPID returns the ID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// touch creates empty files in dir.
func touch(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestExportRemovesStaleTemporaryFiles exports where exports killed with
// SIGKILL left their temporary files: those of processes that are gone
// are removed, those of running ones and of other files are kept.
func TestExportRemovesStaleTemporaryFiles(t *testing.T) {
	src := fixtures.Root(t)
	img, _ := fixtures.Case(t, "basic")
	dead, live := deadPID(t), os.Getpid()
	stale := func(base string) string { return fmt.Sprintf(".%s.tmp-%d-123", base, dead) }
	running := func(base string) string { return fmt.Sprintf(".%s.tmp-%d-456", base, live) }

	t.Run("archive", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, dir, stale("out.tar"), running("out.tar"), stale("other.tar"))
		if _, err := Archive(context.Background(), img, filepath.Join(dir, "out.tar"), Options{Store: src}); err != nil {
			t.Fatal(err)
		}
		want := []string{stale("other.tar"), running("out.tar"), "out.tar"}
		if diff := cmp.Diff(want, dirNames(t, dir)); diff != "" {
			t.Errorf("files after the export mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("layout", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := OCI(context.Background(), img, dir, Options{Refs: []string{"basic:1"}, Store: src}); err != nil {
			t.Fatal(err)
		}
		blobs := filepath.Join(dir, "blobs", "sha256")
		before := dirNames(t, blobs)
		blob := strings.Repeat("ab", 32)
		touch(t, dir, stale("index.json"), running("index.json"))
		touch(t, blobs, stale(blob), running(blob))
		if _, err := OCI(context.Background(), img, dir, Options{Refs: []string{"basic:2"}, Store: src}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{running("index.json"), "blobs", "index.json", "oci-layout"}, dirNames(t, dir)); diff != "" {
			t.Errorf("layout files mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(append([]string{running(blob)}, before...), dirNames(t, blobs)); diff != "" {
			t.Errorf("blob files mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestTempPID reads the writer's process ID from temporary file names.
func TestTempPID(t *testing.T) {
	tests := []struct {
		name, base string
		want       int
		ok         bool
	}{
		{".out.tar.tmp-123-456", "out.tar", 123, true},
		{".out.tar.tmp-123-456", "", 123, true},
		{".out.tar.tmp-123-456", "other.tar", 0, false},
		{".out.tar.tmp-456", "out.tar", 0, false}, // no process ID
		{".out.tar.tmp-x-456", "out.tar", 0, false},
		{"out.tar", "", 0, false},
	}
	for _, tt := range tests {
		got, ok := tempPID(tt.name, tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("tempPID(%q, %q) = %d, %v, want %d, %v", tt.name, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}
