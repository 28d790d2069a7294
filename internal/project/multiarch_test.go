package project

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/platform"
)

// archJSON writes a copy of the basic fixture JSON whose arch is arch and
// returns its path.
func archJSON(t *testing.T, arch string) string {
	t.Helper()
	img, err := nix2container.ReadFile(filepath.Join("..", "nix2container", "testdata", "cases", "basic", "image.json"))
	if err != nil {
		t.Fatal(err)
	}
	img.Arch = arch
	data, err := img.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), arch+"-image.json")
	if err := os.WriteFile(path, data, 0o444); err != nil {
		t.Fatal(err)
	}
	return path
}

// multiarchEnv is testEnv whose flake builds packages.aarch64-linux.<attr>
// for arm64 (and every other attribute for amd64, as the basic fixture).
func multiarchEnv(t *testing.T, getenv map[string]string) (*Project, *fakeNix) {
	t.Helper()
	p, n, _ := testEnv(t, getenv)
	arm64 := archJSON(t, "arm64")
	n.jsonFor = map[string]string{}
	for _, img := range p.Config.Images {
		n.jsonFor["packages.aarch64-linux."+img.Attr] = arm64
	}
	return p, n
}

func sortedBuilds(n *fakeNix) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Sorted(slices.Values(n.builds))
}

func TestBuildForBuildsEachSystem(t *testing.T) {
	env, n := multiarchEnv(t, nil)
	built, err := env.BuildFor(context.Background(), "harness", []string{"amd64", "arm64"})
	if err != nil {
		t.Fatalf("BuildFor(harness, amd64 arm64) = %v", err)
	}
	want := []string{"path:/flake#packages.aarch64-linux.harnessImage", "path:/flake#packages.x86_64-linux.harnessImage"}
	if diff := cmp.Diff(want, sortedBuilds(n)); diff != "" {
		t.Errorf("builds mismatch (-want +got):\n%s", diff)
	}
	var got []string
	for _, b := range built {
		got = append(got, b.Config.Key+" "+b.Image.Arch+" "+b.Ref.Name)
	}
	if diff := cmp.Diff([]string{"harness amd64 nanna-coder-harness", "harness arm64 nanna-coder-harness"}, got); diff != "" {
		t.Errorf("BuildFor() images, in the platforms' order (-want +got):\n%s", diff)
	}
}

func TestBuildForSpellings(t *testing.T) {
	tests := []struct {
		spelling, system string
	}{
		{"arm64", "aarch64-linux"},
		{"aarch64", "aarch64-linux"},
		{"aarch64-linux", "aarch64-linux"},
		{"linux/arm64", "aarch64-linux"},
		{"amd64", "x86_64-linux"},
		{"x86_64", "x86_64-linux"},
		{"x86_64-linux", "x86_64-linux"},
		{"linux/amd64", "x86_64-linux"},
	}
	for _, tt := range tests {
		env, n := multiarchEnv(t, nil)
		if _, err := env.BuildFor(context.Background(), "ollama", []string{tt.spelling}); err != nil {
			t.Errorf("BuildFor(ollama, %s) = %v", tt.spelling, err)
			continue
		}
		want := []string{"path:/flake#packages." + tt.system + ".ollamaImage"}
		if diff := cmp.Diff(want, n.builds); diff != "" {
			t.Errorf("BuildFor(ollama, %s) builds mismatch (-want +got):\n%s", tt.spelling, diff)
		}
	}
}

// TestBuildForRefusesTheWrongArch is nanna-coder's old fallback: a flake
// whose packages.aarch64-linux image is really this machine's amd64 one.
func TestBuildForRefusesTheWrongArch(t *testing.T) {
	env, n, _ := testEnv(t, nil) // every attribute builds the amd64 fixture
	built, err := env.BuildFor(context.Background(), "harness", []string{"amd64", "aarch64-linux"})
	if err == nil {
		t.Fatal("BuildFor(harness, amd64 aarch64-linux) = nil error for an amd64 image built as aarch64-linux")
	}
	for _, want := range []string{
		"building harness for aarch64-linux: packages.aarch64-linux.harnessImage is an image for amd64, not arm64",
		"nixpkgs.legacyPackages.aarch64-linux",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("BuildFor() error\n%v\nwant it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "x86_64-linux") {
		t.Errorf("BuildFor() error %q blames the amd64 image, which is right", err)
	}
	if len(n.builds) != 2 || len(built) != 2 || built[0].Image == nil {
		t.Errorf("BuildFor() built %v and returned %d images, want both built and the amd64 one returned", n.builds, len(built))
	}
}

func TestBuildForNoArch(t *testing.T) {
	env, n, _ := testEnv(t, nil)
	n.json = archJSON(t, "")
	_, err := env.BuildFor(context.Background(), "harness", []string{"amd64"})
	if err == nil || !strings.Contains(err.Error(), "packages.x86_64-linux.harnessImage names no architecture, want amd64") {
		t.Errorf("BuildFor() of an image without arch = %v, want the attribute and the missing arch named", err)
	}
}

func TestBuildForBadArgumentsBuildNothing(t *testing.T) {
	tests := []struct {
		name, key string
		platforms []string
		wantErr   string
		wantIs    error
	}{
		{"unknown platform", "harness", []string{"amd64", "arm65"}, `unknown platform "arm65": want arm64 (aarch64`, platform.ErrUnknown},
		{"the same platform twice", "harness", []string{"amd64", "arm64", "x86_64-linux"}, "x86_64-linux and amd64 are the same platform", nil},
		{"no platforms", "harness", nil, "no platforms", nil},
		{"unknown image", "nope", []string{"amd64"}, "known images are", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, n := multiarchEnv(t, nil)
			_, err := env.BuildFor(context.Background(), tt.key, tt.platforms)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) {
				t.Errorf("BuildFor(%s, %q) = %v, want an error containing %q", tt.key, tt.platforms, err, tt.wantErr)
			}
			if len(n.builds) != 0 {
				t.Errorf("built %v before refusing the arguments, want nothing", n.builds)
			}
		})
	}
}

// testRegistry serves go-containerregistry's in-memory registry on
// 127.0.0.1 and returns its host:port and a count of its requests.
func testRegistry(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), &requests
}

// layerless returns a built image of key for arch without layers, which
// pushes without a Nix store.
func layerless(t *testing.T, env *Project, key, arch string) Built {
	t.Helper()
	imgs, err := env.Lookup(key)
	if err != nil {
		t.Fatal(err)
	}
	img := &nix2container.Image{Version: nix2container.Version, Arch: arch}
	img.Config.Cmd = []string{"/bin/" + key}
	return Built{Config: imgs[0], Image: img}
}

// indexPlatforms returns the platforms of the index at ref, or the error
// reading it.
func indexPlatforms(ref string) ([]string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	idx, err := remote.Index(r)
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range m.Manifests {
		out = append(out, d.Platform.String())
	}
	return out, nil
}

func TestPushIndexOfRefs(t *testing.T) {
	host, _ := testRegistry(t)
	env, _ := multiarchEnv(t, map[string]string{"CONTAINER_REGISTRY": host, "GITHUB_REPOSITORY": "Fork/Nanna", "GITHUB_SHA": "0123abc"})
	built := []Built{layerless(t, env, "harness", "amd64"), layerless(t, env, "harness", "arm64")}
	defaults := []string{host + "/fork/nanna/harness:latest", host + "/fork/nanna/harness:0123abc"}
	other := host + "/elsewhere/harness:1"

	res, err := env.PushIndexOf(context.Background(), built, []string{"x86_64-linux", "aarch64"}, PushOptions{To: []string{other}})
	if err != nil {
		t.Fatalf("PushIndexOf(-to %s) = %v", other, err)
	}
	if diff := cmp.Diff([]string{other}, res.Refs); diff != "" {
		t.Errorf("PushIndexOf(-to) refs mismatch (-want +got):\n%s", diff)
	}
	if _, err := indexPlatforms(defaults[0]); err == nil {
		t.Errorf("PushIndexOf(-to %s) pushed %s too", other, defaults[0])
	}

	res, err = env.PushIndexOf(context.Background(), built, []string{"x86_64-linux", "aarch64"}, PushOptions{})
	if err != nil {
		t.Fatalf("PushIndexOf() = %v", err)
	}
	if diff := cmp.Diff(defaults, res.Refs); diff != "" {
		t.Errorf("PushIndexOf() refs mismatch (-want +got):\n%s", diff)
	}
	for _, ref := range append(defaults, other) {
		got, err := indexPlatforms(ref)
		if err != nil {
			t.Errorf("reading the index %s: %v", ref, err)
			continue
		}
		if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, got); diff != "" {
			t.Errorf("index %s platforms mismatch (-want +got):\n%s", ref, diff)
		}
	}
}

func TestPushIndexOfNothing(t *testing.T) {
	env, _ := multiarchEnv(t, nil)
	if _, err := env.PushIndexOf(context.Background(), nil, nil, PushOptions{}); err == nil || !strings.Contains(err.Error(), "no images for the index") {
		t.Errorf("PushIndexOf(no images) = %v, want an error saying so", err)
	}
}

// TestPushMultiarchWrongArchPushesNothing: the refusal comes before the
// registry is asked anything.
func TestPushMultiarchWrongArchPushesNothing(t *testing.T) {
	host, requests := testRegistry(t)
	env, _, _ := testEnv(t, map[string]string{"CONTAINER_REGISTRY": host})
	if _, err := env.PushMultiarch(context.Background(), "harness", []string{"amd64", "arm64"}, PushOptions{}); err == nil {
		t.Fatal("PushMultiarch() = nil error with an amd64 image as arm64")
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the registry got %d requests, want none", n)
	}
}

func TestBuildForForeignFailureSaysHowToEmulate(t *testing.T) {
	hint := "qemu:status arm64 says which is missing, qemu:setup arm64 -writeNixConf=true sets both up"
	tests := []struct {
		failing  string
		wantHint bool
	}{
		{"packages.aarch64-linux.harnessImage", true},
		{"packages.x86_64-linux.harnessImage", false}, // this machine's own
	}
	for _, tt := range tests {
		env, n := multiarchEnv(t, nil)
		n.fail = map[string]bool{tt.failing: true}
		_, err := env.BuildFor(context.Background(), "harness", []string{"amd64", "arm64"})
		if err == nil || !strings.Contains(err.Error(), tt.failing) {
			t.Fatalf("BuildFor() with %s failing = %v, want its error", tt.failing, err)
		}
		if got := strings.Contains(err.Error(), hint); got != tt.wantHint {
			t.Errorf("BuildFor() with %s failing = %v; mentions qemu:status: %v, want %v", tt.failing, err, got, tt.wantHint)
		}
	}
}
