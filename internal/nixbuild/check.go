package nixbuild

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nanna-coder/build/internal/ui"
)

// CheckReport says how Check checked a flake.
type CheckReport struct {
	// FlakeCheck is true when nix flake check ran, false when the .nix
	// files were parsed and evaluated one by one instead.
	FlakeCheck bool
	// Files is how many .nix files were checked when FlakeCheck is false.
	Files int
	// ParsedOnly names the files of those (from the flake's directory)
	// that parse but need more than the flake's files to evaluate: a URL
	// they fetch, a file outside the flake, a <path> of the search path.
	ParsedOnly []string
	// Unfetchable says why the flake's inputs cannot be fetched, when
	// FlakeCheck is false.
	Unfetchable string
}

// String says what was checked: "nix flake check", or "parsed and
// evaluated 7 .nix files (the flake's inputs cannot be fetched: …)", with
// ", parsed default.nix, which needs more than the flake's files" before
// the parenthesis when ParsedOnly has it.
func (r CheckReport) String() string {
	if r.FlakeCheck {
		return "nix flake check"
	}
	s := "parsed and evaluated " + ui.Plural(r.Files-len(r.ParsedOnly), ".nix file")
	switch len(r.ParsedOnly) {
	case 0:
	case 1:
		s += ", parsed " + r.ParsedOnly[0] + ", which needs more than the flake's files"
	default:
		s += ", parsed " + ui.FirstN(r.ParsedOnly, 3) + ", which need more than the flake's files"
	}
	return s + " (the flake's inputs cannot be fetched: " + r.Unfetchable + ")"
}

// Check checks the flake in flakeDir as well as it can without the
// network:
//
//   - When the flake's inputs are at hand (it has none, or flake.lock pins
//     each one and each is in the Nix store already), it runs nix flake
//     check, which evaluates every output and builds the checks. The flake
//     is given as path: (see FlakeRef) and flake.lock is never written.
//   - Otherwise, since nix flake check would fetch the inputs, it parses
//     and evaluates each .nix file of the flake's source (SourceFiles) to
//     its top-level value, like nix-instantiate --eval: syntax errors,
//     undefined variables and missing imports show, errors deep inside the
//     outputs do not. The evaluation is restricted to the flake's files,
//     as a flake's is, and fetches nothing: a file that needs more (a
//     flake-compat default.nix that fetches, a shell.nix that imports
//     <nixpkgs>) is only parsed, and the report names it.
//
// The report says which it did and why. A failure is an *EvalError
// located at the line Nix points at, one per failing file, joined
// (errors.Join); the report is filled in either way. Deciding which check
// to run reads flake.lock and asks nix offline, in bounded time, and never
// fetches or locks anything.
func Check(ctx context.Context, flakeDir string, opts Options) (CheckReport, error) {
	dir, err := filepath.Abs(flakeDir)
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "flake.nix"))
	}
	if err != nil {
		return CheckReport{}, fmt.Errorf("checking the flake in %s: no flake.nix there (%w)", flakeDir, err)
	}
	why, err := unfetchable(ctx, dir, opts)
	if err != nil {
		return CheckReport{}, fmt.Errorf("checking the flake in %s: %w", flakeDir, err)
	}
	if why == "" {
		return CheckReport{FlakeCheck: true}, flakeCheck(ctx, dir, opts)
	}
	n, parsedOnly, err := evalFiles(ctx, dir, opts)
	return CheckReport{Files: n, ParsedOnly: parsedOnly, Unfetchable: why}, err
}

// CheckMode says which check [Check] would run on the flake in dir now:
// "" for nix flake check, else why it would parse and evaluate the files
// instead (the reason its report gives). It asks nix as Check does:
// offline, bounded, fetching nothing.
func CheckMode(ctx context.Context, dir string, opts Options) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return unfetchable(ctx, abs, opts)
}

// flakeCheck runs nix flake check on the flake in dir, an absolute path.
func flakeCheck(ctx context.Context, dir string, opts Options) error {
	ref := FlakeRef(dir, "")
	args := nixArgs("flake", "check", ref, "--no-write-lock-file", "--print-build-logs")
	_, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err == nil {
		return nil
	}
	shown := opts.Log != nil
	cerr := commandError(ctx, "checking the flake in", dir, err, stderr, shown)
	if ctx.Err() != nil || unusable(cerr) {
		return cerr
	}
	e := parseNixError(stderr)
	// Nix evaluates the flake from its copy in the store; name the files
	// it points at by the originals.
	if src := flakeSource(ctx, dir, e.file, opts); src != "" {
		e.file = strings.Replace(e.file, src, dir, 1)
		for i, l := range e.detail {
			e.detail[i] = strings.ReplaceAll(l, src+"/", dir+"/")
		}
	}
	file, line, where := filepath.Join(dir, "flake.nix"), 0, ""
	if strings.HasPrefix(e.file, dir+string(filepath.Separator)) {
		file, line = e.file, e.line
		where = fmt.Sprintf("%s:%d: ", relTo(dir, file), line)
	}
	msg := fmt.Sprintf("checking the flake in %s with nix flake check: %s%s", dir, where, e.msg)
	switch {
	case shown:
		msg += " (Nix's log is above)"
	case len(e.detail) > 0:
		msg += "\n" + strings.Join(e.detail, "\n")
	}
	msg += "\nfix it, then check again with: nix flake check " + ref
	return &EvalError{File: file, Line: line, err: errors.New(msg), checked: file, nixMsg: e.msg}
}

// flakeSource returns the store copy of the flake in dir that Nix
// evaluated, /nix/store/<hash>-source, as nix flake metadata names it, when
// file (a path Nix printed) is in it; "" otherwise.
func flakeSource(ctx context.Context, dir, file string, opts Options) string {
	if !strings.HasPrefix(file, storeDir+"/") {
		return ""
	}
	probe, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	args := nixArgs("flake", "metadata", "--offline", "--json", "--no-write-lock-file", FlakeRef(dir, ""))
	stdout, _, err := opts.runner()(probe, args, ui.Or(opts.Log))
	if err != nil {
		return ""
	}
	var meta struct {
		Path string `json:"path"`
	}
	if json.Unmarshal(stdout, &meta) != nil || meta.Path == "" || !strings.HasPrefix(file, meta.Path+"/") {
		return ""
	}
	return meta.Path
}
