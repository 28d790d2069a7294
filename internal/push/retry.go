package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
	"github.com/nanna-coder/build/internal/wait"
)

// retry calls push until it succeeds, fails for good (see transient) or
// has been tried opts.Attempts times, pausing opts.RetryDelay in between,
// and returns the attempts made and the last error, which says how often
// it was tried.
func retry(ctx context.Context, opts Options, push func() error) (int, error) {
	attempts := max(opts.Attempts, 1)
	sleep := opts.sleep
	if sleep == nil {
		sleep = wait.Sleep
	}
	for attempt := 1; ; attempt++ {
		err := push()
		if err == nil {
			return attempt, nil
		}
		if attempt >= attempts || ctx.Err() != nil || !transient(err) {
			return attempt, finalError(ctx, err, attempt)
		}
		fmt.Fprintf(ui.Or(opts.Log), "attempt %d of %d: %v; retrying in %s\n", attempt, attempts, finalError(ctx, err, 1), opts.RetryDelay)
		if serr := sleep(ctx, opts.RetryDelay); serr != nil {
			return attempt, finalError(ctx, err, attempt)
		}
	}
}

// transient reports whether another attempt may succeed: the registry
// refused or dropped the connection, stalled, or answered 408, 429 or 5xx.
// A digest mismatch, a refusal, plain HTTP, the push's timeout or Ctrl-C
// is final.
func transient(err error) bool {
	var mismatch *nix2container.MismatchError
	var terr *transport.Error
	var netErr net.Error
	switch {
	case errors.As(err, &mismatch), errors.Is(err, ErrPlainHTTP), errors.Is(err, ErrTimeout), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &terr):
		return terr.Temporary()
	case errors.Is(err, ErrStalled), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	return errors.As(err, &netErr) && netErr.Timeout()
}

// finalError is the error a push reports: a stalled request or a refused
// plain-HTTP registry as such (without go-containerregistry's method and
// URL, once), the push's timeout or cancellation first, and how often it
// was tried.
func finalError(ctx context.Context, err error, attempts int) error {
	var stall *stallError
	var plain *plainHTTPError
	switch {
	case errors.As(err, &stall) && !stall.overall && ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrTimeout):
		// The push's own bound ran out as well (the request's deadline is
		// never later than it): report the bound the user configured.
		over := *stall
		over.overall, over.err = true, context.Cause(ctx)
		err = &over
	case errors.As(err, &stall):
		err = stall
	case errors.As(err, &plain):
		err = plain
	case ctx.Err() != nil && !errors.Is(err, context.Cause(ctx)):
		err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	}
	if attempts > 1 {
		err = fmt.Errorf("%w (tried %d times)", err, attempts)
	}
	return err
}
