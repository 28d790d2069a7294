package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"github.com/moby/moby/client"
)

// ErrUnavailable is wrapped by every error that means the daemon could not be
// reached at all (not running, wrong address, no permission). Such failures
// may be transient and are worth retrying; errors.Is tells them apart.
var ErrUnavailable = errors.New("Docker daemon unavailable")

// ErrDenied is wrapped by errors that mean the daemon's socket refused this
// user. Retrying does not help; the fix is a group or another socket.
var ErrDenied = errors.New("no access to the Docker daemon")

// Connect creates a client for ep and pings the daemon, negotiating the API
// version (Docker Engine 20.10, API 1.41, up to current releases) unless
// DOCKER_API_VERSION pins one. The caller closes the client.
func Connect(ctx context.Context, ep Endpoint) (*client.Client, error) {
	opts := []client.Opt{client.FromEnv, client.WithHost(ep.Host)}
	if !ep.FromEnv && ep.TLS != nil {
		opts = append(opts, client.WithTLSClientConfig(ep.TLS.CA, ep.TLS.Cert, ep.TLS.Key))
	}
	if ep.APIVersion != "" {
		opts = append(opts, client.WithAPIVersion(ep.APIVersion))
	}
	c, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to Docker at %s: %w", ep, err)
	}
	if _, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: ep.APIVersion == ""}); err != nil {
		c.Close()
		return nil, explain(ep, err)
	}
	return c, nil
}

// Error is a failure to reach the daemon, with the fix. Its text is Err's,
// then "; " and Fix, on one line; errors.Is sees ErrUnavailable or ErrDenied
// through it.
type Error struct {
	// Err says what went wrong and where; it wraps ErrUnavailable or
	// ErrDenied.
	Err error
	// Endpoint is the daemon that could not be reached.
	Endpoint Endpoint
	// Fix says what to do about it.
	Fix string
}

// Error returns Err's text, "; " and Fix.
func (e *Error) Error() string { return e.Err.Error() + "; " + e.Fix }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// explain turns a connection failure into an *Error that names the fix.
// Other errors are returned unchanged.
func explain(ep Endpoint, err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrDenied) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch {
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EACCES) || strings.Contains(err.Error(), "permission denied"):
		return &Error{Err: fmt.Errorf("%w at %s: permission denied", ErrDenied, ep), Endpoint: ep,
			Fix: "add your user to the docker group (sudo usermod -aG docker $USER, then log in again), use rootless Docker, or point DOCKER_HOST at a socket you may use (" + podmanHint + ")"}
	case client.IsErrConnectionFailed(err) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNRESET):
		return &Error{Err: fmt.Errorf("%w at %s: nothing answers there", ErrUnavailable, ep), Endpoint: ep,
			Fix: "start it (sudo systemctl start docker) and check with `docker info`, or set DOCKER_HOST to a running daemon (" + podmanHint + ")"}
	}
	return err
}

// podmanHint says how to use Podman instead.
const podmanHint = "Podman: systemctl --user start podman.socket; DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock"
