package push

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// ErrStalled is wrapped by the error of a request the registry left
// unanswered, or whose upload it stopped reading.
var ErrStalled = errors.New("registry stalled")

// ErrTimeout is wrapped by the error of a push that ran out of
// Options.Timeout.
var ErrTimeout = errors.New("timed out")

// ErrPlainHTTP is wrapped by the error of a push to a registry that is
// not on this machine and speaks plain HTTP, when Options.Insecure is not
// set.
var ErrPlainHTTP = errors.New("plain HTTP to a registry that is not on this machine")

// newTransport returns the HTTP transport of one push and the round
// tripper to push through: go-containerregistry's default transport,
// whose connections give up on a registry that leaves a request
// unanswered, or stops reading an upload, for the request timeout, under
// registryTransport.
func newTransport(opts Options) (*http.Transport, http.RoundTripper) {
	idle := requestTimeout(opts)
	base := remote.DefaultTransport.(*http.Transport).Clone()
	base.ResponseHeaderTimeout = idle
	dial := opts.dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return deadlineConn{Conn: c, idle: idle}, nil
	}
	return base, &registryTransport{next: base, insecure: opts.Insecure, timeout: opts.Timeout, requestTimeout: idle}
}

// requestTimeout is Options.RequestTimeout with its default, capped at
// Options.Timeout.
func requestTimeout(opts Options) time.Duration {
	d := opts.RequestTimeout
	if d <= 0 {
		d = DefaultRequestTimeout
	}
	if opts.Timeout > 0 {
		d = min(d, opts.Timeout)
	}
	return d
}

// deadlineConn fails a write that the peer leaves unread for idle.
type deadlineConn struct {
	net.Conn
	idle time.Duration
}

// Write implements net.Conn.
func (c deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// registryTransport refuses plain HTTP to hosts other than this machine
// unless insecure (go-containerregistry would otherwise also fall back to
// plain HTTP for private (RFC 1918) addresses and .local names), and names
// the registry and the request in the errors of stalled requests.
type registryTransport struct {
	next     http.RoundTripper
	insecure bool
	// timeout is the push's Options.Timeout; requestTimeout the one of a
	// request.
	timeout, requestTimeout time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t *registryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	local := t.insecure || isLoopback(host)
	if req.URL.Scheme == "http" && !local {
		if req.Body != nil {
			req.Body.Close() //nolint:errcheck // RoundTrip closes the body, even when refusing
		}
		return nil, &plainHTTPError{host: host}
	}
	var body *sentReader
	if req.Body != nil && req.Body != http.NoBody {
		body = &sentReader{ReadCloser: req.Body}
		req = req.Clone(req.Context())
		req.Body = body
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		return resp, nil
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/" && !local {
		return nil, &plainHTTPError{host: host, answered: true}
	}
	ctx := req.Context()
	sending := body != nil && !body.sent.Load()
	var netErr net.Error
	switch {
	case t.timeout > 0 && ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrTimeout):
		return nil, &stallError{host: host, what: requestWhat(req), overall: true, sending: sending, err: context.Cause(ctx)}
	case ctx.Err() == nil && errors.As(err, &netErr) && netErr.Timeout():
		return nil, &stallError{host: host, what: requestWhat(req), after: t.requestTimeout, sending: sending, err: err}
	}
	return nil, err
}

// sentReader records that a request body was read to its end.
type sentReader struct {
	io.ReadCloser
	sent atomic.Bool
}

// Read implements io.Reader.
func (r *sentReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		r.sent.Store(true)
	}
	return n, err
}

// stallError is a request that got no answer in time.
type stallError struct {
	host, what string
	after      time.Duration // the request timeout that ran out
	overall    bool          // the push's Timeout ran out instead; err is its cause
	sending    bool          // the request body was still being sent
	err        error
}

func (e *stallError) Error() string {
	switch {
	case e.overall && e.sending:
		return fmt.Sprintf("%v during %s at registry %s", e.err, e.what, e.host)
	case e.overall:
		return fmt.Sprintf("registry %s stalled: no answer to %s; %v", e.host, e.what, e.err)
	case e.sending:
		return fmt.Sprintf("registry %s stalled: it stopped reading %s for %s", e.host, e.what, e.after)
	}
	return fmt.Sprintf("registry %s stalled: no answer to %s within %s", e.host, e.what, e.after)
}

// Unwrap gives ErrStalled, unless the push timed out while still sending
// (a slow upload, not a stall), and the underlying error.
func (e *stallError) Unwrap() []error {
	if e.overall && e.sending {
		return []error{e.err}
	}
	return []error{ErrStalled, e.err}
}

// plainHTTPError is a refused plain-HTTP registry (see ErrPlainHTTP).
type plainHTTPError struct {
	host     string
	answered bool // it answered an HTTPS request in plain HTTP
}

func (e *plainHTTPError) Error() string {
	if e.answered {
		return fmt.Sprintf("registry %s answers in plain HTTP, which is used only for registries on loopback (localhost, 127.0.0.0/8, [::1]); allow it explicitly", e.host)
	}
	return fmt.Sprintf("registry %s is reached over plain HTTP only on loopback (localhost, 127.0.0.0/8, [::1]); allow it explicitly", e.host)
}

// Is makes the error match ErrPlainHTTP.
func (e *plainHTTPError) Is(target error) bool { return target == ErrPlainHTTP }

// requestWhat names a registry API request for messages.
func requestWhat(req *http.Request) string {
	p := strings.TrimPrefix(req.URL.Path, "/v2/")
	if repo, _, ok := strings.Cut(p, "/blobs/uploads/"); ok {
		switch d := req.URL.Query().Get("digest"); {
		case req.Method == http.MethodPost:
			return "the start of a blob upload to " + repo
		case d != "":
			return fmt.Sprintf("the commit of blob %s to %s", d, repo)
		}
		return "a blob upload to " + repo
	}
	if i := strings.LastIndex(p, "/blobs/"); i >= 0 {
		return fmt.Sprintf("the check for blob %s in %s", p[i+len("/blobs/"):], p[:i])
	}
	if i := strings.LastIndex(p, "/manifests/"); i >= 0 {
		repo, ref, sep := p[:i], p[i+len("/manifests/"):], ":"
		if strings.Contains(ref, ":") {
			sep = "@" // a digest
		}
		if req.Method == http.MethodPut {
			return "the upload of manifest " + repo + sep + ref
		}
		return "the check for manifest " + repo + sep + ref
	}
	return req.Method + " " + req.URL.Path
}
