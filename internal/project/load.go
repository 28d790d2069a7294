package project

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/imageref"
	"github.com/nanna-coder/build/internal/nix2container"
)

// Loaded is an image built and loaded into the daemon.
type Loaded struct {
	Built
	// Load is what the load did.
	Load daemon.Result
}

// Load builds the images with the given keys (ollama, harness, qwen3, …)
// with Nix, the builds in parallel, and loads each into the daemon as soon
// as it is built, one load at a time so that a later image finds the
// layers an earlier one shared. Unknown keys fail before anything is built;
// build and load failures are reported together.
func (p *Project) Load(ctx context.Context, keys ...string) ([]Loaded, error) {
	imgs, err := p.Lookup(keys...)
	if err != nil {
		return nil, err
	}
	loaded := make([]Loaded, len(imgs))
	var loading sync.Mutex // one load at a time
	index := map[string]int{}
	for i, img := range imgs {
		index[img.Key] = i
	}
	_, err = each(imgs, func(img config.Image) (Built, error) {
		if m := p.Config.Loading.Method; m != config.MethodNative {
			// nix2container's own skopeo script, for whoever needs the old path.
			loading.Lock()
			defer loading.Unlock()
			return Built{Config: img}, p.nix.Run(ctx, p.installable(img.Attr)+"."+m, p.nixOptions())
		}
		b, err := p.build(ctx, img)
		if err != nil {
			return b, err
		}
		loading.Lock()
		defer loading.Unlock()
		l := &loaded[index[img.Key]]
		l.Built = b
		l.Load, err = p.load(ctx, b.Image, p.Config.Refs(img, b.Ref.Name, b.Ref.Tag))
		return b, err
	})
	return loaded, err
}

// LoadAll loads every configured image.
func (p *Project) LoadAll(ctx context.Context) ([]Loaded, error) {
	return p.Load(ctx, p.Keys()...)
}

// LoadJSON loads an already built nix2container JSON under ref (name[:tag],
// tag latest by default). When the name is one of the configured images',
// its registry references are added as they are for a build.
func (p *Project) LoadJSON(ctx context.Context, path, ref string) (daemon.Result, error) {
	name, tag, err := imageref.Parse(ref)
	if err != nil {
		return daemon.Result{}, err
	}
	img, err := nix2container.ReadFile(path)
	if err != nil {
		return daemon.Result{}, err
	}
	refs := []string{name + ":" + tag}
	for _, c := range p.Config.Images {
		if c.Name == name {
			refs = p.Config.Refs(c, name, tag)
		}
	}
	return p.load(ctx, img, refs)
}

// LoadInstallable builds installable, whose output must be a nix2container
// image JSON with nix2container's imageName and imageTag, and loads it under
// that name:tag.
func (p *Project) LoadInstallable(ctx context.Context, installable string) (Loaded, error) {
	b, err := p.buildInstallable(ctx, installable)
	if err != nil {
		return Loaded{Built: b}, err
	}
	res, err := p.load(ctx, b.Image, []string{b.Ref.String()})
	return Loaded{Built: b, Load: res}, err
}

// load loads one parsed image under refs.
func (p *Project) load(ctx context.Context, img *nix2container.Image, refs []string) (daemon.Result, error) {
	res, err := daemon.Image(ctx, p.dial, img, p.loadOptions(refs))
	return res, loadError(err)
}

// loadError adds to a load's error what the user can do about it: the key
// that sets the timeout.
func loadError(err error) error {
	if errors.Is(err, daemon.ErrTimeout) {
		return fmt.Errorf("%w; raise loading.timeoutSeconds in %s for larger images", err, ConfigFile)
	}
	return err
}

func (p *Project) loadOptions(refs []string) daemon.Options {
	return daemon.Options{
		Refs:         refs,
		Related:      p.related,
		Attempts:     p.Config.Loading.Retries.MaxAttempts,
		RetryDelay:   p.Config.Loading.Retries.Delay,
		Timeout:      p.Config.Loading.Timeout,
		Log:          p.out.Log,
		Verbose:      p.out.Verbose,
		Progress:     p.out.Progress,
		ViaDockerAPI: p.viaDockerAPI,
	}
}
