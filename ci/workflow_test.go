package ci

import (
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// workflow is the part of a GitHub Actions workflow file the test reads.
type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		TimeoutMinutes int `yaml:"timeout-minutes"`
		Steps          []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestWorkflow checks .github/workflows/ci.yml: on push and pull
// requests, read-only but for packages, each job bounded in time and
// running `mage ci` from the binary `mage -compile` made, with the
// actions pinned to a version tag.
func TestWorkflow(t *testing.T) {
	b, err := os.ReadFile("../.github/workflows/ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("parsing ci.yml: %v", err)
	}
	for _, ev := range []string{"push", "pull_request"} {
		if _, ok := w.On[ev]; !ok {
			t.Errorf("ci.yml does not run on %s", ev)
		}
	}
	if want := map[string]string{"contents": "read", "packages": "write"}; !maps.Equal(w.Permissions, want) {
		t.Errorf("ci.yml's permissions = %v, want %v", w.Permissions, want)
	}
	if len(w.Jobs) == 0 {
		t.Fatal("ci.yml has no job")
	}
	pinned := regexp.MustCompile(`^[\w.-]+/[\w.-]+@v\d+(\.\d+)*$`)
	for name, job := range w.Jobs {
		if job.TimeoutMinutes <= 0 {
			t.Errorf("job %s has no timeout-minutes", name)
		}
		compiled, ran, nix := "", false, false
		for _, s := range job.Steps {
			if s.Uses != "" && !pinned.MatchString(s.Uses) {
				t.Errorf("job %s uses %s, not pinned to a version tag", name, s.Uses)
			}
			nix = nix || strings.HasPrefix(s.Uses, "cachix/install-nix-action@")
			args := strings.Fields(s.Run)
			if i := slices.Index(args, "-compile"); i > 0 && args[i-1] == "mage" && i+1 < len(args) {
				if !nix {
					t.Errorf("job %s compiles the targets before installing Nix", name)
				}
				compiled = args[i+1]
				continue
			}
			if compiled != "" && len(args) >= 2 && path.Clean(args[0]) == path.Clean(compiled) && args[1] == "ci" {
				ran = true
				if s.Env["GITHUB_TOKEN"] == "" {
					t.Errorf("job %s runs %s ci without GITHUB_TOKEN: it could never push", name, compiled)
				}
			}
		}
		switch {
		case compiled == "":
			t.Errorf("job %s has no step running `mage -compile BINARY`", name)
		case !ran:
			t.Errorf("job %s does not run `%s ci` after compiling it", name, compiled)
		}
	}
}
