package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nanna-coder/build/internal/platform"
)

// programPackage is the Go package of the test flakes' program, relative to
// the repository root (internal/fixtures/testflake builds it for tests).
const programPackage = "./internal/fixtures/testflake/program"

// benchTag is the tag the slow project's images get instead of latest
// (testdata/slow-eval/project-flake.nix), so that the benchmark leaves a
// developer's nanna-coder-*:latest alone.
const benchTag = "bench-pipeline"

// dirtyFile is the tracked file prepareSlowProject modifies: Nix then
// calls the Git tree dirty.
const dirtyFile = "README.md"

// prepareSlowProject makes, in the new directory dir, the project
// bench:pipeline measures: a copy of root's testdata/project whose
// flake.nix becomes project.nix, with testdata/slow-eval's work.nix beside
// it and its project-flake.nix as flake.nix, so that every image is
// testdata/project's but evaluating it takes about 2 s; bin/ holds the
// flakes' program for this machine (go build). It makes dir a Git
// repository with everything committed, then modifies a tracked file and
// leaves it so: the tree is dirty. git runs with env (gitEnv's variables).
func prepareSlowProject(ctx context.Context, root, dir string, env []string) error {
	testdata := filepath.Join(root, "testdata")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(testdata, "project"))); err != nil {
		return fmt.Errorf("copying testdata/project: %w", err)
	}
	if err := os.Rename(filepath.Join(dir, "flake.nix"), filepath.Join(dir, "project.nix")); err != nil {
		return err
	}
	for from, to := range map[string]string{"work.nix": "work.nix", "project-flake.nix": "flake.nix"} {
		data, err := os.ReadFile(filepath.Join(testdata, "slow-eval", from))
		if err != nil {
			return fmt.Errorf("reading testdata/slow-eval: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), data, 0o644); err != nil {
			return err
		}
	}
	if err := buildProgram(ctx, root, filepath.Join(dir, "bin", "nanna-project-"+hostSystem())); err != nil {
		return err
	}
	for _, args := range [][]string{
		{"init", "--quiet", "--initial-branch=main"},
		{"add", "--all"},
		{"commit", "--quiet", "--message=bench:pipeline's slow project"},
	} {
		if err := git(ctx, dir, env, args...); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, dirtyFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString("\nModified after the commit: bench:pipeline measures a dirty Git tree.\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// buildProgram builds the flakes' program for Linux on this architecture
// into out, statically and reproducibly (as testflake.BuildProgram does),
// so that the images are those of testdata/project in every run.
func buildProgram(ctx context.Context, root, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, programPackage)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH, "GOFLAGS=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the test flakes' program with go build: %w\n%s", err, msg)
	}
	return nil
}

// git runs git in dir with env.
func git(ctx context.Context, dir string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// hostSystem is the Nix system of this machine, such as x86_64-linux.
func hostSystem() string {
	p, err := platform.Parse(runtime.GOARCH)
	if err != nil {
		return runtime.GOARCH + "-linux"
	}
	return p.System()
}
