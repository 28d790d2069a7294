//go:build integration

package integration_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
	"github.com/nanna-coder/build/internal/testenv"
)

// The audit's false cache hits: each test changes something that changes
// what Nix builds or checks, and expects the step to run again instead of
// being cached.

// auditProject copies testdata/project and returns it with a cache
// directory that lasts for the test, so that runs see each other's
// records.
func auditProject(t *testing.T) (dir string, env []string) {
	t.Helper()
	_, err := exec.LookPath("nix")
	testenv.Require(t, "Nix", err)
	return testflake.Copy(t, "project"), []string{"XDG_CACHE_HOME=" + t.TempDir(), "CI="}
}

// replaceIn replaces old (which must be there) by new in a file.
func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s lacks %q (%v)", file, old, err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mustMage runs a target that must succeed.
func mustMage(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, code := mageIn(t, dir, env, args...)
	if code != 0 {
		t.Fatalf("mage %v exited %d:\n%s", args, code, out)
	}
	return out
}

const titleLine = `title = "nanna-coder ${key} (test stand-in)";`

// A flake in a subdirectory of a Git repository (a monorepo) sees the
// whole repository: Nix copies every tracked file, and flake.nix may import
// ../shared/title.nix. The key counts only the files under the flake's
// directory.
func TestIntegrationPipelineFileOutsideTheFlakeDirectory(t *testing.T) {
	dir, env := auditProject(t)
	root := filepath.Dir(dir)
	writeFile(t, filepath.Join(root, "shared", "title.nix"), `"(shared v1)"`+"\n")
	replaceIn(t, filepath.Join(dir, "flake.nix"), titleLine, `title = "nanna-coder ${key} " + import ../shared/title.nix;`)
	testflake.GitInit(t, root)
	mustMage(t, dir, env, "build:image", "harness")

	writeFile(t, filepath.Join(root, "shared", "title.nix"), `"(shared v2)"`+"\n")
	testflake.Git(t, root, "commit", "--quiet", "--all", "--message=v2")
	if out := mustMage(t, dir, env, "build:image", "harness", "-explain"); strings.Contains(out, "build:harness cached") {
		t.Errorf("after editing ../shared/title.nix, which flake.nix imports, build:harness was cached:\n%s", out)
	}
}

// With NANNA_FLAKE naming a local directory the flake is built as path:,
// and Nix copies every file there, those Git ignores too. The key leaves
// ignored files out.
func TestIntegrationPipelineIgnoredFileOfAPathFlake(t *testing.T) {
	dir, env := auditProject(t)
	writeFile(t, filepath.Join(dir, "nix", "local-title.nix"), `"(local v1)"`+"\n")
	writeFile(t, filepath.Join(dir, ".gitignore"), "nix/local-title.nix\n")
	replaceIn(t, filepath.Join(dir, "flake.nix"), titleLine, `title = "nanna-coder ${key} " + import ./nix/local-title.nix;`)
	testflake.GitInit(t, dir)
	env = append(env, "NANNA_FLAKE="+dir)
	mustMage(t, dir, env, "build:image", "harness")

	writeFile(t, filepath.Join(dir, "nix", "local-title.nix"), `"(local v2)"`+"\n")
	if out := mustMage(t, dir, env, "build:image", "harness", "-explain"); strings.Contains(out, "build:harness cached") {
		t.Errorf("after editing nix/local-title.nix, which the path: flake imports (Git ignores it), build:harness was cached:\n%s", out)
	}
}

// The key's "system" is Go's GOARCH, not Nix's: a nix.conf outside
// NIX_CONFIG (here $XDG_CONFIG_HOME/nix/nix.conf) that sets system makes
// nix build another attribute (here one the flake lacks), and the build
// stays cached.
func TestIntegrationPipelineSystemFromNixConf(t *testing.T) {
	dir, env := auditProject(t)
	testflake.GitInit(t, dir)
	mustMage(t, dir, env, "build:image", "harness")

	conf := t.TempDir()
	writeFile(t, filepath.Join(conf, "nix", "nix.conf"), "system = aarch64-linux\n")
	out, code := mageIn(t, dir, append(env, "XDG_CONFIG_HOME="+conf), "build:image", "harness", "-explain")
	if code == 0 && strings.Contains(out, "build:harness cached") {
		t.Errorf("with nix.conf's system = aarch64-linux (nix build fails: no packages.aarch64-linux), build:harness was cached:\n%s", out)
	}
}

// nix:check records its success the same whether it ran nix flake check
// or only parsed the files because an input was not in the store: once
// the input is there, the full check (which fails) never runs.
func TestIntegrationPipelineNixCheckModeNotInKey(t *testing.T) {
	_, env := auditProject(t)
	lib := t.TempDir()
	writeFile(t, filepath.Join(lib, "flake.nix"), `{ outputs = _: { msg = "lib"; }; }`+"\n")
	dir := filepath.Join(t.TempDir(), "checked")
	writeFile(t, filepath.Join(dir, "nix", "models.nix"), "{ }\n")
	writeFile(t, filepath.Join(dir, "flake.nix"), `{
  inputs.lib.url = "path:`+lib+`";
  outputs = { self, lib }: {
    checks.x86_64-linux.broken = builtins.derivation {
      name = "broken-check"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "exit 1" ];
    };
  };
}
`)
	nixIn(t, dir, "flake", "lock", "path:"+dir)
	testflake.GitInit(t, dir)
	var meta struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal([]byte(nixIn(t, dir, "flake", "metadata", "--json", "path:"+lib)), &meta); err != nil || meta.Path == "" {
		t.Fatalf("nix flake metadata of the input: %v", err)
	}
	nixIn(t, dir, "store", "delete", meta.Path)
	mustMage(t, dir, env, "nix:check") // the input is gone: parse and evaluate only

	nixIn(t, dir, "flake", "archive", "path:"+dir) // the input is back
	if out, code := mageIn(t, dir, env, "nix:check", "-explain"); code == 0 {
		t.Errorf("with every input in the store, nix:check should run nix flake check, whose check fails; it passed:\n%s", out)
	}
}

func nixIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("nix", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if e, ok := err.(*exec.ExitError); ok {
			stderr = e.Stderr
		}
		t.Fatalf("nix %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// A cached models:check says nothing: the warning about an unpinned model
// shows on the first run only.
func TestIntegrationPipelineCachedModelsCheckKeepsItsWarning(t *testing.T) {
	testenv.RequireDocker(t)
	dir, env := auditProject(t)
	models := filepath.Join(dir, "nix", "models.nix")
	pinned := `hash = "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=";`
	replaceIn(t, models, pinned, `hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";`)
	testflake.GitInit(t, dir)
	for run := 1; run <= 2; run++ {
		if out := mustMage(t, dir, env, "ci", "-explain"); !strings.Contains(out, "not pinned") {
			t.Errorf("run %d of ci with an unpinned model does not say so:\n%s", run, out)
		}
	}
}
