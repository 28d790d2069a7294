package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Loading methods (loading.method).
const (
	// MethodNative loads images with this module's Go loader, which talks
	// to the Docker Engine API directly.
	MethodNative = "native"
	// MethodCopyToDockerDaemon runs nix2container's copyToDockerDaemon
	// (skopeo into the Docker daemon).
	MethodCopyToDockerDaemon = "copyToDockerDaemon"
	// MethodCopyToPodman runs nix2container's copyToPodman (skopeo into
	// containers-storage).
	MethodCopyToPodman = "copyToPodman"
)

// ErrInvalid is wrapped by every error about an invalid configuration value.
var ErrInvalid = errors.New("invalid configuration")

// fieldError is a problem with the value at a key path of the file.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return e.msg }
func (e *fieldError) Unwrap() error { return ErrInvalid }

// invalid returns the error "config: <key> <problem>".
func invalid(key, format string, args ...any) error {
	return &fieldError{msg: "config: " + key + " " + fmt.Sprintf(format, args...)}
}

var (
	// imageNameRE is a Docker repository path component (lower case).
	imageNameRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	// tagRE is a Docker tag.
	tagRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// repositoryRE is a GitHub-style owner/name.
	repositoryRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	// hostRE is a registry host with an optional port, no scheme or path.
	hostRE = regexp.MustCompile(`^[A-Za-z0-9.-]+(?::[0-9]+)?$`)
)

// Validate checks the values Parse cannot check by type: a registry host
// and an owner/name repository, image names usable in references, tags,
// a known loading method, at least one attempt, no negative delay, a
// positive loading timeout, and smoke commands that name a program with a
// positive timeout. It reports every problem, one per line, naming the
// key path in the file; the errors wrap ErrInvalid.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) { errs = append(errs, invalid(key, format, args...)) }

	if !hostRE.MatchString(c.Registry.URL) {
		add("registry.url", "must be a registry host such as ghcr.io (no scheme or path), got %q", c.Registry.URL)
	}
	if !repositoryRE.MatchString(c.Registry.Repository) {
		add("registry.repository", "must be of the form owner/name, got %q", c.Registry.Repository)
	}
	if len(c.Images) == 0 {
		add("images", "must name at least one image")
	}
	seen := map[string]string{}
	smokeTimeout := false
	for _, img := range c.Images {
		key := "images." + img.Key
		if img.Model {
			key = "images.models." + img.Key
		}
		if other, ok := seen[img.Key]; ok {
			add(key, "has the same key as %s", other)
		}
		seen[img.Key] = key
		if !imageNameRE.MatchString(img.Name) {
			add(key, "must be a lower-case image name, got %q", img.Name)
		}
		if len(img.Smoke) > 0 && img.Smoke[0] == "" {
			add("smoke.commands."+strings.TrimPrefix(key, "images.")+"[0]", "must name a program, got \"\"")
		}
		if len(img.Smoke) > 0 && img.SmokeTimeout <= 0 && !smokeTimeout {
			smokeTimeout = true
			add("smoke.timeoutSeconds", "must be greater than 0, got %g", img.SmokeTimeout.Seconds())
		}
	}
	if !tagRE.MatchString(c.Tags.Default) {
		add("tags.default", "must be an image tag, got %q", c.Tags.Default)
	}
	if c.Tags.FromCommit != "" && !tagRE.MatchString(c.Tags.FromCommit) {
		add("tags.fromCommit", "must be empty or an image tag, got %q", c.Tags.FromCommit)
	}
	switch c.Loading.Method {
	case MethodNative, MethodCopyToDockerDaemon, MethodCopyToPodman:
	default:
		add("loading.method", "must be one of %s, %s, %s, got %q",
			MethodNative, MethodCopyToDockerDaemon, MethodCopyToPodman, c.Loading.Method)
	}
	if c.Loading.Retries.MaxAttempts < 1 {
		add("loading.retries.maxAttempts", "must be at least 1, got %d", c.Loading.Retries.MaxAttempts)
	}
	if c.Loading.Retries.Delay < 0 {
		add("loading.retries.delaySeconds", "must be at least 0, got %g", c.Loading.Retries.Delay.Seconds())
	}
	if c.Loading.Timeout <= 0 {
		add("loading.timeoutSeconds", "must be greater than 0, got %g", c.Loading.Timeout.Seconds())
	}
	return errors.Join(errs...)
}
