//go:build integration

package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/testenv"
)

func requireNix(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("nix")
	testenv.Require(t, "Nix", err)
}

// TestIntegrationSlowProjectImages checks that the slow project's images
// are testdata/project's derivations, tagged bench-pipeline.
func TestIntegrationSlowProjectImages(t *testing.T) {
	requireNix(t)
	root := filepath.Join("..", "..")
	env := pipelineEnv(os.Environ(), t.TempDir(), goCache(t))
	slow := filepath.Join(t.TempDir(), "slow")
	if err := prepareSlowProject(context.Background(), root, slow, env); err != nil {
		t.Fatalf("prepareSlowProject() = %v", err)
	}
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.CopyFS(plain, os.DirFS(filepath.Join(root, "testdata", "project"))); err != nil {
		t.Fatal(err)
	}
	program := filepath.Join("bin", "nanna-project-"+hostSystem())
	if err := os.CopyFS(filepath.Join(plain, "bin"), os.DirFS(filepath.Join(slow, "bin"))); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"harness", "ollama"} {
		attr := "#packages." + hostSystem() + "." + key + "Image"
		got := nixEval(t, env, slow+attr+".drvPath")
		if want := nixEval(t, env, "path:"+plain+attr+".drvPath"); got != want {
			t.Errorf("%s: the slow project's derivation is %s, testdata/project's %s (with %s)", key, got, want, program)
		}
		if tag := nixEval(t, env, slow+attr+".imageTag"); tag != benchTag {
			t.Errorf("%s: imageTag = %q, want %q", key, tag, benchTag)
		}
	}
}

func nixEval(t *testing.T, env []string, installable string) string {
	t.Helper()
	cmd := exec.Command("nix", "eval", "--raw", installable)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nix eval %s: %v\n%s", installable, err, &stderr)
	}
	return string(out)
}

// TestIntegrationPipeline runs bench:pipeline once (one warm-up, one timed
// run of each command) and checks that every measurement was made: the
// no-ops were cached, every command succeeded. No timing is checked.
func TestIntegrationPipeline(t *testing.T) {
	requireNix(t)
	testenv.RequireDocker(t)
	var log bytes.Buffer
	err := Pipeline(context.Background(), PipelineOptions{Root: filepath.Join("..", ".."), Mage: []string{"go", "tool", "mage"}, Reps: 1, Log: &log})
	if err != nil {
		t.Fatalf("Pipeline() = %v\n%s", err, &log)
	}
	for _, row := range []string{rowFloor, rowNoop, rowNixFresh, rowNix, rowCI, rowGoTool} {
		if !strings.Contains(log.String(), "\n"+row+" ") {
			t.Errorf("report lacks %q:\n%s", row, &log)
		}
	}
	if !strings.Contains(log.String(), "11 cached, 3 push steps skipped") {
		t.Errorf("report lacks ci's steps:\n%s", &log)
	}
}
