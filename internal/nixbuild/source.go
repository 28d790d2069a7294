package nixbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// SourceFiles lists the files of the flake in dir that make up its source:
// in a Git work tree, the files Git tracks plus the untracked ones it does
// not ignore (`git ls-files --cached --others --exclude-standard`), less
// tracked files deleted from the work tree and submodules; outside Git,
// every file under dir. Paths are relative to dir, with slashes, sorted;
// each is a regular file, a symbolic link or another non-directory.
//
// That is what Nix sees of a flake in a Git work tree given as git+file
// (the tracked files) or as path: (everything), less what Git ignores:
// build outputs such as bin/ belong in .gitignore, and a file the flake
// reads must not be ignored.
func SourceFiles(ctx context.Context, dir string) ([]string, error) {
	inGit, err := inWorkTree(dir)
	if err != nil {
		return nil, fmt.Errorf("listing the files of %s: %w", dir, err)
	}
	if !inGit {
		return walkFiles(dir)
	}
	return gitFiles(ctx, dir)
}

// inWorkTree says whether dir is in a Git work tree, by looking for .git
// (a directory, or a file in a linked work tree or a submodule) in dir and
// its parents, as Git does.
func inWorkTree(dir string) (bool, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(abs); err != nil {
		return false, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return true, nil
		}
		if filepath.Dir(d) == d {
			return false, nil
		}
	}
}

// gitFiles lists the files Git tracks or would track under dir.
func gitFiles(ctx context.Context, dir string) ([]string, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("listing the files of %s: it is in a Git work tree, but git is not on PATH: install Git", dir)
	}
	cmd := exec.CommandContext(ctx, git, "-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("listing the files of %s with git ls-files: %w\n%s", dir, err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || (len(files) > 0 && files[len(files)-1] == name) {
			continue // the end, or a path listed once per merge stage
		}
		info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // tracked, deleted from the work tree
		case err != nil:
			return nil, fmt.Errorf("listing the files of %s: %w", dir, err)
		case info.IsDir():
			continue // a submodule, which Nix leaves out unless asked
		}
		files = append(files, name)
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// walkFiles lists every file under dir but directories and what is under
// a .git directory.
func walkFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && e.IsDir() && e.Name() == ".git" {
			return filepath.SkipDir
		}
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the files of %s: %w", dir, err)
	}
	slices.Sort(files)
	return files, nil
}

// FlakeFiles lists the files Nix copies into the store for the flake in
// dir, which is what its builds can read: for a flake given as path:
// (pathFlake), every file under dir but .git, ignored ones included; in a
// Git work tree otherwise, the files Git tracks or would track (untracked,
// not ignored) in the whole work tree, since Nix copies the repository
// even for a flake in a subdirectory; outside Git, every file under dir.
// Names are relative to dir, with slashes ("../shared/title.nix" for a
// file of the repository outside dir), sorted.
func FlakeFiles(ctx context.Context, dir string, pathFlake bool) ([]string, error) {
	inGit, err := inWorkTree(dir)
	if err != nil {
		return nil, fmt.Errorf("listing the files of %s: %w", dir, err)
	}
	if pathFlake || !inGit {
		return walkFiles(dir)
	}
	top, err := workTreeTop(ctx, dir)
	if err != nil {
		return nil, err
	}
	files, err := gitFiles(ctx, top)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for i, name := range files {
		rel, err := filepath.Rel(abs, filepath.Join(top, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("listing the files of %s: %w", dir, err)
		}
		files[i] = filepath.ToSlash(rel)
	}
	slices.Sort(files)
	return files, nil
}

// workTreeTop returns the top directory of the Git work tree dir is in.
func workTreeTop(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("finding the Git work tree of %s: %w\n%s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
