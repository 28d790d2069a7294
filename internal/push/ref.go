package push

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// ErrPlainHTTP is returned for a plain-HTTP request to a registry that is
// not on this machine when Options.Insecure is not set.
var ErrPlainHTTP = errors.New("refusing plain HTTP to a registry that is not on this machine (pass -insecure to allow it)")

// ParseRef checks a push destination, HOST[:PORT]/REPOSITORY[:TAG] (tag
// latest by default), and returns it normalised. The registry host must be
// written out, so that a short name such as "ollama:dev" is not pushed to
// Docker Hub by accident (write docker.io/OWNER/NAME for Docker Hub).
// Registries on this machine (localhost, 127.0.0.0/8, [::1]) and, with
// insecure, any registry may be reached over plain HTTP.
func ParseRef(ref string, insecure bool) (name.Tag, error) {
	if strings.Contains(ref, "@") {
		return name.Tag{}, fmt.Errorf("invalid push reference %q: a digest cannot be pushed to; give a tag (HOST/REPOSITORY:TAG)", ref)
	}
	host, _, ok := strings.Cut(ref, "/")
	if !ok || (!strings.ContainsAny(host, ".:") && host != "localhost") {
		return name.Tag{}, fmt.Errorf("invalid push reference %q: it names no registry; write HOST/REPOSITORY:TAG, such as ghcr.io/owner/ollama:dev, 127.0.0.1:5000/ollama:dev or docker.io/owner/ollama:dev", ref)
	}
	var opts []name.Option
	if insecure || isLoopback(host) {
		opts = append(opts, name.Insecure)
	}
	tag, err := name.NewTag(ref, opts...)
	if err != nil {
		return name.Tag{}, fmt.Errorf("invalid push reference %q: %w", ref, err)
	}
	return tag, nil
}

// parseRefs parses every destination; there must be at least one.
func parseRefs(refs []string, insecure bool) ([]name.Tag, error) {
	if len(refs) == 0 {
		return nil, errors.New("no reference to push to")
	}
	tags := make([]name.Tag, 0, len(refs))
	for _, r := range refs {
		t, err := ParseRef(r, insecure)
		if err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// isLoopback reports whether host (with an optional port) is this machine.
func isLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// httpGuard refuses plain-HTTP requests to hosts other than this machine
// unless insecure. go-containerregistry would otherwise also fall back to
// plain HTTP for private (RFC 1918) addresses and .local names.
type httpGuard struct {
	next     http.RoundTripper
	insecure bool
}

// RoundTrip implements http.RoundTripper.
func (g httpGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !g.insecure && !isLoopback(req.URL.Host) {
		return nil, fmt.Errorf("%w: %s", ErrPlainHTTP, req.URL.Host)
	}
	return g.next.RoundTrip(req)
}
