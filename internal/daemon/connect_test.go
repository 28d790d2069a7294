package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestExplain(t *testing.T) {
	ep := Endpoint{Host: "unix:///var/run/docker.sock"}
	tests := []struct {
		name        string
		err         error
		unavailable bool
		want        string
	}{
		{"socket missing", &os.SyscallError{Syscall: "connect", Err: syscall.ENOENT}, true, "sudo systemctl start docker"},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true, "docker info"},
		{"permission denied is not unavailable", &os.SyscallError{Syscall: "connect", Err: syscall.EACCES}, false, "docker group"},
		{"other errors pass through", errors.New("client version 1.99 is too new"), false, "1.99"},
		{"cancel passes through", context.Canceled, false, "canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explain(ep, tt.err)
			if errors.Is(got, ErrUnavailable) != tt.unavailable {
				t.Errorf("errors.Is(explain(%v), ErrUnavailable) = %v, want %v", tt.err, !tt.unavailable, tt.unavailable)
			}
			if !strings.Contains(got.Error(), tt.want) || strings.Contains(got.Error(), "\n") {
				t.Errorf("explain(%v) = %q, want one line containing %q", tt.err, got, tt.want)
			}
		})
	}
}

// The fix travels apart from what went wrong, and the whole reads as it
// always did: "<what> at <where>: <why>; <fix>".
func TestExplainError(t *testing.T) {
	ep := Endpoint{Host: "unix:///var/run/docker.sock", Context: "colima"}
	tests := []struct {
		name     string
		err      error
		sentinel error
		wantErr  string
		wantFix  string
	}{
		{"denied", &os.SyscallError{Syscall: "connect", Err: syscall.EACCES}, ErrDenied,
			`no access to the Docker daemon at unix:///var/run/docker.sock (Docker context "colima"): permission denied`,
			"add your user to the docker group (sudo usermod -aG docker $USER, then log in again), use rootless Docker, or point DOCKER_HOST at a socket you may use (Podman: systemctl --user start podman.socket; DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock)"},
		{"unavailable", &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}, ErrUnavailable,
			`Docker daemon unavailable at unix:///var/run/docker.sock (Docker context "colima"): nothing answers there`,
			"start it (sudo systemctl start docker) and check with `docker info`, or set DOCKER_HOST to a running daemon (Podman: systemctl --user start podman.socket; DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := explain(ep, tt.err)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("explain(%v) = %#v, want an *Error", tt.err, err)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("explain(%v) = %v, want it to wrap %v", tt.err, err, tt.sentinel)
			}
			if e.Err.Error() != tt.wantErr || e.Fix != tt.wantFix || e.Endpoint != ep {
				t.Errorf("explain(%v) = {Err: %q, Endpoint: %v, Fix: %q}, want {%q, %v, %q}", tt.err, e.Err, e.Endpoint, e.Fix, tt.wantErr, ep, tt.wantFix)
			}
			if want := tt.wantErr + "; " + tt.wantFix; err.Error() != want {
				t.Errorf("explain(%v).Error() = %q, want %q", tt.err, err, want)
			}
		})
	}
}

func TestConnectUnreachable(t *testing.T) {
	ep := Endpoint{Host: "unix://" + t.TempDir() + "/docker.sock"}
	_, err := Connect(context.Background(), ep)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), ep.Host) {
		t.Fatalf("Connect() to a missing socket = %v, want ErrUnavailable naming %s", err, ep.Host)
	}
}
