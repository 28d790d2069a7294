package export

import (
	"bytes"
	"context"
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
