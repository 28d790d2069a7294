package bench

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPipelineEnv(t *testing.T) {
	environ := []string{
		"PATH=/usr/bin", "HOME=/root", "DOCKER_HOST=unix:///d.sock", "NIX_CONFIG=sandbox = false",
		"XDG_CACHE_HOME=/root/.cache", "GOCACHE=/elsewhere", "CI=true", "GITHUB_ACTIONS=true", "GITHUB_SHA=0123abc",
		"GIT_DIR=/repo/.git", "NANNA_FLAKE=github:nanna-coder/nanna-coder", "CONTAINER_REGISTRY=registry.example",
		"CONTAINER_LOAD_VERBOSE=true", "VERSION=1.2.3", "CIRCLECI=true",
	}
	got := pipelineEnv(environ, "/tmp/w/cache", "/root/.cache/go-build")
	want := append([]string{
		"PATH=/usr/bin", "HOME=/root", "DOCKER_HOST=unix:///d.sock", "NIX_CONFIG=sandbox = false", "CIRCLECI=true",
		"XDG_CACHE_HOME=/tmp/w/cache", "GOCACHE=/root/.cache/go-build",
	}, gitEnv()...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pipelineEnv() mismatch (-want +got):\n%s", diff)
	}
	if slices.Contains(environ, "XDG_CACHE_HOME=/tmp/w/cache") {
		t.Error("pipelineEnv() changed its argument")
	}
}
