//go:build integration

package binfmt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/testenv"
)

// testPrefix names every entry the integration tests register; they never
// register, remove or even look at other entries.
const testPrefix = "nanna-test-"

// guardKernel is the real binfmt_misc restricted to entries named
// testPrefix…: the others are invisible, and writing them fails the test.
type guardKernel struct {
	t *testing.T
	procFS
}

func (g guardKernel) Names() ([]string, error) {
	all, err := g.procFS.Names()
	var mine []string
	for _, n := range all {
		if strings.HasPrefix(n, testPrefix) {
			mine = append(mine, n)
		}
	}
	return mine, err
}

func (g guardKernel) Register(line string) error {
	if e, err := ParseRegisterLine(line); err == nil && !strings.HasPrefix(e.Name, testPrefix) {
		g.t.Fatalf("the test tried to register %q, which is not a test entry", e.Name)
	}
	return g.procFS.Register(line)
}

func (g guardKernel) Unregister(name string) error {
	if !strings.HasPrefix(name, testPrefix) {
		g.t.Fatalf("the test tried to remove %q, which is not a test entry", name)
	}
	return g.procFS.Unregister(name)
}

// realKernel checks the preconditions of the real-kernel tests (root,
// binfmt_misc, Debian's static QEMU) and returns the guarded kernel. Test
// entries left by an earlier run are removed first, and again when the
// test ends, whatever its outcome.
func realKernel(t *testing.T) guardKernel {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Require(t, "root (binfmt_misc registration)", os.ErrPermission)
	}
	k := guardKernel{t: t, procFS: procFS{dir: DefaultDir}}
	if !k.Mounted() {
		testenv.Require(t, "binfmt_misc", k.Mount())
	}
	_, err := os.Stat("/usr/bin/qemu-aarch64-static")
	testenv.Require(t, "Debian's qemu-user-static (apt-get install qemu-user-static)", err)
	removeTestEntries(t, k)
	t.Cleanup(func() { removeTestEntries(t, k) })
	return k
}

func removeTestEntries(t *testing.T, k guardKernel) {
	t.Helper()
	names, err := k.Names()
	if err != nil {
		t.Errorf("listing entries to clean up: %v", err)
	}
	for _, n := range names {
		if err := k.Unregister(n); err != nil {
			t.Errorf("cleaning up %s: %v", n, err)
		}
	}
}

// integrationOptions sets up with test entry names, the real probe, no
// Nix, and /etc left alone.
func integrationOptions(t *testing.T, k guardKernel, log *bytes.Buffer) Options {
	return Options{
		Log: log, Name: testPrefix + "%s", SkipNix: true,
		sys: k, root: t.TempDir(),
	}
}

// procEntries returns the test entries as the kernel prints them.
func procEntries(t *testing.T, k guardKernel) map[string]string {
	t.Helper()
	names, err := k.Names()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, n := range names {
		data, err := k.Read(n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = string(data)
	}
	return m
}

// buildGoProgram cross-builds testdata/goprog for arch.
func buildGoProgram(t *testing.T, arch string) []byte {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "goprog")
	cmd := exec.Command("go", "build", "-o", bin, "./testdata/goprog")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build GOARCH=%s: %v\n%s", arch, err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// setupArm64 registers the test arm64 entry and returns its options.
func setupArm64(t *testing.T) Options {
	t.Helper()
	k := realKernel(t)
	var log bytes.Buffer
	o := integrationOptions(t, k, &log)
	if _, err := Setup(context.Background(), arm64(t), o); err != nil {
		t.Fatalf("Setup(arm64) = %v\n%s", err, &log)
	}
	t.Logf("setup:\n%s", &log)
	return o
}

func TestIntegrationSetupStatusRemove(t *testing.T) {
	k := realKernel(t)
	ctx := context.Background()
	ps, err := ParsePlatforms("all")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	o := integrationOptions(t, k, &log)

	res, err := Setup(ctx, ps, o)
	if err != nil {
		t.Fatalf("Setup(all) = %v\n%s", err, &log)
	}
	t.Logf("first setup:\n%s", &log)
	for _, s := range res.States {
		name := testPrefix + s.Platform.QEMU()
		e, ok := findEntry(s.Entries, name)
		switch {
		case !ok:
			t.Errorf("%s: no entry %s after Setup (%d entries)", s.Platform, name, len(s.Entries))
		case !e.Enabled || !e.Has('F') || e.Has('C') || e.Has('O'):
			t.Errorf("%s: %s has flags %q (enabled %v), want F and not C", s.Platform, name, e.Flags, e.Enabled)
		}
		if !s.Probe.OK() || !s.Probe.Chroot {
			t.Errorf("%s: probe = %v, want it to work in an empty chroot", s.Platform, s.Probe)
		}
		t.Logf("%s: probe %s", s.Platform, s.Probe)
	}

	before := procEntries(t, k)
	log.Reset()
	res, err = Setup(ctx, ps, o)
	if err != nil {
		t.Fatalf("second Setup(all) = %v\n%s", err, &log)
	}
	if len(res.Changes) != 0 || !strings.HasSuffix(log.String(), "nothing changed\n") {
		t.Errorf("second Setup changed %q:\n%s", res.Changes, &log)
	}
	if after := procEntries(t, k); !equalMaps(before, after) {
		t.Errorf("the entries changed on the second Setup:\nbefore %v\nafter  %v", before, after)
	}

	log.Reset()
	if _, err := Status(ctx, ps, o); err != nil {
		t.Errorf("Status(all) = %v\n%s", err, &log)
	}
	t.Logf("status:\n%s", &log)

	log.Reset()
	res, err = Remove(ctx, ps, o)
	if err != nil || len(res.Changes) != len(ps) {
		t.Errorf("Remove(all) = %v, changes %q; want %d removals\n%s", err, res.Changes, len(ps), &log)
	}
	if left := procEntries(t, k); len(left) != 0 {
		t.Errorf("entries left after Remove: %v", left)
	}
	if _, err := Status(ctx, arm64(t), o); err == nil {
		t.Errorf("Status(arm64) after Remove = nil error, want not ready")
	}
	if res, err := Remove(ctx, ps, o); err != nil || len(res.Changes) != 0 {
		t.Errorf("second Remove(all) = %v, changes %q; want none", err, res.Changes)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestIntegrationPrograms runs the arm64 probe and a Go program with
// goroutines, directly and in an empty chroot, after Setup.
func TestIntegrationPrograms(t *testing.T) {
	setupArm64(t)
	ctx := context.Background()
	p := arm64(t)[0]
	probe, err := Probe(p)
	if err != nil {
		t.Fatal(err)
	}
	host, ok := hostPlatform()
	if !ok {
		t.Skip("unknown host")
	}
	native, err := exec.Command("go", "run", "./testdata/goprog").Output()
	if err != nil {
		t.Fatalf("go run ./testdata/goprog: %v", err)
	}
	_, sum, _ := strings.Cut(strings.TrimSpace(string(native)), " ")
	goprog := buildGoProgram(t, "arm64")
	for _, chroot := range []bool{false, true} {
		r := runProbe(ctx, p, probe, chroot)
		if !r.OK() {
			t.Errorf("probe (chroot %v): %v", chroot, r)
		}
		t.Logf("arm64 probe, chroot %v: %s", chroot, r)
		out, took, err := runIsolated(ctx, goprog, chroot)
		if got, want := strings.TrimSpace(string(out)), "arm64 "+sum; err != nil || got != want {
			t.Errorf("arm64 Go program (chroot %v) = %q, %v; want %q (the %s result)", chroot, got, err, want, host.Architecture)
		}
		t.Logf("arm64 Go program, chroot %v: %s", chroot, took)
	}
}

// TestIntegrationWithoutF shows why F matters and that Setup repairs it:
// an entry without F runs the probe on the host but not in a chroot, and
// Setup replaces it.
func TestIntegrationWithoutF(t *testing.T) {
	k := realKernel(t)
	ctx := context.Background()
	p := arm64(t)[0]
	name := testPrefix + p.QEMU()
	if err := k.Register(RegisterLine(name, p, "/usr/bin/qemu-aarch64-static", "")); err != nil {
		t.Fatal(err)
	}
	probe, _ := Probe(p)
	if r := runProbe(ctx, p, probe, false); !r.OK() {
		t.Errorf("without F, directly: %v; want it to work", r)
	}
	if r := runProbe(ctx, p, probe, true); r.OK() {
		t.Errorf("without F, in a chroot: works; want it to fail")
	} else {
		t.Logf("without F, in a chroot: %v", r)
	}
	var log bytes.Buffer
	o := integrationOptions(t, k, &log)
	res, err := Setup(ctx, arm64(t), o)
	if err != nil {
		t.Fatalf("Setup() = %v\n%s", err, &log)
	}
	if !strings.Contains(log.String(), "lacks F") || len(res.Changes) != 2 {
		t.Errorf("Setup changes %q:\n%s", res.Changes, &log)
	}
	if e, _ := findEntry(res.States[0].Entries, name); !e.Has('F') || !res.States[0].Probe.Chroot || !res.States[0].Probe.OK() {
		t.Errorf("after Setup: %s flags %q, probe %v", name, e.Flags, res.States[0].Probe)
	}
}

// TestIntegrationDetectsDebian registers Debian's own arm64 line under a
// test name: Setup finds it by its magic and changes nothing.
func TestIntegrationDetectsDebian(t *testing.T) {
	k := realKernel(t)
	_, err := os.Stat("/usr/libexec/qemu-binfmt/aarch64-binfmt-P")
	testenv.Require(t, "Debian's qemu-user-static binfmt wrappers", err)
	line, err := os.ReadFile("testdata/binfmt.d/qemu-aarch64.conf")
	if err != nil {
		t.Fatal(err)
	}
	deb := strings.Replace(strings.TrimSpace(string(line)), ":qemu-aarch64:", ":"+testPrefix+"debian-aarch64:", 1)
	if err := k.Register(deb); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := Setup(context.Background(), arm64(t), integrationOptions(t, k, &log))
	if err != nil || len(res.Changes) != 0 {
		t.Fatalf("Setup() = %v, changes %q\n%s", err, res.Changes, &log)
	}
	if !strings.Contains(log.String(), "already registered as "+testPrefix+"debian-aarch64 (/usr/libexec/qemu-binfmt/aarch64-binfmt-P, flags POF); emulation works in an empty chroot") {
		t.Errorf("log:\n%s", &log)
	}
}

// TestIntegrationRecordedEntries registers the shape of every recorded
// entry and compares what the kernel prints with the recording.
func TestIntegrationRecordedEntries(t *testing.T) {
	k := realKernel(t)
	files, err := filepath.Glob("testdata/entries/*/*")
	if err != nil || len(files) < 10 {
		t.Fatalf("recorded entries: %d files, %v", len(files), err)
	}
	for i, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ParseEntry(filepath.Base(file), data)
		if err != nil {
			t.Fatal(err)
		}
		name := testPrefix + "rec" + string(rune('a'+i))
		interp := "/usr/bin/qemu-aarch64-static" // exists, as F needs
		line := ":" + name + ":M:" + strconv.Itoa(want.Offset) + ":" + escape(want.Magic) + ":" + escape(want.Mask) + ":" + interp + ":" + want.Flags
		if want.Magic == nil {
			line = ":" + name + ":E::" + want.Extension + "::" + interp + ":" + want.Flags
		}
		if err := k.Register(line); err != nil {
			t.Errorf("%s: registering %q: %v", file, line, err)
			continue
		}
		if !want.Enabled {
			if err := os.WriteFile(filepath.Join(DefaultDir, name), []byte("0"), 0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := k.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		wantText := strings.Replace(string(data), "interpreter "+want.Interpreter+"\n", "interpreter "+interp+"\n", 1)
		if string(got) != wantText {
			t.Errorf("%s: the kernel prints\n%s\nwant\n%s", file, got, wantText)
		}
	}
}

// escape writes bytes as the \xHH escapes of a register line.
func escape(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		fmt.Fprintf(&s, `\x%02x`, c)
	}
	return s.String()
}
