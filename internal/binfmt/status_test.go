package binfmt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatus(t *testing.T) {
	k := newFakeKernel(t, "tonistiigi/qemu-aarch64", "nixos/aarch64-linux", "debian/qemu-riscv64", "debian/python3.11")
	pr := &fakeProber{}
	o := testOptions(t, k, pr, nil)
	writeFile(t, filepath.Join(o.root, "etc/nix/nix.conf"), "extra-platforms = aarch64-linux\n")
	writeFile(t, filepath.Join(o.root, "usr/lib/binfmt.d/qemu-aarch64.conf"), RegisterLine("qemu-aarch64", arm64(t)[0], "/usr/bin/qemu-aarch64-static", "F")+"\n")
	var log bytes.Buffer
	o.Log = &log

	states, err := Status(context.Background(), arm64(t), o)
	if err != nil {
		t.Fatalf("Status(arm64) = %v\n%s", err, &log)
	}
	if len(states) != len(Platforms()) {
		t.Errorf("Status returned %d states, want one per platform", len(states))
	}
	for _, want := range []string{
		"* linux/arm64",
		"qemu-aarch64 (+1)",
		"/usr/bin/qemu-aarch64 (missing on the host, held open by F)",
		"works in an empty chroot",
		"builds aarch64-linux",
		filepath.Join(o.root, "usr/lib/binfmt.d/qemu-aarch64.conf"),
		"extra-platforms lacks riscv64-linux",
		"not registered",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, &log)
		}
	}
	if len(k.writes()) != 0 || len(k.calls) != 0 {
		t.Errorf("Status changed the kernel: %q", k.calls)
	}

	// riscv64 runs, but Nix lacks it; ppc64le is not registered at all.
	ps, _ := ParsePlatforms("arm64,riscv64,ppc64le")
	_, err = Status(context.Background(), ps, o)
	if !errors.Is(err, ErrNotReady) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Status(arm64,riscv64,ppc64le) = %v, want one line wrapping ErrNotReady", err)
	}
	for _, want := range []string{
		"linux/riscv64: Nix will not build it: extra-platforms lacks riscv64-linux",
		"linux/ppc64le: no enabled binfmt_misc entry claims it",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Status error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "arm64") {
		t.Errorf("Status error %q names arm64, which is ready", err)
	}
	o.SkipNix = true
	ps, _ = ParsePlatforms("arm64,riscv64")
	if _, err := Status(context.Background(), ps, o); err != nil {
		t.Errorf("Status(arm64,riscv64) without Nix = %v, want ready", err)
	}
}

func TestStatusNotReady(t *testing.T) {
	tests := []struct {
		name     string
		recorded []string
		setup    func(*fakeKernel, *Options)
		want     string
	}{
		{"not mounted", nil, func(k *fakeKernel, o *Options) { k.mounted = false }, "no enabled binfmt_misc entry claims it"},
		{"disabled entry", []string{"disabled/qemu-aarch64"}, nil, "no enabled binfmt_misc entry claims it"},
		{"no F", []string{"nixos/aarch64-linux"}, nil, "aarch64-linux lacks the F flag, so it fails in containers and the Nix sandbox"},
		{"probe fails", []string{"multiarch/qemu-aarch64"}, func(k *fakeKernel, o *Options) {
			o.probe = (&fakeProber{fail: map[string]error{"arm64": errors.New("exec format error")}}).run
		}, "the probe fails in an empty chroot: exec format error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKernel(t, tt.recorded...)
			o := testOptions(t, k, &fakeProber{}, noNix)
			if tt.setup != nil {
				tt.setup(k, &o)
			}
			_, err := Status(context.Background(), arm64(t), o)
			if !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Status() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStatusProbesDirectlyWhenNotRoot(t *testing.T) {
	k := newFakeKernel(t, "multiarch/qemu-aarch64")
	pr := &fakeProber{}
	o := testOptions(t, k, pr, noNix)
	user := 1000
	o.euid = &user
	if _, err := Status(context.Background(), arm64(t), o); err != nil {
		t.Fatalf("Status() = %v", err)
	}
	if len(pr.runs) != 1 || pr.runs[0] != "arm64 chroot=false" {
		t.Errorf("probe runs = %q, want arm64 without chroot", pr.runs)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
