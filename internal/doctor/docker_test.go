package doctor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/daemon"
)

// The docker row shows what went wrong apart from the fix, as the loader's
// connection error carries them; any other error is all detail.
func TestUnreachable(t *testing.T) {
	sock := "unix://" + filepath.Join(t.TempDir(), "docker.sock")
	m := Machine{Getenv: func(k string) string { return map[string]string{"DOCKER_HOST": sock}[k] }, Exists: func(string) bool { return false }}
	const start = "start it (sudo systemctl start docker) and check with `docker info`, or set DOCKER_HOST to a running daemon (Podman: systemctl --user start podman.socket; DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock)"
	t.Run("nothing answers", func(t *testing.T) {
		got := checkDocker(context.Background(), m, &dockerState{})
		want := Finding{Fail, "Docker daemon unavailable at " + sock + ": nothing answers there", start}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("checkDocker() with no daemon mismatch (-want +got):\n%s", diff)
		}
	})
	tests := []struct {
		name   string
		err    error
		podman string
		want   Finding
	}{
		{"the fix follows the Podman socket", &daemon.Error{Err: fmt.Errorf("%w at unix:///x.sock: nothing answers there", daemon.ErrUnavailable), Fix: "start it; or not"}, "unix:///run/podman/podman.sock",
			Finding{Fail, "Docker daemon unavailable at unix:///x.sock: nothing answers there", "Podman answers at unix:///run/podman/podman.sock: export DOCKER_HOST=unix:///run/podman/podman.sock to load into Podman instead, or start it; or not"}},
		{"another error is all detail", errors.New("connecting to Docker at tcp://h:1: bad; worse"), "",
			Finding{Fail, "connecting to Docker at tcp://h:1: bad; worse", ""}},
		{"another error with Podman", errors.New("connecting to Docker at tcp://h:1: bad; worse"), "unix:///run/podman/podman.sock",
			Finding{Fail, "connecting to Docker at tcp://h:1: bad; worse", "Podman answers at unix:///run/podman/podman.sock: export DOCKER_HOST=unix:///run/podman/podman.sock to load into Podman instead, or "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, unreachable(tt.err, tt.podman)); diff != "" {
				t.Errorf("unreachable(%v, %q) mismatch (-want +got):\n%s", tt.err, tt.podman, diff)
			}
		})
	}
}
