//go:build integration

package doctor

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/testenv"
)

// TestIntegrationStandard runs every standard check on this machine; under
// CI, where .ci/run installs and starts everything, none may fail.
func TestIntegrationStandard(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), &out, Standard("../..", Host(os.Getenv)))
	t.Log("\n" + out.String())
	testenv.Require(t, "a machine where every doctor check passes", err)
	for _, want := range []string{"ok    go", "ok    nix ", "ok    nix build", "ok    configuration", "ok    flake", "ok    docker", "ok    disk"} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("doctor output lacks %q", want)
		}
	}
}

// env returns os.Getenv with some variables replaced.
func env(over map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}

// TestIntegrationNixProblems runs the real Nix with settings a user may
// have: warnings pass with a warn row, missing build users fail naming the
// fix. Nix reads NIX_CONFIG from the environment, so it is set for real.
func TestIntegrationNixProblems(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the build-users check is for root's single-user Nix; run as root (CI does)")
	}
	base := os.Getenv("NIX_CONFIG")
	tests := []struct {
		name     string
		extra    string
		wantErr  bool
		wantRows []string
	}{
		{"a setting of a newer Nix only warns", "lazy-trees = true", false, []string{"warn  nix ", "unknown setting 'lazy-trees'", "ok    nix build"}},
		{"build users that do not exist fail", "build-users-group = nixbld-nobody", true, []string{"FAIL  nix build", `"nixbld-nobody"`, "build-users-group ="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NIX_CONFIG", base+"\n"+tt.extra)
			var out bytes.Buffer
			err := Run(context.Background(), &out, Standard("../..", Host(os.Getenv)))
			if (err != nil) != tt.wantErr {
				t.Errorf("Run() = %v, want error %v\n%s", err, tt.wantErr, &out)
			}
			for _, w := range tt.wantRows {
				if !strings.Contains(out.String(), w) {
					t.Errorf("doctor output lacks %q:\n%s", w, &out)
				}
			}
		})
	}
}

// TestIntegrationPodmanAlternative points DOCKER_HOST at nothing while a
// Podman socket answers where Podman puts it: the docker row fails and its
// fix names that socket.
func TestIntegrationPodmanAlternative(t *testing.T) {
	podman := os.Getenv("NANNA_PODMAN_HOST")
	if podman == "" {
		testenv.Require(t, "a Podman service (NANNA_PODMAN_HOST)", os.ErrNotExist)
	}
	runtime := t.TempDir()
	if err := os.Mkdir(filepath.Join(runtime, "podman"), 0o700); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(runtime, "podman", "podman.sock")
	if err := os.Symlink(strings.TrimPrefix(podman, "unix://"), sock); err != nil {
		t.Fatal(err)
	}
	m := Host(env(map[string]string{"DOCKER_HOST": "unix://" + filepath.Join(runtime, "no-docker.sock"), "XDG_RUNTIME_DIR": runtime}))
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(runtime, "no-docker.sock"))
	var st dockerState
	f := checkDocker(context.Background(), m, &st)
	if f.Status != Fail || !strings.Contains(f.Fix, "Podman answers at unix://"+sock) {
		t.Errorf("checkDocker() = %+v, want a failure whose fix names the Podman socket %s", f, sock)
	}
}
