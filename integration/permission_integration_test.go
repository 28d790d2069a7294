//go:build integration

package integration_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/testenv"
)

// TestIntegrationPermissionDenied runs load:json as nobody against the
// daemon's root-only socket: the error must say so and name the fix.
func TestIntegrationPermissionDenied(t *testing.T) {
	testenv.RequireDocker(t)
	fixtures.RequireInstalled(t)
	if os.Geteuid() != 0 {
		testenv.Require(t, "root (to run the target as nobody)", errors.New("not root"))
	}
	host := os.Getenv("DOCKER_HOST")
	sock := strings.TrimPrefix(host, "unix://")
	info, err := os.Stat(sock)
	if !strings.HasPrefix(host, "unix://") || err != nil || info.Mode().Perm()&0o006 != 0 {
		testenv.Require(t, "a unix DOCKER_HOST socket closed to other users", errors.New("DOCKER_HOST is "+host))
	}
	// nobody must be able to run the binary and read the fixture.
	if err := os.Chmod(filepath.Dir(mageBin), 0o755); err != nil {
		t.Fatal(err)
	}
	fixture, err := filepath.Abs("../internal/nix2container/testdata/cases/basic/image.json")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mageBin, "load:json", fixture, "nanna-test-denied:it")
	dir, err := os.MkdirTemp("", "nanna-nobody")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd.Dir = dir
	// No nix on PATH: the built-in configuration applies, as on a machine
	// that only receives JSON files.
	cmd.Env = []string{"DOCKER_HOST=" + host, "PATH=/nonexistent", "HOME=" + cmd.Dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("load:json as nobody: %v, want a non-zero exit\n%s", err, out.String())
	}
	last := strings.TrimSpace(out.String())
	if i := strings.LastIndex(last, "\n"); i >= 0 {
		last = last[i+1:]
	}
	if strings.Contains(out.String(), "retrying") {
		t.Errorf("a permission error was retried:\n%s", out.String())
	}
	for _, want := range []string{"permission denied", "docker group"} {
		if !strings.Contains(last, want) {
			t.Errorf("last line %q lacks %q; output:\n%s", last, want, out.String())
		}
	}
}
