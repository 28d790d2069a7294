package images

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/distribution/reference"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// Load builds the images named by their configuration keys (ollama,
// harness, qwen3, …) with Nix, all builds in parallel, and loads each into
// the daemon as soon as it is built, one load at a time so that a later
// image finds the layers an earlier one shared. Unknown names fail before
// anything is built; build and load failures are reported together.
func Load(ctx context.Context, env Env, keys ...string) error {
	imgs := make([]config.Image, 0, len(keys))
	for _, k := range keys {
		img, err := env.Config.Lookup(k)
		if err != nil {
			return err
		}
		imgs = append(imgs, img)
	}
	var loading sync.Mutex
	errs := make([]error, len(imgs))
	var wg sync.WaitGroup
	for i, img := range imgs {
		wg.Go(func() { errs[i] = env.buildAndLoad(ctx, img, &loading) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// All loads every image of the configuration.
func All(ctx context.Context, env Env) error {
	keys := make([]string, 0, len(env.Config.Images))
	for _, img := range env.Config.Images {
		keys = append(keys, img.Key)
	}
	return Load(ctx, env, keys...)
}

func (env Env) buildAndLoad(ctx context.Context, img config.Image, loading *sync.Mutex) error {
	if m := env.Config.Loading.Method; m != config.MethodNative {
		// nix2container's own skopeo script, for whoever needs the old path.
		loading.Lock()
		defer loading.Unlock()
		return env.nixRunner().Run(ctx, env.installable(img.Attr)+"."+m, env.nixOptions())
	}
	path, ref, err := env.buildImageJSON(ctx, env.installable(img.Attr))
	if err != nil {
		return err
	}
	parsed, err := nix2container.ReadFile(path)
	if err != nil {
		return fmt.Errorf("loading %s: %w", img.Key, err)
	}
	loading.Lock()
	defer loading.Unlock()
	_, err = daemon.Image(ctx, env.dialer(), parsed, env.loadOptions(env.Config.Refs(img, ref.Name, ref.Tag)))
	return err
}

// buildImageJSON builds the image's JSON and, in parallel, evaluates its
// name and tag.
func (env Env) buildImageJSON(ctx context.Context, installable string) (string, nixbuild.ImageRef, error) {
	var ref nixbuild.ImageRef
	var refErr error
	evaluated := make(chan struct{})
	go func() {
		defer close(evaluated)
		ref, refErr = env.nixRunner().EvalImageRef(ctx, installable, env.nixOptions())
	}()
	out, err := env.nixRunner().Build(ctx, installable, env.nixOptions())
	<-evaluated
	if err != nil {
		return "", ref, err
	}
	return out.Path, ref, refErr
}

// LoadJSON loads an already built nix2container JSON under ref (name:tag,
// tag defaulting to latest). When the name is one of the configured images,
// its registry references are added as they are for a build.
func LoadJSON(ctx context.Context, env Env, path, ref string) error {
	name, tag, err := splitRef(ref)
	if err != nil {
		return err
	}
	parsed, err := nix2container.ReadFile(path)
	if err != nil {
		return err
	}
	refs := []string{name + ":" + tag}
	for _, img := range env.Config.Images {
		if img.Name == name {
			refs = env.Config.Refs(img, name, tag)
		}
	}
	_, err = daemon.Image(ctx, env.dialer(), parsed, env.loadOptions(refs))
	return err
}

// splitRef checks a name[:tag] reference.
func splitRef(ref string) (name, tag string, err error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil || strings.Contains(ref, "@") {
		return "", "", fmt.Errorf("invalid image reference %q: want name:tag, such as nanna-coder-ollama:latest", ref)
	}
	tag = "latest"
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	return reference.FamiliarName(named), tag, nil
}
