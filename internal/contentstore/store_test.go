package contentstore

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestDial(t *testing.T) {
	f := newFake(t, "moby")
	for _, tc := range []struct {
		name, address, namespace string
		wantIs                   []error
	}{
		{name: "path", address: f.address, namespace: "moby"},
		{name: "unix URL", address: "unix://" + f.address, namespace: "moby"},
		{name: "no socket", address: filepath.Join(t.TempDir(), "none.sock"), namespace: "moby", wantIs: []error{ErrUnavailable, fs.ErrNotExist}},
		{name: "no such namespace", address: f.address, namespace: "moby-classic", wantIs: []error{ErrUnavailable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Dial(context.Background(), tc.address, tc.namespace)
			if err == nil {
				s.Close()
			}
			if (err != nil) != (len(tc.wantIs) > 0) {
				t.Fatalf("Dial(%s, %s) = %v, want error %v", tc.address, tc.namespace, err, tc.wantIs != nil)
			}
			for _, target := range tc.wantIs {
				if !errors.Is(err, target) {
					t.Errorf("Dial(%s, %s) = %v, want it to wrap %v", tc.address, tc.namespace, err, target)
				}
			}
			if errors.Is(err, ErrDenied) {
				t.Errorf("Dial(%s, %s) = %v, which wraps ErrDenied", tc.address, tc.namespace, err)
			}
		})
	}
}

// As root, a socket's mode does not keep anyone out, so explain is checked
// with the error connect(2) returns to other users.
func TestExplainDenied(t *testing.T) {
	// What net.Dial returned to uid 65534 for a root-owned 0660 socket.
	dialErr := &net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.EACCES)}
	err := explain("/run/containerd/containerd.sock", dialErr)
	if !errors.Is(err, ErrDenied) || !errors.Is(err, ErrUnavailable) {
		t.Errorf("explain(permission denied) = %v, want ErrDenied and ErrUnavailable", err)
	}
}
