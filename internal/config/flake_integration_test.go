//go:build integration

package config

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// flakeSummary is what testdata/flakes/stub/outputs.nix prints: the
// repository's flake.nix evaluated with stand-ins for its inputs.
type flakeSummary struct {
	Inputs struct {
		Nixpkgs              string `json:"nixpkgs"`
		Nix2container        string `json:"nix2container"`
		Nix2containerFollows string `json:"nix2containerFollows"`
	} `json:"inputs"`
	Systems                []string                `json:"systems"`
	Packages               map[string]flakePackage `json:"packages"`
	HarnessCargoBuildFlags []string                `json:"harnessCargoBuildFlags"`
}

type flakePackage struct {
	Name      string  `json:"name"`
	ImageName string  `json:"imageName"`
	ImageTag  string  `json:"imageTag"`
	MaxLayers int     `json:"maxLayers"`
	FromImage *string `json:"fromImage"`
	Created   *string `json:"created"`
	Env       []string
	// model derivations
	Pinned       bool    `json:"pinned"`
	Model        string  `json:"model"`
	RegistryHash string  `json:"registryHash"`
	OutputHash   *string `json:"outputHash"`
}

// TestIntegrationFlakeMatchesConfig evaluates flake.nix and nix/containers.nix
// with stand-in inputs and checks them against the configuration: every
// configured image is a flake package at Image.Attr, named Image.Name and
// tagged with the default tag, and the model images are built on the
// Ollama image from fixed-output model derivations.
func TestIntegrationFlakeMatchesConfig(t *testing.T) {
	requireNix(t)
	data, err := nixbuild.EvalFile(context.Background(), "../../testdata/flakes/stub/outputs.nix", nixbuild.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got flakeSummary
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Inputs.Nixpkgs != "github:NixOS/nixpkgs/nixos-unstable" || got.Inputs.Nix2container != "github:nlewo/nix2container" || got.Inputs.Nix2containerFollows != "nixpkgs" {
		t.Errorf("flake inputs = %+v", got.Inputs)
	}
	if diff := cmp.Diff([]string{"aarch64-linux", "x86_64-linux"}, got.Systems); diff != "" {
		t.Errorf("flake systems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"--bin", "harness"}, got.HarnessCargoBuildFlags); diff != "" {
		t.Errorf("harness cargoBuildFlags (-want +got):\n%s", diff)
	}

	cfg := Defaults(nil)
	ollama, err := cfg.Lookup("ollama")
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range cfg.Images {
		p, ok := got.Packages[img.Attr]
		if !ok {
			t.Errorf("flake has no package %s for image %s", img.Attr, img.Key)
			continue
		}
		if p.ImageName != img.Name || p.ImageTag != cfg.Tags.Default || p.MaxLayers != 100 {
			t.Errorf("package %s = %s:%s maxLayers %d, want %s:%s maxLayers 100", img.Attr, p.ImageName, p.ImageTag, p.MaxLayers, img.Name, cfg.Tags.Default)
		}
		if !img.Model {
			if p.FromImage != nil {
				t.Errorf("package %s has fromImage %s", img.Attr, *p.FromImage)
			}
			continue
		}
		if p.FromImage == nil || *p.FromImage != ollama.Name {
			t.Errorf("package %s fromImage = %v, want %s", img.Attr, p.FromImage, ollama.Name)
		}
		if p.Created == nil || *p.Created != "2025-09-20T00:00:00Z" {
			t.Errorf("package %s created = %v, want 2025-09-20T00:00:00Z", img.Attr, p.Created)
		}
		if !cmp.Equal(p.Env, []string{"OLLAMA_HOST=0.0.0.0", "OLLAMA_PORT=11434", "OLLAMA_MODELS=/models", "PATH=/bin"}) {
			t.Errorf("package %s Env = %q", img.Attr, p.Env)
		}
		m, ok := got.Packages[img.Key+"-model"]
		if !ok {
			t.Errorf("flake has no package %s-model", img.Key)
			continue
		}
		switch {
		case m.Pinned && (m.OutputHash == nil || *m.OutputHash != m.RegistryHash):
			t.Errorf("model %s is pinned but its outputHash is %v, want %s", img.Key, m.OutputHash, m.RegistryHash)
		case !m.Pinned && m.OutputHash != nil:
			t.Errorf("model %s has a placeholder hash but is fixed-output (%s)", img.Key, *m.OutputHash)
		}
	}
	if q := got.Packages["qwen3-model"]; !q.Pinned || q.Model != "qwen3:0.6b" || q.RegistryHash != "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=" {
		t.Errorf("qwen3-model = %+v, want qwen3:0.6b pinned to sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=", q)
	}
	if _, ok := got.Packages["harness"]; !ok {
		t.Error("flake has no harness package")
	}
}
