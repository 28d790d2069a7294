package binfmt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/platform"
)

func TestRemove(t *testing.T) {
	k := newFakeKernel(t, "debian/qemu-aarch64", "nixos/aarch64-linux", "debian/qemu-riscv64",
		"debian/python3.11", "extension/jar", "debian/llvm-14-runtime.binfmt")
	o := testOptions(t, k, &fakeProber{}, noNix)
	var log bytes.Buffer
	o.Log = &log
	res, err := Remove(context.Background(), arm64(t), o)
	if err != nil {
		t.Fatalf("Remove() = %v", err)
	}
	if diff := cmp.Diff([]string{"unregister aarch64-linux", "unregister qemu-aarch64"}, k.calls); diff != "" {
		t.Errorf("kernel calls mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"removed aarch64-linux", "removed qemu-aarch64"}, res.Changes); diff != "" {
		t.Errorf("Changes mismatch (-want +got):\n%s", diff)
	}
	left, _ := k.Names()
	if diff := cmp.Diff([]string{"jar", "llvm-14-runtime.binfmt", "python3.11", "qemu-riscv64"}, left); diff != "" {
		t.Errorf("entries left mismatch (-want +got):\n%s", diff)
	}

	k.calls = nil
	log.Reset()
	res, err = Remove(context.Background(), arm64(t), o)
	if err != nil || len(res.Changes) != 0 || len(k.calls) != 0 {
		t.Errorf("second Remove() = %v, changes %q, calls %q; want nothing", err, res.Changes, k.calls)
	}
	if !strings.Contains(log.String(), "linux/arm64: no entry claims it; nothing to remove") || !strings.HasSuffix(log.String(), "nothing changed\n") {
		t.Errorf("second Remove log:\n%s", &log)
	}
}

func TestRemovePersist(t *testing.T) {
	k := newFakeKernel(t, "multiarch/qemu-aarch64")
	o := testOptions(t, k, &fakeProber{}, noNix)
	o.Persist = true
	p := arm64(t)[0]
	riscv := platform.Platform{Architecture: "riscv64"}
	ours := filepath.Join(o.root, "etc/binfmt.d/qemu-aarch64.conf")
	mixed := filepath.Join(o.root, "etc/binfmt.d/mixed.conf")
	pkg := filepath.Join(o.root, "usr/lib/binfmt.d/qemu-aarch64.conf")
	writeFile(t, ours, "# written by qemu:setup\n"+RegisterLine("qemu-aarch64", p, "/usr/bin/qemu-aarch64-static", "F")+"\n")
	writeFile(t, mixed, RegisterLine("a", p, "/q", "F")+"\n"+RegisterLine("r", riscv, "/q", "F")+"\n")
	writeFile(t, pkg, RegisterLine("qemu-aarch64", p, "/usr/bin/qemu-aarch64-static", "F")+"\n")
	var log bytes.Buffer
	o.Log = &log
	res, err := Remove(context.Background(), []platform.Platform{p}, o)
	if err != nil {
		t.Fatalf("Remove() = %v", err)
	}
	if diff := cmp.Diff([]string{"removed qemu-aarch64", "removed " + ours}, res.Changes); diff != "" {
		t.Errorf("Changes mismatch (-want +got):\n%s", diff)
	}
	for _, f := range []string{mixed, pkg} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("Remove deleted %s, which it must keep: %v", f, err)
		}
	}
	if !strings.Contains(log.String(), "linux/arm64: note: "+mixed+" registers it again at boot") {
		t.Errorf("log lacks the note about %s:\n%s", mixed, &log)
	}
}
