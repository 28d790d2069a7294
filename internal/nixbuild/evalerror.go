package nixbuild

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// EvalError is a problem Nix found in the Nix code of a flake, with the
// place it points at. The ci package's GitHub reporter annotates that
// place (it looks for the Location method).
type EvalError struct {
	// File is the absolute path of the file Nix located the problem in,
	// or of the file being checked when Nix named none.
	File string
	// Line is the line of File; 0 when Nix gave none.
	Line int

	err error
	// checked is the file whose check failed (File, or a file that
	// imports it); nixMsg is Nix's message. joinEvalErrors uses them.
	checked, nixMsg string
}

// Error returns the message: the place, what Nix said, and what to do.
func (e *EvalError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *EvalError) Unwrap() error { return e.err }

// Location returns File and Line.
func (e *EvalError) Location() (file string, line int) { return e.File, e.Line }

// nixError is an error message of Nix split into its parts.
type nixError struct {
	// msg is the text after "error: " on the first error line.
	msg string
	// detail are the lines after it: the code excerpt, the trace.
	detail []string
	// file and line are the first "at FILE:LINE:COL:" with an absolute
	// FILE; file is "" when there is none.
	file string
	line int
}

var (
	// atRE matches the line Nix prints under an error to locate it.
	atRE = regexp.MustCompile(`^\s*at (/.*?):(\d+):(\d+):?\s*$`)
	// showTraceRE matches Nix's hint about --show-trace, which the
	// commands that print the error do not take.
	showTraceRE = regexp.MustCompile(`^\(use '--show-trace' to show detailed location information\)$`)
)

// parseNixError reads the first error of nix's stderr; msg is the whole
// tail when no line starts with "error:".
func parseNixError(stderr []byte) nixError {
	lines := strings.Split(strings.TrimRight(colourRE.ReplaceAllString(string(stderr), ""), " \t\r\n"), "\n")
	first := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "error:") {
			first = i
			break
		}
	}
	if first < 0 {
		return nixError{msg: stderrTail(stderr, stderrTailLines)}
	}
	e := nixError{msg: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[first]), "error:"))}
	for _, l := range lines[first+1:] {
		if showTraceRE.MatchString(strings.TrimSpace(l)) {
			continue
		}
		if m := atRE.FindStringSubmatch(l); m != nil && e.file == "" {
			e.file = m[1]
			e.line, _ = strconv.Atoi(m[2])
		}
		e.detail = append(e.detail, strings.TrimRight(l, " \t\r"))
	}
	for len(e.detail) > 0 && strings.TrimSpace(e.detail[0]) == "" {
		e.detail = e.detail[1:]
	}
	if len(e.detail) > stderrTailLines {
		e.detail = append(e.detail[:stderrTailLines:stderrTailLines], "       …")
	}
	return e
}

// relTo names path by its path from dir, with slashes, or by itself when
// it is outside dir.
func relTo(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil || !filepath.IsLocal(r) {
		return path
	}
	return filepath.ToSlash(r)
}
