package images

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/push"
)

// PushOptions are the push targets' flags.
type PushOptions struct {
	// To replaces the configured registry references (push:image -to).
	To []string
	// Gzip compresses layers on the fly (push.Options.Gzip).
	Gzip bool
	// Insecure allows plain HTTP to registries not on this machine.
	Insecure bool
}

// Push builds the image with the given configuration key (ollama,
// harness, qwen3, …) with Nix and pushes it to its registry references:
// the configuration's Refs without the local name:tag
// (<registry>/<owner/repo>/<short name>:<tag>, and :<commit> in CI), or
// opts.To.
func Push(ctx context.Context, env Env, key string, opts PushOptions) error {
	img, err := env.Config.Lookup(key)
	if err != nil {
		return err
	}
	path, ref, err := env.buildImageJSON(ctx, env.installable(img.Attr))
	if err != nil {
		return err
	}
	parsed, err := nix2container.ReadFile(path)
	if err != nil {
		return fmt.Errorf("pushing %s: %w", key, err)
	}
	refs := opts.To
	if len(refs) == 0 {
		refs = RegistryRefs(env.Config, img, ref.Name, ref.Tag)
	}
	_, err = push.Image(ctx, parsed, refs, env.pushOptions(opts))
	return pushError(err)
}

// RegistryRefs returns the references an image is pushed to by default:
// config.Refs without the image's own name:tag, unless that name is itself
// a registry reference.
func RegistryRefs(cfg config.Config, img config.Image, name, tag string) []string {
	refs := cfg.Refs(img, name, tag)
	if _, err := push.ParseRef(refs[0], false); err == nil {
		return refs // the image's own name is a registry reference
	}
	return refs[1:]
}

// PushJSON pushes an already built nix2container JSON to refs
// (HOST/REPOSITORY:TAG each); no Nix needed.
func PushJSON(ctx context.Context, env Env, path string, refs []string, opts PushOptions) error {
	parsed, err := nix2container.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = push.Image(ctx, parsed, refs, env.pushOptions(opts))
	return pushError(err)
}

// PushIndex pushes a multi-arch index to refs over the JSONs of
// platforms, written PLATFORM=PATH,PLATFORM=PATH
// (amd64=/nix/store/…-image.json,arm64=/nix/store/…-image.json).
func PushIndex(ctx context.Context, env Env, refs []string, platforms string, opts PushOptions) error {
	var entries []oci.PlatformImage
	for _, item := range SplitList(platforms) {
		key, path, ok := strings.Cut(item, "=")
		if !ok || key == "" || path == "" {
			return fmt.Errorf("invalid platform list entry %q: want PLATFORM=PATH, such as amd64=/nix/store/…-image-ollama.json", item)
		}
		parsed, err := nix2container.ReadFile(path)
		if err != nil {
			return err
		}
		entries = append(entries, oci.PlatformImage{Platform: key, Image: parsed})
	}
	_, err := push.Index(ctx, entries, refs, env.pushOptions(opts))
	return pushError(err)
}

// SplitList splits a comma-separated command-line list, dropping empty
// items and spaces.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (env Env) pushOptions(opts PushOptions) push.Options {
	return push.Options{
		Gzip:       opts.Gzip,
		Insecure:   opts.Insecure,
		Attempts:   env.Config.Loading.Retries.MaxAttempts,
		RetryDelay: env.Config.Loading.Retries.Delay,
		Timeout:    env.Config.Loading.Timeout,
		Log:        env.Log,
		Verbose:    env.Verbose,
		Progress:   env.Progress,
	}
}

// pushError adds to a push's error what the user can do about it: the
// flag that allows plain HTTP, the key that sets the timeout.
func pushError(err error) error {
	switch {
	case errors.Is(err, push.ErrPlainHTTP):
		return fmt.Errorf("%w (pass -insecure)", err)
	case errors.Is(err, push.ErrTimeout):
		return fmt.Errorf("%w; raise loading.timeoutSeconds in %s", err, ConfigFile)
	}
	return err
}
