package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nanna-coder/build/internal/ui"
)

// maxReasons is how many changes an explanation names before "and N more".
const maxReasons = 3

// now is what makes a step's key in this run.
type now struct {
	code               string
	inputs, deps, made map[string]string // as in a record
	ran                map[string]bool   // dependencies that ran in this run
}

// explain says why a step whose key is not that of rec must run: rec and
// err are what reading its record returned.
func explain(rec *record, err error, n now) string {
	switch {
	case errors.Is(err, errNoRecord):
		return "no record"
	case err != nil:
		return fmt.Sprintf("no record (the saved record is unreadable: %v)", err)
	}
	var reasons []string
	if rec.Code != n.code {
		reasons = append(reasons, fmt.Sprintf("code version changed (%s → %s)", orNone(rec.Code), orNone(n.code)))
	}
	reasons = append(reasons, diff(rec.Inputs, n.inputs, inputChange)...)
	reasons = append(reasons, diff(rec.Deps, n.deps, func(name, old, now string) string {
		switch {
		case old == "":
			return "new dependency " + name
		case now == "":
			return "dependency " + name + " dropped"
		case n.ran[name]:
			return "dependency " + name + " re-ran"
		default:
			return "dependency " + name + " changed"
		}
	})...)
	for _, name := range diff(rec.Made, n.made, func(name, _, _ string) string { return name }) {
		if rec.Deps[name] == n.deps[name] {
			reasons = append(reasons, "dependency "+name+" made a different output")
		}
	}
	if len(reasons) == 0 {
		return "key changed"
	}
	return ui.FirstN(reasons, maxReasons)
}

// diff describes each name whose digest differs between old and now, in
// name order; describe gets "" for a digest that is missing.
func diff(old, now map[string]string, describe func(name, old, now string) string) []string {
	var names []string
	for n := range old {
		names = append(names, n)
	}
	for n := range now {
		if _, ok := old[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		if old[n] != now[n] {
			out = append(out, describe(n, old[n], now[n]))
		}
	}
	return out
}

// inputChange describes one changed input, named "kind name".
func inputChange(input, old, now string) string {
	kind, name, _ := strings.Cut(input, " ")
	unset := envDigest("", false)
	if kind == kindString {
		input = name // "daemon changed", not "string daemon changed"
	}
	switch {
	case kind == kindFile && old == "":
		return "new file " + name
	case kind == kindFile && now == "":
		return "file " + name + " removed"
	case old == "":
		return "new input " + input
	case now == "":
		return "input " + input + " dropped"
	case kind == kindEnv && now == unset:
		return input + " unset"
	case kind == kindEnv && old == unset:
		return input + " set"
	default:
		return input + " changed"
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
