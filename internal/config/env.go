package config

import (
	"fmt"
	"slices"

	"github.com/nanna-coder/build/internal/nixlex"
)

// EnvVars returns the environment variables that the Nix source src (the
// text of nix/container-config.nix) reads, sorted and without duplicates:
// the string literal after each builtins.getEnv (or __getEnv) and after
// each call of a helper named getEnv (`getEnv "NAME" default`).
//
// The names are read from the text, not evaluated, so a name that is not
// a string literal is an error rather than a guess: a computed name
// (`builtins.getEnv ("GITHUB_" + x)`), getEnv passed as a value, or an
// import of another file, whose reads the text does not show. The one
// exception is the helper's own body: inside `getEnv = name: …`,
// `builtins.getEnv name` forwards the helper's parameter, whose values the
// helper's calls give. The errors name the line.
func EnvVars(src []byte) ([]string, error) {
	toks, err := tokens(src)
	if err != nil {
		return nil, err
	}
	helpers := helperBodies(toks)
	var names []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind != nixlex.Ident {
			continue
		}
		switch t.Value {
		case "inherit":
			// `inherit (builtins) getEnv;` binds getEnv without reading.
			for i < len(toks) && toks[i].Value != ";" {
				i++
			}
			continue
		case "import", "scopedImport":
			return nil, fmt.Errorf("line %d: %s of another file: the variables it reads cannot be seen here; keep the configuration in this file", t.Line, t.Value)
		case "getEnv", "__getEnv":
		default:
			continue
		}
		if i+1 < len(toks) && toks[i+1].Value == "=" && toks[i+1].Kind == nixlex.Punct {
			continue // the helper's definition
		}
		what := t.Value
		if i >= 2 && toks[i-1].Value == "." && toks[i-2].Value == "builtins" {
			what = "builtins.getEnv"
		}
		if i+1 >= len(toks) {
			return nil, fmt.Errorf("line %d: %s without a variable name", t.Line, what)
		}
		arg := toks[i+1]
		switch {
		case (arg.Kind == nixlex.String || arg.Kind == nixlex.IndentedString) && !arg.Interpolated && arg.Value != "":
			names = append(names, arg.Value)
		case arg.Kind == nixlex.Ident && what != "getEnv" && helpers.forwards(i, arg.Value):
		default:
			return nil, fmt.Errorf("line %d: %s is not followed by a variable name in quotes; write the name out (%s \"NAME\"), so that the variables the configuration reads can be listed", t.Line, what, what)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// helper is the body of a getEnv helper: tokens [start, end) and the name
// of its first parameter.
type helper struct {
	start, end int
	param      string
}

type helpers []helper

// forwards reports whether the token at i is in a helper whose first
// parameter is named param.
func (hs helpers) forwards(i int, param string) bool {
	return slices.ContainsFunc(hs, func(h helper) bool { return h.start <= i && i < h.end && h.param == param })
}

// helperBodies finds the definitions `getEnv = PARAM: …;` and the extent of
// their bodies, up to the ";" that ends the binding (brackets and
// let … in counted).
func helperBodies(toks []nixlex.Token) helpers {
	var hs helpers
	for i := 0; i+3 < len(toks); i++ {
		if toks[i].Kind != nixlex.Ident || toks[i].Value != "getEnv" || toks[i+1].Value != "=" ||
			toks[i+2].Kind != nixlex.Ident || toks[i+3].Value != ":" {
			continue
		}
		h := helper{start: i + 2, end: len(toks), param: toks[i+2].Value}
		depth := 0
	body:
		for j := h.start; j < len(toks); j++ {
			switch t := toks[j]; {
			case t.Kind == nixlex.Ident && t.Value == "let", t.Kind == nixlex.Punct && (t.Value == "{" || t.Value == "(" || t.Value == "[" || t.Value == "${"):
				depth++
			case t.Kind == nixlex.Ident && t.Value == "in", t.Kind == nixlex.Punct && (t.Value == "}" || t.Value == ")" || t.Value == "]"):
				depth--
			case t.Kind == nixlex.Punct && t.Value == ";" && depth <= 0:
				h.end = j
				break body
			}
		}
		hs = append(hs, h)
	}
	return hs
}
