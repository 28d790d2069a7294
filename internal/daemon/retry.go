package daemon

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/nix2container"
)

// transient reports whether another attempt may succeed: the daemon was
// unreachable, the connection broke, or the daemon said it is busy. A digest
// mismatch, bad input, a timeout or Ctrl-C is final.
func transient(err error) bool {
	var mismatch *nix2container.MismatchError
	switch {
	case err == nil, errors.As(err, &mismatch), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, ErrUnavailable), client.IsErrConnectionFailed(err),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), cerrdefs.IsUnavailable(err):
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	var de *daemonError
	if errors.As(err, &de) {
		msg := strings.ToLower(de.msg)
		return strings.Contains(msg, "busy") || strings.Contains(msg, "try again") || strings.Contains(msg, "connection reset")
	}
	return false
}
