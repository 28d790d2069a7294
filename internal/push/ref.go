package push

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

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
	for _, c := range strings.Split(tag.RepositoryStr(), "/") {
		if !pathComponent.MatchString(c) {
			return name.Tag{}, fmt.Errorf("invalid push reference %q: repository path component %q is not allowed: each is lower-case letters and digits, separated by one '.', one or two '_', or dashes", ref, c)
		}
	}
	return tag, nil
}

// pathComponent is a repository path component in the distribution
// spec's grammar (and the distribution/reference package's).
var pathComponent = regexp.MustCompile(`^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$`)

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
