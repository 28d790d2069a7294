package binfmt

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/nanna-coder/build/internal/platform"
)

// fakeKernel is an in-memory binfmt_misc: Register parses the line as the
// kernel does and Read prints entries in the kernel's format.
type fakeKernel struct {
	mounted     bool
	mountErr    error
	disabled    bool
	registerErr error
	entries     []Entry // newest first, as the kernel keeps them
	raw         map[string]string
	calls       []string
}

var _ kernel = (*fakeKernel)(nil)

// newFakeKernel returns a mounted kernel holding the recorded entry files
// (paths under testdata/entries).
func newFakeKernel(t *testing.T, recorded ...string) *fakeKernel {
	t.Helper()
	k := &fakeKernel{mounted: true, raw: map[string]string{}}
	for _, path := range recorded {
		data, err := os.ReadFile(filepath.Join("testdata/entries", path))
		if err != nil {
			t.Fatal(err)
		}
		k.raw[filepath.Base(path)] = string(data)
	}
	return k
}

func (k *fakeKernel) Mounted() bool { return k.mounted }

func (k *fakeKernel) Mount() error {
	k.calls = append(k.calls, "mount")
	if k.mountErr != nil {
		return k.mountErr
	}
	k.mounted = true
	return nil
}

func (k *fakeKernel) Names() ([]string, error) {
	if !k.mounted {
		panic("Names before Mount")
	}
	var names []string
	for _, e := range k.entries {
		names = append(names, e.Name)
	}
	for name := range k.raw {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

func (k *fakeKernel) Read(name string) ([]byte, error) {
	if name == "status" {
		if k.disabled {
			return []byte("disabled\n"), nil
		}
		return []byte("enabled\n"), nil
	}
	if raw, ok := k.raw[name]; ok {
		return []byte(raw), nil
	}
	if e, ok := findEntry(k.entries, name); ok {
		return []byte(procText(e)), nil
	}
	return nil, fs.ErrNotExist
}

func (k *fakeKernel) Register(line string) error {
	k.calls = append(k.calls, "register "+line)
	if k.registerErr != nil {
		return k.registerErr
	}
	e, err := ParseRegisterLine(line)
	if err != nil {
		return writeError("register", syscall.EINVAL)
	}
	if _, ok := k.raw[e.Name]; ok {
		return writeError("register", syscall.EEXIST)
	}
	if _, ok := findEntry(k.entries, e.Name); ok {
		return writeError("register", syscall.EEXIST)
	}
	if _, err := os.Stat(e.Interpreter); err != nil && e.Has('F') {
		return writeError("register", syscall.ENOENT)
	}
	k.entries = append([]Entry{e}, k.entries...)
	return nil
}

func (k *fakeKernel) Unregister(name string) error {
	k.calls = append(k.calls, "unregister "+name)
	if _, ok := k.raw[name]; ok {
		delete(k.raw, name)
		return nil
	}
	for i, e := range k.entries {
		if e.Name == name {
			k.entries = slices.Delete(k.entries, i, i+1)
			return nil
		}
	}
	return writeError(name, syscall.ENOENT)
}

// writes returns the calls that changed something.
func (k *fakeKernel) writes() []string {
	var w []string
	for _, c := range k.calls {
		if !strings.HasPrefix(c, "mount") {
			w = append(w, c)
		}
	}
	return w
}

// procText prints e as the kernel's entry_status does.
func procText(e Entry) string {
	var b strings.Builder
	if e.Enabled {
		b.WriteString("enabled\n")
	} else {
		b.WriteString("disabled\n")
	}
	fmt.Fprintf(&b, "interpreter %s\nflags: %s\n", e.Interpreter, e.Flags)
	if e.Magic == nil {
		fmt.Fprintf(&b, "extension .%s\n", e.Extension)
		return b.String()
	}
	fmt.Fprintf(&b, "offset %d\nmagic %s\n", e.Offset, hex.EncodeToString(e.Magic))
	if e.Mask != nil {
		fmt.Fprintf(&b, "mask %s\n", hex.EncodeToString(e.Mask))
	}
	return b.String()
}

// fakeProber records runs and fails for the architectures in fail.
type fakeProber struct {
	fail map[string]error
	runs []string
}

func (f *fakeProber) run(_ context.Context, p platform.Platform, program []byte, chroot bool) ProbeResult {
	f.runs = append(f.runs, fmt.Sprintf("%s chroot=%v", p.Architecture, chroot))
	if len(program) < 20 || !bytes.Equal(program[18:20], header(p, 0)[18:20]) {
		return ProbeResult{Chroot: chroot, Err: fmt.Errorf("got the probe of another platform")}
	}
	if err := f.fail[p.Architecture]; err != nil {
		return ProbeResult{Chroot: chroot, Err: err}
	}
	return ProbeResult{Chroot: chroot, Output: p.Architecture}
}

// fakeNix answers nix show-config as nix would with the nix.conf under
// root: system x86_64-linux plus its extra-platforms.
func fakeNix(root string) nixConfig {
	return func(context.Context) ([]byte, error) {
		conf, _ := os.ReadFile(filepath.Join(root, "etc/nix/nix.conf"))
		extra := confPlatforms(conf)
		if !hasSetting(conf, "extra-platforms") {
			extra = append(extra, "i686-linux")
		}
		return json.Marshal(map[string]map[string]any{
			"system":          {"value": "x86_64-linux"},
			"extra-platforms": {"value": extra},
		})
	}
}

// noNix answers as if nix were not installed.
func noNix(context.Context) ([]byte, error) { return nil, nil }

// testOptions returns options over k with a fake prober, the given nix, a
// file system root in a temporary directory, running as root and a static
// QEMU for every platform in <root>/usr/bin (the host's probe stands in for
// it). Nothing on the real machine is read or written.
func testOptions(t *testing.T, k *fakeKernel, pr *fakeProber, nix nixConfig) Options {
	t.Helper()
	root := t.TempDir()
	host, ok := hostPlatform()
	if !ok {
		t.Skip("no probe for this host's architecture")
	}
	qemu, err := Probe(host)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "usr/bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range Platforms() {
		if err := os.WriteFile(filepath.Join(bin, "qemu-"+p.QEMU()+"-static"), qemu, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if nix == nil {
		nix = fakeNix(root)
	}
	zero := 0
	return Options{
		sys: k, probe: pr.run, nix: nix, root: root, euid: &zero,
		lookPath:  func(string) (string, error) { return "", os.ErrNotExist },
		daemonSoc: filepath.Join(root, "no-daemon-socket"),
		Getenv:    func(string) string { return "" },
	}
}
