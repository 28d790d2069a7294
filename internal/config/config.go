package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrUnknownImage is returned by Config.Lookup for a key no image has.
var ErrUnknownImage = errors.New("unknown image")

// shortPrefix is removed from image names to get their registry short names.
const shortPrefix = "nanna-coder-"

// Config is the container configuration of nix/container-config.nix.
type Config struct {
	// Registry is where images are pushed.
	Registry Registry
	// Images are the known images: the non-model images sorted by Key,
	// then the model images sorted by Key.
	Images []Image
	// Tags are the tags images get besides their own.
	Tags Tags
	// Loading says how images are loaded into a container engine.
	Loading Loading
	// Env names every environment variable the configuration was read
	// with, sorted: those the file reads (see EnvVars) and those Defaults
	// reads. Their values, with the file, decide the configuration, so a
	// cache of results derived from it keys on them.
	Env []string
}

// Registry is the registry images are pushed to (registry.* in the file).
type Registry struct {
	// URL is the registry host, without scheme: "ghcr.io".
	URL string
	// Repository is the GitHub-style "owner/name" the image names are put
	// under, in any case; RegistryRef lower-cases it.
	Repository string
}

// Image is one image that the flake builds (images.* in the file).
type Image struct {
	// Key is the image's short key, the NAME in `mage load:image NAME`:
	// "ollama", "harness", "qwen3", …
	Key string
	// Name is the image name given to nix2container: "nanna-coder-ollama".
	Name string
	// Attr is the flake attribute that builds the image: "ollamaImage",
	// "harnessImage", or "<key>-container" for model images.
	Attr string
	// Short is the name in the registry: Name without the "nanna-coder-"
	// prefix ("ollama", "ollama-qwen3").
	Short string
	// Model is true for the Ollama images with a model baked in.
	Model bool
	// Smoke is the smoke test's command (smoke.commands.* in the file),
	// run in place of the image's Cmd; nil means no smoke test.
	Smoke []string
	// SmokeTimeout bounds the smoke command (smoke.timeoutSeconds).
	SmokeTimeout time.Duration
}

// Tags are the tag settings (tags.* in the file).
type Tags struct {
	// Default is the tag every image is built with: "latest".
	Default string
	// FromCommit is the commit SHA in CI (GITHUB_SHA); empty elsewhere.
	FromCommit string
	// FromBranch is the branch name (GITHUB_REF_NAME, default "main").
	FromBranch string
	// Semver is the release version (VERSION); empty when not releasing.
	Semver string
}

// Loading says how images are loaded (loading.* in the file).
type Loading struct {
	// Method is "native", "copyToDockerDaemon" or "copyToPodman".
	Method string
	// Retries says how often and how fast a failed load is retried.
	Retries Retries
	// Timeout bounds the loading of one image.
	Timeout time.Duration
	// Verbose asks for progress output (CONTAINER_LOAD_VERBOSE=true).
	Verbose bool
}

// Retries is the retry policy for loading (loading.retries.* in the file).
type Retries struct {
	// MaxAttempts is the number of attempts, at least 1.
	MaxAttempts int
	// Delay is the pause between attempts.
	Delay time.Duration
}

// Lookup returns the image with the given key. For an unknown key the
// error wraps ErrUnknownImage and lists the known keys.
func (c Config) Lookup(key string) (Image, error) {
	for _, img := range c.Images {
		if img.Key == key {
			return img, nil
		}
	}
	keys := make([]string, 0, len(c.Images))
	for _, img := range c.Images {
		keys = append(keys, img.Key)
	}
	if len(keys) == 0 {
		return Image{}, fmt.Errorf("%w %q: no images are configured", ErrUnknownImage, key)
	}
	slices.Sort(keys)
	return Image{}, fmt.Errorf("%w %q: known images are %s", ErrUnknownImage, key, strings.Join(keys, ", "))
}

// RegistryRef returns the image's reference in the registry:
// "<url>/<owner/name, lower-cased>/<short name>:<tag>".
func (c Config) RegistryRef(img Image, tag string) string {
	return fmt.Sprintf("%s/%s/%s:%s", c.Registry.URL, strings.ToLower(c.Registry.Repository), img.Short, tag)
}

// Refs returns every reference a loaded image should carry, in order and
// without duplicates: "<name>:<tag>" (the image's own name and tag, from
// nix2container's imageName and imageTag), RegistryRef(img, tag), and
// RegistryRef(img, Tags.FromCommit) when FromCommit is set. An empty name
// or tag means img.Name or Tags.Default.
func (c Config) Refs(img Image, name, tag string) []string {
	if name == "" {
		name = img.Name
	}
	if tag == "" {
		tag = c.Tags.Default
	}
	refs := []string{name + ":" + tag, c.RegistryRef(img, tag)}
	if c.Tags.FromCommit != "" {
		refs = append(refs, c.RegistryRef(img, c.Tags.FromCommit))
	}
	out := refs[:0]
	for _, r := range refs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// newImage returns the Image for key and name; model images are built by
// the flake attribute "<key>-container", the others by "<key>Image".
func newImage(key, name string, model bool) Image {
	attr := key + "Image"
	if model {
		attr = key + "-container"
	}
	return Image{Key: key, Name: name, Attr: attr, Short: strings.TrimPrefix(name, shortPrefix), Model: model}
}

// sortImages puts images in Config.Images order: non-model images by key,
// then model images by key.
func sortImages(imgs []Image) {
	slices.SortFunc(imgs, func(a, b Image) int {
		if a.Model != b.Model {
			if a.Model {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Key, b.Key)
	})
}
