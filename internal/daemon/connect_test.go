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
			got := Explain(ep, tt.err)
			if errors.Is(got, ErrUnavailable) != tt.unavailable {
				t.Errorf("errors.Is(Explain(%v), ErrUnavailable) = %v, want %v", tt.err, !tt.unavailable, tt.unavailable)
			}
			if !strings.Contains(got.Error(), tt.want) || strings.Contains(got.Error(), "\n") {
				t.Errorf("Explain(%v) = %q, want one line containing %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestExplainDenied(t *testing.T) {
	err := Explain(Endpoint{Host: "unix:///var/run/docker.sock"}, &os.SyscallError{Syscall: "connect", Err: syscall.EACCES})
	if !errors.Is(err, ErrDenied) {
		t.Errorf("Explain(EACCES) = %v, want ErrDenied", err)
	}
}

func TestConnectUnreachable(t *testing.T) {
	ep := Endpoint{Host: "unix://" + t.TempDir() + "/docker.sock"}
	_, err := Connect(context.Background(), ep)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), ep.Host) {
		t.Fatalf("Connect() to a missing socket = %v, want ErrUnavailable naming %s", err, ep.Host)
	}
}
