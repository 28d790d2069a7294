package nixbuild

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
)

// fakeNixStore stands in for the nix commands that Check, Version, System
// and Valid run, answering like Nix 2.8 from a model: the store's valid
// paths, what flake.nix declares, which files fail to evaluate and how
// nix flake check ends. Any other command panics.
type fakeNixStore struct {
	// valid are the valid store paths.
	valid map[string]bool
	// inputs is the JSON list of input names flake.nix declares; "" makes
	// evaluating flake.nix fail.
	inputs string
	// evalErrors maps a file to the stderr of evaluating it; other files
	// evaluate.
	evalErrors map[string]string
	// checkStderr is the stderr of a failing nix flake check; "" passes.
	checkStderr string
	// sourcePath is the store copy of the flake nix flake metadata names.
	sourcePath string
	// newJSON answers path-info like Nix 2.19 and later (an object).
	newJSON bool

	exit  error // a real *exec.ExitError
	calls [][]string
}

func newFakeNixStore(t *testing.T) *fakeNixStore {
	return &fakeNixStore{valid: map[string]bool{}, inputs: "[]", evalErrors: map[string]string{}, exit: exitErr(t, 1)}
}

var _ Runner = (&fakeNixStore{}).run

// importRE reads the file of the expressions Check evaluates.
var importRE = regexp.MustCompile(`import ("(?:[^"\\]|\\.)*")`)

func (f *fakeNixStore) run(_ context.Context, args []string, log io.Writer) ([]byte, []byte, error) {
	f.calls = append(f.calls, args)
	if log == nil {
		panic("runner called with a nil log")
	}
	if len(args) < 3 || args[0] != "--extra-experimental-features" {
		panic(fmt.Sprintf("nix called without the features flag: %q", args))
	}
	cmd := args[2:]
	switch {
	case cmd[0] == "--version":
		return []byte("nix (Nix) 2.8.0\n"), nil, nil
	case cmd[0] == "eval" && cmd[len(cmd)-1] == "builtins.currentSystem":
		return []byte("x86_64-linux"), nil, nil
	case cmd[0] == "eval":
		expr := cmd[len(cmd)-1]
		file := unquoteNix(importRE.FindStringSubmatch(expr)[1])
		if strings.HasPrefix(expr, "let f = import") {
			if f.inputs == "" {
				return nil, []byte("error: syntax error, unexpected '}'\n\n       at " + file + ":3:1:\n"), f.exit
			}
			return []byte(f.inputs), nil, nil
		}
		if stderr, ok := f.evalErrors[file]; ok {
			return nil, []byte(stderr), f.exit
		}
		return []byte(`"set"`), nil, nil
	case cmd[0] == "path-info":
		return f.pathInfo(cmd[3:]), nil, nil
	case cmd[0] == "flake" && cmd[1] == "check":
		if f.checkStderr != "" {
			_, _ = io.WriteString(log, f.checkStderr)
			return nil, []byte(f.checkStderr), f.exit
		}
		return nil, nil, nil
	case cmd[0] == "flake" && cmd[1] == "metadata":
		return []byte(`{"path":"` + f.sourcePath + `"}`), nil, nil
	}
	panic(fmt.Sprintf("unexpected nix command %q", cmd))
}

// pathInfo answers nix path-info --offline --json.
func (f *fakeNixStore) pathInfo(paths []string) []byte {
	var data []byte
	if f.newJSON {
		m := map[string]any{}
		for _, p := range paths {
			m[p] = nil
			if f.valid[p] {
				m[p] = map[string]any{"narHash": "sha256-x", "narSize": 1}
			}
		}
		data, _ = json.Marshal(m)
		return data
	}
	var list []map[string]any
	for _, p := range paths {
		if f.valid[p] {
			list = append(list, map[string]any{"path": p, "narHash": "sha256-x", "narSize": 1})
		} else {
			list = append(list, map[string]any{"path": p, "valid": false})
		}
	}
	data, _ = json.Marshal(list)
	return data
}

// commands returns the nix subcommands run, without the features flag.
func (f *fakeNixStore) commands() []string {
	var out []string
	for _, c := range f.calls {
		out = append(out, strings.Join(c[2:min(len(c), 4)], " "))
	}
	return out
}

func (f *fakeNixStore) options() Options { return Options{}.withRunner(f.run) }

// unquoteNix reads a string literal nixString wrote.
func unquoteNix(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\$`, `$`).Replace(s[1 : len(s)-1])
}
