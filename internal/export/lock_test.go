package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/flock"
	"github.com/nanna-coder/build/internal/nix2container"
)

// exportEnv names the environment of TestHelperExport: the layout, the
// ref and the fixture store root, tab-separated.
const exportEnv = "NANNA_EXPORT_TEST_HELPER"

// wantRefs are the refs r0…r(n-1) of image basic.
func wantRefs(n int) []string {
	var refs []string
	for i := range n {
		refs = append(refs, fmt.Sprintf("basic:r%d", i))
	}
	return refs
}

// layoutRefs returns the sorted ref names of a layout's index.json.
func layoutRefs(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := readLayout(t, dir, 0)
	slices.Sort(names)
	return names
}

func TestOCIConcurrentExportsKeepEveryRef(t *testing.T) {
	src := fixtures.Root(t)
	img, _ := fixtures.Case(t, "basic")
	for round := range 5 {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("layout%d", round))
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, ref := range wantRefs(n) {
			wg.Go(func() {
				_, errs[i] = OCI(context.Background(), img, dir, Options{Refs: []string{ref}, Store: src})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("export %d: %v", i, err)
			}
		}
		if diff := cmp.Diff(wantRefs(n), layoutRefs(t, dir)); diff != "" {
			t.Fatalf("round %d: index.json refs mismatch (-want +got):\n%s", round, diff)
		}
	}
}

// TestOCIConcurrentProcessesKeepEveryRef runs the exports in separate
// processes (this test binary, running TestHelperExport), as parallel
// `mage export:oci` calls do.
func TestOCIConcurrentProcessesKeepEveryRef(t *testing.T) {
	src := fixtures.Root(t)
	dir := filepath.Join(t.TempDir(), "layout")
	const n = 5
	cmds := make([]*exec.Cmd, n)
	outs := make([]bytes.Buffer, n)
	for i, ref := range wantRefs(n) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperExport$")
		cmd.Env = append(os.Environ(), exportEnv+"="+strings.Join([]string{dir, ref, src.Root}, "\t"))
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("export process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	if diff := cmp.Diff(wantRefs(n), layoutRefs(t, dir)); diff != "" {
		t.Errorf("index.json refs mismatch (-want +got):\n%s", diff)
	}
}

// TestHelperExport is the export process of
// TestOCIConcurrentProcessesKeepEveryRef; it does nothing in a normal
// test run.
func TestHelperExport(t *testing.T) {
	args := os.Getenv(exportEnv)
	if args == "" {
		t.Skip("runs only as a subprocess")
	}
	dir, rest, _ := strings.Cut(args, "\t")
	ref, root, _ := strings.Cut(rest, "\t")
	img, _ := fixtures.Case(t, "basic")
	if _, err := OCI(context.Background(), img, dir, Options{Refs: []string{ref}, Store: nix2container.Store{Root: root}}); err != nil {
		t.Fatal(err)
	}
}

// writerFunc is an io.Writer that calls a function with what is written.
type writerFunc func(p []byte)

func (w writerFunc) Write(p []byte) (int, error) { w(p); return len(p), nil }

// holdDir locks dir as another export would, until the returned file is
// closed.
func holdDir(t *testing.T, dir string) *os.File {
	t.Helper()
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := flock.Lock(context.Background(), f, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLockDirWaitsAndSaysSo(t *testing.T) {
	if !flock.Supported {
		t.Skip("no flock")
	}
	dir := t.TempDir()
	holdDir(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log bytes.Buffer
	_, _, err := lockDir(ctx, dir, writerFunc(func(p []byte) { log.Write(p); cancel() }))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("lockDir() while another export holds it, canceled = %v, want context.Canceled", err)
	}
	if want := dir + ": waiting for another export into it to finish\n"; log.String() != want {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
}

// TestLockDirRemovedWhileWaiting: the export holding the lock fails and
// removes the layout it made; the waiting export makes a new one and
// locks that, not the removed directory.
func TestLockDirRemovedWhileWaiting(t *testing.T) {
	if !flock.Supported {
		t.Skip("no flock")
	}
	dir := filepath.Join(t.TempDir(), "layout")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	holder := holdDir(t, dir)
	lines := 0
	unlock, made, err := lockDir(context.Background(), dir, writerFunc(func([]byte) {
		lines++
		if err := os.Remove(dir); err != nil {
			t.Error(err)
		}
		holder.Close()
	}))
	if err != nil {
		t.Fatalf("lockDir() = %v", err)
	}
	defer unlock()
	if !made || lines != 1 {
		t.Errorf("lockDir() made = %v after %d waiting lines, want a new directory and one line", made, lines)
	}
	// The lock is on the new directory: another export waits for it.
	f, err := os.Open(dir)
	if err != nil {
		t.Fatalf("lockDir() left no directory: %v", err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if err := flock.Lock(ctx, f, cancel); !errors.Is(err, context.Canceled) {
		t.Errorf("flock.Lock() of the new directory = %v, want it held by lockDir", err)
	}
}
