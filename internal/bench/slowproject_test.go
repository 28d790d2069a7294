package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/testenv"
)

// TestPrepareSlowProject prepares the slow project (go build, git; no Nix,
// no Docker) and checks its layout, its commit and its dirty tree.
func TestPrepareSlowProject(t *testing.T) {
	for _, tool := range []string{"go", "git"} {
		_, err := exec.LookPath(tool)
		testenv.Require(t, tool, err)
	}
	root := filepath.Join("..", "..")
	env := pipelineEnv(os.Environ(), t.TempDir(), goCache(t))
	dir := filepath.Join(t.TempDir(), "project")
	if err := prepareSlowProject(context.Background(), root, dir, env); err != nil {
		t.Fatalf("prepareSlowProject() = %v", err)
	}
	sameFile(t, filepath.Join(dir, "flake.nix"), filepath.Join(root, "testdata", "slow-eval", "project-flake.nix"))
	sameFile(t, filepath.Join(dir, "project.nix"), filepath.Join(root, "testdata", "project", "flake.nix"))
	sameFile(t, filepath.Join(dir, "work.nix"), filepath.Join(root, "testdata", "slow-eval", "work.nix"))
	sameFile(t, filepath.Join(dir, "nix", "container-config.nix"), filepath.Join(root, "testdata", "project", "nix", "container-config.nix"))

	program := "bin/nanna-project-" + hostSystem()
	files := strings.Fields(gitOut(t, dir, env, "ls-files"))
	want := []string{"README.md", program, "flake.nix", "nix/container-config.nix", "nix/models.nix", "project.nix", "work.nix"}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("committed files mismatch (-want +got):\n%s", diff)
	}
	if fi, err := os.Stat(filepath.Join(dir, program)); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("the program: %v, %v; want an executable", fi, err)
	}
	if got := gitOut(t, dir, env, "status", "--porcelain"); got != " M "+dirtyFile+"\n" {
		t.Errorf("git status --porcelain = %q, want %s modified and nothing else", got, dirtyFile)
	}
	if n := gitOut(t, dir, env, "rev-list", "--count", "HEAD"); n != "1\n" {
		t.Errorf("commits = %q, want 1", n)
	}
}

func sameFile(t *testing.T, got, want string) {
	t.Helper()
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s differs from %s", got, want)
	}
}

func gitOut(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

func goCache(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
