package binfmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/platform"
)

func arm64(t *testing.T) []platform.Platform {
	t.Helper()
	ps, err := ParsePlatforms("arm64")
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestSetupFreshThenIdempotent(t *testing.T) {
	k := newFakeKernel(t, "debian/python3.11", "extension/jar")
	k.mounted = false
	pr := &fakeProber{}
	o := testOptions(t, k, pr, nil)
	var log bytes.Buffer
	o.Log = &log

	res, err := Setup(context.Background(), arm64(t), o)
	if !errors.Is(err, ErrNixLacksPlatform) {
		t.Fatalf("Setup() = %v, want ErrNixLacksPlatform (emulation works, Nix lacks extra-platforms)\n%s", err, &log)
	}
	qemu := filepath.Join(o.root, "usr/bin/qemu-aarch64-static")
	wantLine := `:qemu-aarch64:M:0:\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:` +
		`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:` + qemu + `:F`
	if diff := cmp.Diff([]string{"mount", "register " + wantLine}, k.calls); diff != "" {
		t.Errorf("kernel calls mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"mounted binfmt_misc", "registered qemu-aarch64"}, res.Changes); diff != "" {
		t.Errorf("Changes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"arm64 chroot=true"}, pr.runs); diff != "" {
		t.Errorf("probe runs mismatch (-want +got):\n%s", diff)
	}
	for _, want := range []string{
		"linux/arm64: registered qemu-aarch64 (" + qemu + ", flags F); emulation works in an empty chroot",
		"extra-platforms lacks aarch64-linux; add this line to " + filepath.Join(o.root, "etc/nix/nix.conf"),
		"    extra-platforms = aarch64-linux",
		"2 changes",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, &log)
		}
	}
	if len(res.States) != 1 || res.States[0].Probe.Output != "arm64" {
		t.Errorf("States = %+v, want arm64's with its probe", res.States)
	}
	if ok, why := res.States[0].Ready(false); !ok {
		t.Errorf("Ready(false) = %v, %s", ok, why)
	}

	k.calls, pr.runs = nil, nil
	log.Reset()
	res, err = Setup(context.Background(), arm64(t), o)
	if !errors.Is(err, ErrNixLacksPlatform) {
		t.Fatalf("second Setup() = %v, want ErrNixLacksPlatform", err)
	}
	if len(res.Changes) != 0 || len(k.calls) != 0 {
		t.Errorf("second Setup: changes %q, kernel calls %q; want none", res.Changes, k.calls)
	}
	if !strings.Contains(log.String(), "already registered as qemu-aarch64") || !strings.HasSuffix(log.String(), "nothing changed\n") {
		t.Errorf("second Setup log:\n%s", &log)
	}
}

func TestSetupExisting(t *testing.T) {
	tests := []struct {
		name     string
		recorded []string
		opts     func(*Options)
		fail     error // the probe's error
		writes   []string
		log      []string
	}{
		{
			name:     "debian F entry is used",
			recorded: []string{"debian/qemu-aarch64", "debian/python3.11"},
			log:      []string{"already registered as qemu-aarch64 (/usr/libexec/qemu-binfmt/aarch64-binfmt-P, flags POF)"},
		},
		{
			name:     "multiarch F entry is used",
			recorded: []string{"multiarch/qemu-aarch64"},
			log:      []string{"already registered as qemu-aarch64"},
		},
		{
			name:     "NixOS entry without F gets an F entry beside it",
			recorded: []string{"nixos/aarch64-linux"},
			writes:   []string{"register :qemu-aarch64:"},
			log:      []string{"aarch64-linux (/run/binfmt/aarch64-linux, flags none) lacks F; registering an entry that has it"},
		},
		{
			name:     "a same-named entry without F is replaced",
			recorded: []string{"qemu-script/qemu-aarch64"},
			writes:   []string{"unregister qemu-aarch64", "register :qemu-aarch64:"},
			log:      []string{"removed qemu-aarch64 (/usr/local/bin/qemu-aarch64, flags none) to replace it"},
		},
		{
			name:     "a 19-byte magic without F is found and replaced",
			recorded: []string{"19byte/qemu-aarch64"},
			writes:   []string{"unregister qemu-aarch64", "register :qemu-aarch64:"},
		},
		{
			name:     "a disabled entry does not count",
			recorded: []string{"disabled/qemu-aarch64"},
			writes:   []string{"unregister qemu-aarch64", "register :qemu-aarch64:"},
		},
		{
			name:     "tonistiigi's C flag is kept but warned about",
			recorded: []string{"tonistiigi/qemu-aarch64"},
			log:      []string{"warning: qemu-aarch64 has the C flag"},
		},
		{
			name:     "C asked for replaces an entry without it",
			recorded: []string{"multiarch/qemu-aarch64"},
			opts:     func(o *Options) { o.Credentials = true },
			writes:   []string{"unregister qemu-aarch64", "register :qemu-aarch64:"},
			log:      []string{"warning: registering with C", "flags OCF"},
		},
		{
			name:     "an F entry whose probe fails is replaced",
			recorded: []string{"tonistiigi/qemu-aarch64"},
			fail:     errors.New("uncaught target signal 11"),
			writes:   []string{"unregister qemu-aarch64", "register :qemu-aarch64:"},
			log:      []string{"claims it but the probe fails in an empty chroot: uncaught target signal 11"},
		},
		{
			name:     "other platforms' entries are not arm64's",
			recorded: []string{"debian/qemu-riscv64", "tonistiigi/qemu-riscv64", "debian/python3.11", "extension/jar"},
			writes:   []string{"register :qemu-aarch64:"},
		},
		{
			name:     "a custom name",
			recorded: []string{"debian/qemu-arm"},
			opts:     func(o *Options) { o.Name = "nanna-%s" },
			writes:   []string{"register :nanna-aarch64:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKernel(t, tt.recorded...)
			pr := &fakeProber{}
			o := testOptions(t, k, pr, noNix)
			if tt.opts != nil {
				tt.opts(&o)
			}
			var log bytes.Buffer
			o.Log = &log
			if tt.fail != nil {
				// Fail the first probe only: the new entry works.
				pr.fail = map[string]error{"arm64": tt.fail}
				o.probe = func(ctx context.Context, p platform.Platform, program []byte, chroot bool) ProbeResult {
					r := pr.run(ctx, p, program, chroot)
					pr.fail = nil
					return r
				}
			}
			_, err := Setup(context.Background(), arm64(t), o)
			if err != nil {
				t.Fatalf("Setup() = %v\n%s", err, &log)
			}
			var writes []string
			for _, w := range k.writes() {
				if strings.HasPrefix(w, "register ") {
					w = w[:strings.Index(w, ":M:")+1]
				}
				writes = append(writes, w)
			}
			if diff := cmp.Diff(tt.writes, writes); diff != "" {
				t.Errorf("kernel writes mismatch (-want +got):\n%s\nlog:\n%s", diff, &log)
			}
			for _, want := range tt.log {
				if !strings.Contains(log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, &log)
				}
			}
			if _, err := Setup(context.Background(), arm64(t), o); err != nil || !strings.HasSuffix(log.String(), "nothing changed\n") {
				t.Errorf("second Setup() = %v, log:\n%s", err, &log)
			}
		})
	}
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakeKernel, *Options)
		is    error
		want  string
	}{
		{
			name: "binfmt_misc unmountable",
			setup: func(k *fakeKernel, o *Options) {
				k.mounted, k.mountErr = false, fmt.Errorf("mounting binfmt_misc on %s: %w", DefaultDir, ErrNeedRoot)
			},
			is:   ErrNeedRoot,
			want: "mounting binfmt_misc on /proc/sys/fs/binfmt_misc: needs root",
		},
		{
			name:  "not root",
			setup: func(k *fakeKernel, o *Options) { k.registerErr = writeError(DefaultDir+"/register", os.ErrPermission) },
			is:    ErrNeedRoot,
			want:  "setting up linux/arm64: registering qemu-aarch64: writing /proc/sys/fs/binfmt_misc/register: needs root",
		},
		{
			name:  "interpreter missing",
			setup: func(k *fakeKernel, o *Options) { os.RemoveAll(filepath.Join(o.root, "usr/bin")) },
			is:    ErrNoInterpreter,
			want:  "install Debian's qemu-user-static (apt-get install qemu-user-static) or Nix's pkgsStatic.qemu-user, or pass -qemu=/path/to/qemu-aarch64-static",
		},
		{
			name:  "interpreter given but dynamic",
			setup: func(k *fakeKernel, o *Options) { o.Interpreter = writeDynamicELF(t) },
			want:  "is dynamically linked; the F flag needs a static QEMU",
		},
		{
			name: "an unrelated entry has the name",
			setup: func(k *fakeKernel, o *Options) {
				k.raw["qemu-aarch64"] = k.raw["python3.11"]
			},
			want: "an unrelated entry is called qemu-aarch64",
		},
		{
			name:  "disabled as a whole",
			setup: func(k *fakeKernel, o *Options) { k.disabled = true },
			is:    ErrUnavailable,
			want:  "binfmt_misc is not available: it is disabled as a whole",
		},
		{
			name: "the new entry's probe fails",
			setup: func(k *fakeKernel, o *Options) {
				o.probe = (&fakeProber{fail: map[string]error{"arm64": errors.New("boom")}}).run
			},
			want: "verifying qemu-aarch64: the probe fails in an empty chroot: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKernel(t, "debian/python3.11")
			o := testOptions(t, k, &fakeProber{}, noNix)
			tt.setup(k, &o)
			_, err := Setup(context.Background(), arm64(t), o)
			if err == nil {
				t.Fatalf("Setup() = nil error, want %q", tt.want)
			}
			if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("Setup() = %q, want one line with %q (is %v)", err, tt.want, tt.is)
			}
		})
	}
}

func TestSetupMalformedEntryIsSkipped(t *testing.T) {
	k := newFakeKernel(t, "debian/qemu-aarch64")
	k.raw["broken"] = "enabled\ninterpreter /x\n"
	o := testOptions(t, k, &fakeProber{}, noNix)
	var log bytes.Buffer
	o.Log = &log
	if _, err := Setup(context.Background(), arm64(t), o); err != nil {
		t.Fatalf("Setup() = %v", err)
	}
	if !strings.Contains(log.String(), "warning: skipping reading binfmt_misc entry broken: malformed") ||
		!strings.Contains(log.String(), "already registered as qemu-aarch64") {
		t.Errorf("log:\n%s", &log)
	}
}

func TestSetupSeveralPlatforms(t *testing.T) {
	k := newFakeKernel(t)
	pr := &fakeProber{}
	o := testOptions(t, k, pr, noNix)
	os.Remove(filepath.Join(o.root, "usr/bin/qemu-riscv64-static"))
	ps, err := ParsePlatforms("riscv64,arm64,amd64,arm64")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Setup(context.Background(), ps, o)
	if err == nil || !errors.Is(err, ErrNoInterpreter) || !strings.Contains(err.Error(), "linux/riscv64") {
		t.Errorf("Setup() = %v, want riscv64's missing QEMU", err)
	}
	if !slices.Contains(res.Changes, "registered qemu-aarch64") {
		t.Errorf("Changes = %q: arm64 was not set up despite riscv64's error", res.Changes)
	}
	if len(res.States) != len(ps) {
		t.Errorf("States has %d platforms, want %d", len(res.States), len(ps))
	}
}
