package testenv

import (
	"os"
	"os/exec"
)

// CI reports whether this run is CI (CI=true), where a missing daemon,
// Nix or registry fails the tests instead of skipping them.
func CI() bool { return os.Getenv("CI") == "true" }

// TB is the subset of testing.TB that Require uses.
type TB interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Require skips the test with a clear message when err says a service is
// missing, or fails it under CI, where everything must be present.
func Require(t TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if CI() {
		t.Fatalf("%s is required under CI=true: %v", what, err)
	}
	t.Skipf("skipping: %s is not available (%v); .ci/run installs and starts it", what, err)
}

// RequireDocker skips (or, under CI, fails) the test unless the docker CLI
// reaches a daemon (DOCKER_HOST or the Docker context).
func RequireDocker(t TB) {
	t.Helper()
	_, err := exec.LookPath("docker")
	if err == nil {
		err = exec.Command("docker", "version").Run()
	}
	Require(t, "a Docker daemon (docker version)", err)
}
