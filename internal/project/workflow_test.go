package project

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// fakeNix builds every attribute to a copy of the basic fixture JSON (or
// to jsonFor's, for the attributes it lists), except those listed in fail,
// and counts its calls.
type fakeNix struct {
	mu      sync.Mutex
	json    string
	jsonFor map[string]string
	fail    map[string]bool
	builds  []string
	runs    []string
}

func (f *fakeNix) Run(ctx context.Context, installable string, _ nixbuild.Options) error {
	f.mu.Lock()
	f.runs = append(f.runs, installable)
	f.mu.Unlock()
	return nil
}

func (f *fakeNix) Build(ctx context.Context, installable string, _ nixbuild.Options) (nixbuild.Result, error) {
	f.mu.Lock()
	f.builds = append(f.builds, installable)
	f.mu.Unlock()
	attr := installable[strings.LastIndex(installable, "#")+1:]
	if f.fail[attr] {
		return nixbuild.Result{}, errors.New("building " + installable + ": exit status 1")
	}
	if path, ok := f.jsonFor[attr]; ok {
		return nixbuild.Result{Installable: installable, Path: path}, nil
	}
	return nixbuild.Result{Installable: installable, Path: f.json}, nil
}

func (f *fakeNix) EvalImageRef(ctx context.Context, installable string, _ nixbuild.Options) (nixbuild.ImageRef, error) {
	attr := installable[strings.LastIndex(installable, "#")+1:]
	if rest, ok := strings.CutPrefix(attr, "packages."); ok { // packages.<system>.<attr>: the same imageName on every system
		_, attr, _ = strings.Cut(rest, ".")
	}
	return nixbuild.ImageRef{Name: "nanna-coder-" + strings.TrimSuffix(attr, "Image"), Tag: "latest"}, nil
}

// presentDaemon has every image already, so a load only tags; it records
// the tags.
type presentDaemon struct {
	daemon.Client
	mu   sync.Mutex
	tags []string
}

func (d *presentDaemon) ImageInspect(ctx context.Context, id string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{ID: id}}, nil
}

// ServerVersion and Info describe a classic-store Docker Engine.
func (d *presentDaemon) ServerVersion(context.Context, client.ServerVersionOptions) (client.ServerVersionResult, error) {
	return client.ServerVersionResult{Version: "29.0.0"}, nil
}

func (d *presentDaemon) Info(context.Context, client.InfoOptions) (client.SystemInfoResult, error) {
	return client.SystemInfoResult{Info: system.Info{Driver: "overlay2"}}, nil
}

func (d *presentDaemon) ImageTag(ctx context.Context, o client.ImageTagOptions) (client.ImageTagResult, error) {
	d.mu.Lock()
	d.tags = append(d.tags, o.Target)
	d.mu.Unlock()
	return client.ImageTagResult{}, nil
}

func testEnv(t *testing.T, getenv map[string]string, fail ...string) (*Project, *fakeNix, *presentDaemon) {
	t.Helper()
	n := &fakeNix{json: filepath.Join("..", "nix2container", "testdata", "cases", "basic", "image.json"), fail: map[string]bool{}}
	for _, f := range fail {
		n.fail[f] = true
	}
	d := &presentDaemon{}
	get := func(k string) string { return getenv[k] }
	cfg := config.Defaults(get)
	p := &Project{Layout: Layout{Flake: "/flake"}, Config: cfg, related: related(cfg), getenv: get, out: Output{Log: io.Discard}, nix: n}
	p.dial = func(ctx context.Context) (daemon.Client, io.Closer, error) { return d, io.NopCloser(nil), nil }
	return p, n, d
}

func TestLoadTagsEveryReference(t *testing.T) {
	env, n, d := testEnv(t, map[string]string{"GITHUB_REPOSITORY": "Some-Fork/Nanna-Coder", "GITHUB_SHA": "0123abc"})
	if _, err := env.Load(context.Background(), "ollama"); err != nil {
		t.Fatalf("Load(ollama) = %v", err)
	}
	want := []string{"nanna-coder-ollama:latest", "ghcr.io/some-fork/nanna-coder/ollama:latest", "ghcr.io/some-fork/nanna-coder/ollama:0123abc"}
	if diff := cmp.Diff(want, d.tags); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"path:/flake#ollamaImage"}, n.builds); diff != "" {
		t.Errorf("builds mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadUnknownNameBuildsNothing(t *testing.T) {
	env, n, _ := testEnv(t, nil)
	_, err := env.Load(context.Background(), "ollama", "nope")
	if err == nil || !strings.Contains(err.Error(), "known images are") {
		t.Fatalf("Load(nope) = %v, want the list of known images", err)
	}
	if len(n.builds) != 0 {
		t.Errorf("built %v before rejecting an unknown name, want nothing", n.builds)
	}
}

func TestAllReportsEveryFailure(t *testing.T) {
	env, n, d := testEnv(t, nil, "gemma-container", "qwen3-container")
	_, err := env.LoadAll(context.Background())
	if err == nil {
		t.Fatal("All() = nil with two failing builds")
	}
	for _, attr := range []string{"gemma-container", "qwen3-container"} {
		if !strings.Contains(err.Error(), attr) {
			t.Errorf("All() error %q does not report %s", err, attr)
		}
	}
	if len(n.builds) != len(env.Config.Images) {
		t.Errorf("built %d images, want all %d", len(n.builds), len(env.Config.Images))
	}
	var own []string
	for _, tag := range d.tags {
		if !strings.Contains(tag, "/") {
			own = append(own, tag)
		}
	}
	sort.Strings(own)
	want := []string{"nanna-coder-harness:latest", "nanna-coder-llama3-container:latest", "nanna-coder-mistral-container:latest", "nanna-coder-ollama:latest"}
	if diff := cmp.Diff(want, own); diff != "" {
		t.Errorf("the images that built were not all loaded (-want +got):\n%s", diff)
	}
}

func TestLoadJSON(t *testing.T) {
	fixture := filepath.Join("..", "nix2container", "testdata", "cases", "basic", "image.json")
	tests := []struct {
		name, ref string
		want      []string
		wantErr   string
	}{
		{"configured image gets its registry tag", "nanna-coder-harness:dev", []string{"nanna-coder-harness:dev", "ghcr.io/local/nanna-coder/harness:dev"}, ""},
		{"tag defaults to latest", "scratch/app", []string{"scratch/app:latest"}, ""},
		{"digest references are refused", "app@sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb", nil, "want name[:tag]"},
		{"invalid reference", "Bad Ref", nil, "invalid image reference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, d := testEnv(t, nil)
			_, err := env.LoadJSON(context.Background(), fixture, tt.ref)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadJSON(%q) = %v, want an error containing %q", tt.ref, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadJSON(%q) = %v", tt.ref, err)
			}
			if diff := cmp.Diff(tt.want, d.tags); diff != "" {
				t.Errorf("tags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenVerboseFromConfig(t *testing.T) {
	root := t.TempDir() // no nix/container-config.nix: defaults apply
	if err := os.MkdirAll(filepath.Join(root, "nix"), 0o755); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		return map[string]string{"CONTAINER_LOAD_VERBOSE": "true", "NANNA_FLAKE": "/elsewhere"}[k]
	}
	p, err := Open(context.Background(), root, getenv, Output{})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	if !p.out.Verbose || p.Flake != "/elsewhere" || p.RepoFlake {
		t.Errorf("Open() = verbose %v, flake %q (repo %v); want verbose from CONTAINER_LOAD_VERBOSE and NANNA_FLAKE", p.out.Verbose, p.Flake, p.RepoFlake)
	}
}

func TestLoadWithCopyToDockerDaemon(t *testing.T) {
	env, n, d := testEnv(t, nil)
	env.Config.Loading.Method = config.MethodCopyToDockerDaemon
	if _, err := env.Load(context.Background(), "harness"); err != nil {
		t.Fatalf("Load(harness) = %v", err)
	}
	if diff := cmp.Diff([]string{"path:/flake#harnessImage.copyToDockerDaemon"}, n.runs); diff != "" {
		t.Errorf("nix run mismatch (-want +got):\n%s", diff)
	}
	if len(n.builds) != 0 || len(d.tags) != 0 {
		t.Errorf("built %v and tagged %v, want only nix2container's script to run", n.builds, d.tags)
	}
}

func TestLoadOptionsNameRelatedImages(t *testing.T) {
	env, _, _ := testEnv(t, map[string]string{"GITHUB_REPOSITORY": "me/nanna-coder"})
	related := env.loadOptions([]string{"nanna-coder-ollama:dev"}).Related
	for _, img := range env.Config.Images {
		for _, want := range []string{img.Name + ":latest", "ghcr.io/me/nanna-coder/" + img.Short + ":latest"} {
			if !slices.Contains(related, want) {
				t.Errorf("loadOptions().Related = %v, want it to name %s", related, want)
			}
		}
	}
}

func TestLoadErrorsSayWhatToDo(t *testing.T) {
	timeout := fmt.Errorf("loading x: %w after 300ms", daemon.ErrTimeout)
	if err := loadError(timeout); !errors.Is(err, daemon.ErrTimeout) || !strings.HasSuffix(err.Error(), "raise loading.timeoutSeconds in nix/container-config.nix for larger images") {
		t.Errorf("loadError(timeout) = %v, want it to wrap the timeout and name the key", err)
	}
	other := errors.New("loading x: no space left on device")
	if err := loadError(other); err != other {
		t.Errorf("loadError(other) = %v, want it unchanged", err)
	}
	if err := loadError(nil); err != nil {
		t.Errorf("loadError(nil) = %v", err)
	}
}
