package nixbuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// buildError is the error of a failed nix build of installable. When Nix
// failed evaluating a local flake's code and points at a line of one of its
// files, it is an *EvalError at that file and line, named by its path in
// the checkout rather than in Nix's store copy; otherwise (a builder that
// failed, a missing attribute) commandError's message with the log's tail.
func buildError(ctx context.Context, installable string, err error, stderr []byte, opts Options) error {
	shown := opts.Log != nil
	cerr := commandError(ctx, "building", installable, err, stderr, shown)
	dir, ok := localFlakeDir(installable)
	if !ok || ctx.Err() != nil || unusable(cerr) {
		return cerr
	}
	e := parseNixError(stderr)
	src := flakeSource(ctx, dir, e.file, opts)
	if src == "" {
		src = guessSource(ctx, dir, e.file)
	}
	if src != "" {
		e.file = strings.Replace(e.file, src, dir, 1)
		e.msg = strings.ReplaceAll(e.msg, src+"/", dir+"/")
		for i, l := range e.detail {
			e.detail[i] = strings.ReplaceAll(l, src+"/", dir+"/")
		}
	}
	if !strings.HasPrefix(e.file, dir+string(filepath.Separator)) {
		return cerr
	}
	msg := fmt.Sprintf("building %s: %s:%d: %s", installable, relTo(dir, e.file), e.line, e.msg)
	if missing := missingFile(e.msg); missing != "" && strings.HasPrefix(missing, dir+string(filepath.Separator)) {
		if _, statErr := os.Stat(missing); statErr == nil {
			msg += fmt.Sprintf(" (%s is not tracked by Git, and Nix sees only the files Git tracks: git add it)", relTo(dir, missing))
		}
	}
	switch {
	case shown:
		msg += " (Nix's log is above)"
	case len(e.detail) > 0:
		msg += "\n" + strings.Join(e.detail, "\n")
	}
	return &EvalError{File: e.file, Line: e.line, err: &causeError{msg: msg, cause: err}, checked: e.file, nixMsg: e.msg}
}

// guessSource returns the store copy of the flake in dir that file (a
// path Nix printed) is in, when nix flake metadata cannot say (flake.nix
// itself does not parse): file's /nix/store/<hash>-source, when the same
// relative path exists in dir. For a flake in a subdirectory of a Git work
// tree the copy is of the whole tree, so the copy of dir is returned.
func guessSource(ctx context.Context, dir, file string) string {
	rest, ok := strings.CutPrefix(file, storeDir+"/")
	if !ok {
		return ""
	}
	name, rel, ok := strings.Cut(rest, "/")
	if !ok || !strings.HasSuffix(name, "-source") {
		return ""
	}
	src := storeDir + "/" + name
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err == nil {
		return src
	}
	if top, err := workTreeTop(ctx, dir); err == nil {
		if sub, err := filepath.Rel(top, dir); err == nil && filepath.IsLocal(sub) {
			if _, err := os.Stat(filepath.Join(top, filepath.FromSlash(rel))); err == nil && strings.HasPrefix(rel, filepath.ToSlash(sub)+"/") {
				return src + "/" + filepath.ToSlash(sub)
			}
		}
	}
	return ""
}

// causeError is a message that replaces its cause's but still wraps it.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.cause }

// localFlakeDir returns the directory of installable's flake when it is a
// local path ("/src#attr", "path:/src#attr").
func localFlakeDir(installable string) (string, bool) {
	flake, _, _ := strings.Cut(installable, "#")
	flake = strings.TrimPrefix(flake, "path:")
	if !filepath.IsAbs(flake) {
		return "", false
	}
	return filepath.Clean(flake), true
}

// missingFile returns the path of Nix's "getting status of 'PATH': No such
// file or directory", or "".
func missingFile(msg string) string {
	rest, ok := strings.CutPrefix(msg, "getting status of '")
	if !ok {
		return ""
	}
	path, _, ok := strings.Cut(rest, "'")
	if !ok {
		return ""
	}
	return path
}
