package project

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
func (p *Project) Push(ctx context.Context, key string, opts PushOptions) (push.Result, error) {
	imgs, err := p.Lookup(key)
	if err != nil {
		return push.Result{}, err
	}
	b, err := p.build(ctx, imgs[0])
	if err != nil {
		return push.Result{}, err
	}
	refs := opts.To
	if len(refs) == 0 {
		refs = RegistryRefs(p.Config, b.Config, b.Ref.Name, b.Ref.Tag)
	}
	return p.pushImage(ctx, b.Image, refs, opts)
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
func (p *Project) PushJSON(ctx context.Context, path string, refs []string, opts PushOptions) (push.Result, error) {
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return push.Result{}, err
	}
	return p.pushImage(ctx, img, refs, opts)
}

func (p *Project) pushImage(ctx context.Context, img *nix2container.Image, refs []string, opts PushOptions) (push.Result, error) {
	res, err := push.Image(ctx, img, refs, p.pushOptions(opts))
	return res, pushError(err)
}

// PushIndex pushes a multi-arch index to refs over the JSONs of
// platforms, written PLATFORM=PATH,PLATFORM=PATH
// (amd64=/nix/store/…-image.json,arm64=/nix/store/…-image.json).
func (p *Project) PushIndex(ctx context.Context, refs []string, platforms string, opts PushOptions) (push.Result, error) {
	var entries []oci.PlatformImage
	for _, item := range SplitList(platforms) {
		key, path, ok := strings.Cut(item, "=")
		if !ok || key == "" || path == "" {
			return push.Result{}, fmt.Errorf("invalid platform list entry %q: want PLATFORM=PATH, such as amd64=/nix/store/…-image-ollama.json", item)
		}
		img, err := nix2container.ReadFile(path)
		if err != nil {
			return push.Result{}, err
		}
		entries = append(entries, oci.PlatformImage{Platform: key, Image: img})
	}
	res, err := push.Index(ctx, entries, refs, p.pushOptions(opts))
	return res, pushError(err)
}

func (p *Project) pushOptions(opts PushOptions) push.Options {
	return push.Options{
		Gzip:       opts.Gzip,
		Insecure:   opts.Insecure,
		Attempts:   p.Config.Loading.Retries.MaxAttempts,
		RetryDelay: p.Config.Loading.Retries.Delay,
		Timeout:    p.Config.Loading.Timeout,
		Log:        p.out.Log,
		Verbose:    p.out.Verbose,
		Progress:   p.out.Progress,
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
