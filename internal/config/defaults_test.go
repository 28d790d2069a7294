package config

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDefaultsMatchesEvalJSON compares Defaults with the file's JSON and
// the variables its text reads (the integration tests evaluate the file
// with Nix).
func TestDefaultsMatchesEvalJSON(t *testing.T) {
	want, err := Parse([]byte(evalJSON))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(configNixFile)
	if err != nil {
		t.Fatal(err)
	}
	if want.Env, err = EnvVars(src); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, Defaults(nil)); diff != "" {
		t.Errorf("Defaults(nil) differs from the evaluated file (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, Defaults(mapEnv(nil))); diff != "" {
		t.Errorf("Defaults(empty env) differs from the evaluated file (-want +got):\n%s", diff)
	}
}

func TestDefaults(t *testing.T) {
	base := Defaults(nil)
	tests := []struct {
		name string
		env  map[string]string
		want func(c *Config)
	}{
		{"empty", nil, func(*Config) {}},
		{"empty values are unset", map[string]string{"CONTAINER_REGISTRY": "", "GITHUB_REPOSITORY": ""}, func(*Config) {}},
		{
			"GitHub Actions",
			map[string]string{
				"CONTAINER_REGISTRY": "ghcr.io",
				"GITHUB_REPOSITORY":  "DominicBurkart/nanna-coder",
				"GITHUB_SHA":         "d5676c6f00",
				"GITHUB_REF_NAME":    "feature/x",
				"VERSION":            "1.2.3",
			},
			func(c *Config) {
				c.Registry.Repository = "DominicBurkart/nanna-coder"
				c.Tags.FromCommit = "d5676c6f00"
				c.Tags.FromBranch = "feature/x"
				c.Tags.Semver = "1.2.3"
			},
		},
		{
			"local registry",
			map[string]string{"CONTAINER_REGISTRY": "localhost:5000", "CONTAINER_LOAD_VERBOSE": "true"},
			func(c *Config) {
				c.Registry.URL = "localhost:5000"
				c.Loading.Verbose = true
			},
		},
		{"verbose needs exactly true", map[string]string{"CONTAINER_LOAD_VERBOSE": "1"}, func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := base
			want.Images = append([]Image(nil), base.Images...)
			tt.want(&want)
			got := Defaults(mapEnv(tt.env))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Defaults() (-want +got):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Defaults().Validate() = %v", err)
			}
		})
	}
	if base.Loading.Retries.Delay != 5*time.Second || base.Loading.Timeout != 300*time.Second {
		t.Errorf("Defaults() loading = %+v", base.Loading)
	}
}

// TestDefaultsCommandsAreCopies checks that changing one image's smoke
// command leaves the others' alone (the Ollama images share one).
func TestDefaultsCommandsAreCopies(t *testing.T) {
	c := Defaults(nil)
	c.Images[1].Smoke[0] = "changed"
	for _, img := range c.Images[2:] {
		if img.Smoke[0] != "ollama" {
			t.Errorf("Defaults(): changing %s's smoke command changed %s's to %q", c.Images[1].Key, img.Key, img.Smoke)
		}
	}
}
