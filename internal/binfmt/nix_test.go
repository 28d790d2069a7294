package binfmt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAddPlatform(t *testing.T) {
	tests := []struct {
		name, conf, want, line string
	}{
		{"empty", "", "extra-platforms = aarch64-linux i686-linux\n", "extra-platforms = aarch64-linux i686-linux"},
		{"no trailing newline", "sandbox = false", "sandbox = false\nextra-platforms = aarch64-linux i686-linux\n", "extra-platforms = aarch64-linux i686-linux"},
		{"appends to the line", "# c\nextra-platforms = riscv64-linux\nsandbox = false\n",
			"# c\nextra-platforms = riscv64-linux aarch64-linux\nsandbox = false\n", "extra-platforms = riscv64-linux aarch64-linux"},
		{"keeps a comment", "extra-platforms = riscv64-linux  # emulated\n",
			"extra-platforms = riscv64-linux aarch64-linux  # emulated\n", "extra-platforms = riscv64-linux aarch64-linux  # emulated"},
		{"the last line counts", "extra-platforms = a\nextra-platforms = b\n", "extra-platforms = a\nextra-platforms = b aarch64-linux\n", "extra-platforms = b aarch64-linux"},
		{"an empty value", "extra-platforms =\n", "extra-platforms = aarch64-linux\n", "extra-platforms = aarch64-linux"},
		{"a commented line is no setting", "# extra-platforms = aarch64-linux\n",
			"# extra-platforms = aarch64-linux\nextra-platforms = aarch64-linux i686-linux\n", "extra-platforms = aarch64-linux i686-linux"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, line, changed := addPlatform([]byte(tt.conf), "aarch64-linux", []string{"i686-linux"})
			if !changed {
				t.Fatalf("addPlatform(%q) changed nothing", tt.conf)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("addPlatform(%q) mismatch (-want +got):\n%s", tt.conf, diff)
			}
			if line != tt.line {
				t.Errorf("addPlatform(%q) line = %q, want %q", tt.conf, line, tt.line)
			}
		})
	}
	for _, conf := range []string{"extra-platforms = aarch64-linux\n", "extra-platforms = x\nextra-extra-platforms = aarch64-linux\n"} {
		if got, _, changed := addPlatform([]byte(conf), "aarch64-linux", nil); changed || string(got) != conf {
			t.Errorf("addPlatform(%q) = %q, %v; want it unchanged", conf, got, changed)
		}
	}
}

func TestReadNix(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nix.conf")
	writeFile(t, conf, "extra-platforms = riscv64-linux\n")
	sock := filepath.Join(dir, "socket")
	writeFile(t, sock, "")
	show := func(extra string) nixConfig {
		return func(context.Context) ([]byte, error) {
			return []byte(`{"system":{"value":"x86_64-linux"},"extra-platforms":{"value":` + extra + `}}`), nil
		}
	}
	user, root := 1000, 0
	getenv := func(k string) string {
		if k == "NIX_CONF_DIR" {
			return dir
		}
		return ""
	}
	tests := []struct {
		name   string
		nix    nixConfig
		euid   *int
		system string
		want   NixResult
	}{
		{"native", show(`[]`), &root, "x86_64-linux", NixResult{true, true, "builds x86_64-linux"}},
		{"listed", show(`["riscv64-linux"]`), &root, "riscv64-linux", NixResult{true, true, "builds riscv64-linux"}},
		{"missing", show(`["riscv64-linux"]`), &root, "aarch64-linux", NixResult{true, false, "extra-platforms lacks aarch64-linux"}},
		{"NIX_CONFIG only, through the daemon", show(`["aarch64-linux"]`), &user, "aarch64-linux",
			NixResult{true, false, "the nix-daemon reads " + conf + ", whose extra-platforms lacks aarch64-linux"}},
		{"in nix.conf, through the daemon", show(`["riscv64-linux"]`), &user, "riscv64-linux", NixResult{true, true, "builds riscv64-linux"}},
		{"not installed", noNix, &root, "aarch64-linux", NixResult{false, false, "nix is not installed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := readNix(context.Background(), Options{nix: tt.nix, euid: tt.euid, daemonSoc: sock, Getenv: getenv})
			if err != nil {
				t.Fatalf("readNix() = %v", err)
			}
			if diff := cmp.Diff(tt.want, st.check(tt.system)); diff != "" {
				t.Errorf("check(%s) mismatch (-want +got):\n%s", tt.system, diff)
			}
		})
	}
	bad := func(context.Context) ([]byte, error) { return []byte("{"), nil }
	if _, err := readNix(context.Background(), Options{nix: bad, Getenv: getenv}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("readNix(bad JSON) = %v, want a one-line error", err)
	}
	failing := func(context.Context) ([]byte, error) { return nil, errors.New("nix show-config: exit status 1") }
	if _, err := readNix(context.Background(), Options{nix: failing, Getenv: getenv}); err == nil {
		t.Errorf("readNix(failing nix) = nil error")
	}
}

func TestSetupWriteNixConfAndPersist(t *testing.T) {
	k := newFakeKernel(t, "debian/qemu-aarch64")
	o := testOptions(t, k, &fakeProber{}, nil)
	o.WriteNixConf, o.Persist = true, true
	conf := filepath.Join(o.root, "etc/nix/nix.conf")
	writeFile(t, conf, "# see the manual\nsandbox = false\n")
	if err := os.Chmod(conf, 0o600); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	o.Log = &log
	res, err := Setup(context.Background(), arm64(t), o)
	if err != nil {
		t.Fatalf("Setup() = %v\n%s", err, &log)
	}
	boot := filepath.Join(o.root, "etc/binfmt.d/qemu-aarch64.conf")
	if diff := cmp.Diff([]string{"wrote " + boot, "added aarch64-linux to extra-platforms in " + conf}, res.Changes); diff != "" {
		t.Errorf("Changes mismatch (-want +got):\n%s\n%s", diff, &log)
	}
	got, _ := os.ReadFile(conf)
	if want := "# see the manual\nsandbox = false\nextra-platforms = aarch64-linux" + strings.Join(append([]string{""}, nixDefaults()...), " ") + "\n"; string(got) != want {
		t.Errorf("nix.conf = %q, want %q", got, want)
	}
	if fi, _ := os.Stat(conf); fi.Mode().Perm() != 0o600 {
		t.Errorf("nix.conf mode = %v, want 0600 kept", fi.Mode().Perm())
	}
	line, _ := os.ReadFile(boot)
	e, err := ParseRegisterLine(string(line))
	if err != nil || e.Flags != "F" || !e.Claims(arm64(t)[0]) || e.Interpreter != filepath.Join(o.root, "usr/bin/qemu-aarch64-static") {
		t.Errorf("%s = %q (%v), want an F line for arm64 with the static QEMU", boot, line, err)
	}
	if len(k.writes()) != 0 {
		t.Errorf("Setup changed the kernel: %q", k.writes())
	}

	log.Reset()
	if res, err := Setup(context.Background(), arm64(t), o); err != nil || len(res.Changes) != 0 {
		t.Errorf("second Setup() = %v, changes %q\n%s", err, res.Changes, &log)
	}
	if !strings.Contains(log.String(), "registered at boot by "+boot) || !strings.Contains(log.String(), "Nix: builds aarch64-linux") {
		t.Errorf("second Setup log:\n%s", &log)
	}
}

func TestSetupPersistKeepsPackageFile(t *testing.T) {
	k := newFakeKernel(t, "debian/qemu-aarch64")
	o := testOptions(t, k, &fakeProber{}, noNix)
	o.Persist = true
	deb, err := os.ReadFile("testdata/binfmt.d/qemu-aarch64.conf")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(o.root, "usr/lib/binfmt.d/qemu-aarch64.conf"), string(deb))
	var log bytes.Buffer
	o.Log = &log
	res, err := Setup(context.Background(), arm64(t), o)
	if err != nil || len(res.Changes) != 0 {
		t.Fatalf("Setup() = %v, changes %q", err, res.Changes)
	}
	if !strings.Contains(log.String(), "registered at boot by "+filepath.Join(o.root, "usr/lib/binfmt.d/qemu-aarch64.conf")) {
		t.Errorf("log:\n%s", &log)
	}
}

func TestLastLine(t *testing.T) {
	in := "terminate called\n  what():  \x1b[31;1merror:\x1b[0m getting status of \x1b[35;1m/root\x1b[0m: Permission denied\n\n"
	if got, want := lastLine(in), "what():  error: getting status of /root: Permission denied"; got != want {
		t.Errorf("lastLine() = %q, want %q", got, want)
	}
}
