package nixbuild

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nanna-coder/build/internal/ui"
)

// evalExpr imports a file and forces it to weak head normal form: the file
// parses (with its variables bound) and its top-level value evaluates, an
// attribute set or a function, say, without evaluating what is inside.
// That is what nix-instantiate --eval checks, through the nix command and
// so through Options' runner.
const evalExpr = "builtins.typeOf (import %s)"

// evalArgs are the arguments that evaluate expr with the files of the
// flake in dir, and only those, readable: restricted evaluation refuses
// files outside dir, as a flake's pure evaluation does, and every URI, so
// that nothing is fetched.
func evalArgs(dir, expr string) []string {
	return nixArgs("eval", "--offline", "--impure", "--option", "restrict-eval", "true", "-I", "flake="+dir, "--expr", expr)
}

// outsideRE matches the errors of a file that needs more than the flake's
// files to evaluate: a URL it fetches, a file outside the flake, a <path>
// of the search path. Nix parses a file before it evaluates it, so such a
// file parses; evaluating it is out of reach offline.
var outsideRE = regexp.MustCompile(`is forbidden in restricted mode|was not found in the Nix search path`)

// evalFiles parses and evaluates every .nix file of the flake in dir (see
// SourceFiles), restricted to the flake's files (see evalArgs), and returns
// how many there are and the names of those that only parsed because they
// need more than the flake's files (outsideRE). Each failing file gives an
// *EvalError; they are joined, less those that repeat another's message
// at the same place (a file importing a broken one).
func evalFiles(ctx context.Context, dir string, opts Options) (int, []string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, nil, fmt.Errorf("checking the Nix files of %s: %w", dir, err)
	}
	files, err := SourceFiles(ctx, abs)
	if err != nil {
		return 0, nil, err
	}
	var nixFiles []string
	for _, f := range files {
		if strings.HasSuffix(f, ".nix") {
			nixFiles = append(nixFiles, filepath.Join(abs, filepath.FromSlash(f)))
		}
	}
	var failed []*EvalError
	var parsedOnly []string
	for _, file := range nixFiles {
		_, stderr, err := opts.runner()(ctx, evalArgs(abs, fmt.Sprintf(evalExpr, nixString(file))), ui.Or(opts.Log))
		if err == nil {
			continue
		}
		if cerr := commandError(ctx, "evaluating", file, err, stderr, false); ctx.Err() != nil || unusable(cerr) {
			return len(nixFiles), nil, cerr
		}
		e := parseNixError(stderr)
		if outsideRE.MatchString(e.msg) {
			parsedOnly = append(parsedOnly, relTo(abs, file))
			continue
		}
		failed = append(failed, fileError(abs, file, e))
	}
	return len(nixFiles), parsedOnly, joinEvalErrors(failed)
}

// unusable says whether err means nix itself cannot run, so that every
// file would fail the same way.
func unusable(err error) bool {
	return errors.Is(err, ErrNixNotFound) || errors.Is(err, ErrFeaturesDisabled) || errors.Is(err, ErrNixTooOld)
}

// fileError describes the failure of file, in the flake in dir:
//
//	nix/a.nix:2: syntax error, unexpected ';'
//	       at /src/nix/a.nix:2:7:
//	            …
//	fix it, then check it again with: nix-instantiate --eval nix/a.nix
//
// with "nix/a.nix: nix/b.nix:2: …" when Nix points into another file.
func fileError(dir, file string, e nixError) *EvalError {
	name := relTo(dir, file)
	at, line := file, 0
	head := name + ": "
	if e.file != "" {
		at, line = e.file, e.line
		if at == file {
			head = fmt.Sprintf("%s:%d: ", name, line)
		} else {
			head += fmt.Sprintf("%s:%d: ", relTo(dir, at), line)
		}
	}
	msg := head + e.msg
	if len(e.detail) > 0 {
		msg += "\n" + strings.Join(e.detail, "\n")
	}
	msg += "\nfix it, then check it again with: nix-instantiate --eval " + name
	return &EvalError{File: at, Line: line, err: errors.New(msg), checked: file, nixMsg: e.msg}
}

// joinEvalErrors joins errs in order, leaving out each error that Nix
// located in another file where that file's own check found the same
// problem: a file that imports a broken file repeats its error.
func joinEvalErrors(errs []*EvalError) error {
	type problem struct {
		file string
		line int
		msg  string
	}
	own := map[problem]bool{}
	for _, e := range errs {
		if e.File == e.checked {
			own[problem{e.File, e.Line, e.nixMsg}] = true
		}
	}
	var out []error
	for _, e := range errs {
		if e.File != e.checked && own[problem{e.File, e.Line, e.nixMsg}] {
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}
