//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/tasks"
)

// Push builds images with Nix and pushes them to a container registry, without skopeo or a Docker daemon.
type Push mg.Namespace

// Image builds the named image of nix/container-config.nix (ollama, harness, qwen3, …) and pushes it to the configured registry.
//
// The destinations are <registry.url>/<registry.repository>/<short name>:<tag>
// (plus :<GITHUB_SHA> in CI), or -to=REF[,REF…]. Layers go uncompressed
// (blob digest = the JSON's digest), so blobs the registry holds are never
// sent again; -gzip compresses them on the fly instead. Credentials come
// from ~/.docker/config.json and its credential helpers (GITHUB_TOKEN for
// ghcr.io); -insecure allows plain HTTP to a registry that is not on this
// machine. loading.timeoutSeconds of nix/container-config.nix bounds the
// push; transient failures (connection refused or reset, 5xx, a stalled
// request) are retried per loading.retries.
func (Push) Image(ctx context.Context, name string, to *string, gzip, insecure *bool) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	_, err = p.Push(ctx, name, pushOptions(to, gzip, insecure))
	return err
}

// JSON pushes an already built nix2container image JSON to REF (HOST/REPOSITORY:TAG; several: comma-separated).
//
// Flags as for push:image: -gzip, -insecure.
func (Push) JSON(ctx context.Context, path, ref string, gzip, insecure *bool) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	_, err = p.PushJSON(ctx, path, project.SplitList(ref), pushOptions(nil, gzip, insecure))
	return err
}

// Index pushes a multi-arch image index to REF over per-platform image JSONs: PLATFORMS is amd64=PATH,arm64=PATH,….
//
// A platform is written in any spelling: amd64, x86_64-linux, arm64,
// aarch64, aarch64-linux, linux/arm/v7, armv7l, …. Each image is pushed by
// digest, then the OCI index with each manifest's platform (linux, the
// JSON's arch; a variant such as v7 only when the spelling names one); a
// JSON whose arch differs from its platform is refused. Flags as for
// push:image: -gzip, -insecure.
func (Push) Index(ctx context.Context, ref, platforms string, gzip, insecure *bool) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	_, err = p.PushIndex(ctx, project.SplitList(ref), platforms, pushOptions(nil, gzip, insecure))
	return err
}

// All builds, loads and smoke-tests every configured image, checks the flake and the models, and pushes each image that passed to its registry references, through ci's cache.
//
// -platforms=amd64,arm64 builds packages.<system>.<attr> for each platform
// and pushes an OCI index over them instead (see push:multiarch). On GitHub
// Actions it pushes only where ci would. Flags as for push:image: -gzip,
// -insecure; -force, -explain as for ci.
func (Push) All(ctx context.Context, platforms *string, gzip, insecure, force, explain *bool) error {
	r := cached(force, explain)
	r.platforms, r.push = str(platforms), pushOptions(nil, gzip, insecure)
	return r.steps(ctx, tasks.PushAll)
}

// Multiarch builds image NAME for each of -platforms (default amd64,arm64) from the flake's packages.<system>.<attr>, checks each JSON's arch, and pushes each image and then an OCI index under the image's tags.
//
// aarch64 builds need qemu:setup (or a remote builder): an image whose
// arch is not its platform's is an error, never a native build in its
// place. Flags as for push:image: -to, -gzip, -insecure.
func (Push) Multiarch(ctx context.Context, name string, platforms, to *string, gzip, insecure *bool) error {
	p, err := open(ctx)
	if err != nil {
		return err
	}
	list := project.SplitList(str(platforms))
	if len(list) == 0 {
		list = []string{"amd64", "arm64"}
	}
	_, err = p.PushMultiarch(ctx, name, list, pushOptions(to, gzip, insecure))
	return err
}

// pushOptions turns the push targets' flags into options.
func pushOptions(to *string, gzip, insecure *bool) project.PushOptions {
	opts := project.PushOptions{Gzip: gzip != nil && *gzip, Insecure: insecure != nil && *insecure}
	if to != nil {
		opts.To = project.SplitList(*to)
	}
	return opts
}
