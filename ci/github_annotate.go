package ci

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
)

// Located is an error that knows the place in the repository it is about
// (a line of nix/models.nix, a key of the configuration file). The GitHub
// reporter annotates that place; line 0 means the whole file. It is
// looked for with errors.As, so wrapping keeps it.
type Located interface {
	Location() (file string, line int)
}

// At returns err located at line of file.
func At(file string, line int, err error) error {
	return &locatedError{file: file, line: line, err: err}
}

// locatedError is the error At returns.
type locatedError struct {
	file string
	line int
	err  error
}

func (e *locatedError) Error() string           { return e.err.Error() }
func (e *locatedError) Unwrap() error           { return e.err }
func (e *locatedError) Location() (string, int) { return e.file, e.line }

// GitHub shows at most 10 error annotations per step of a job, and
// `mage ci` runs as one such step: the reporter writes at most 10 per
// pipeline step and 10 in all, so that none is dropped unsaid.
const (
	annotationsPerStep = 10
	annotationsPerRun  = 10
)

// annotation is one ::error command.
type annotation struct {
	file    string // relative to the workspace; empty if not located
	line    int
	message string
}

// annotations returns one annotation for each error that err joins
// (errors.Join, at any depth), or one for err itself.
func (r *GitHubReporter) annotations(err error) []annotation {
	var anns []annotation
	for _, part := range split(err) {
		a := annotation{message: part.Error()}
		var loc Located
		if errors.As(part, &loc) {
			file, line := loc.Location()
			a.file, a.line = r.relative(file), line
		}
		anns = append(anns, a)
	}
	return anns
}

// split returns the errors err joins, recursively, when its message is
// just theirs one per line (errors.Join): nothing is lost by annotating
// them one by one. Any other error is one part, even if it wraps several
// (fmt.Errorf with two %w), since its message says more than theirs.
func split(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	children := j.Unwrap()
	msgs := make([]string, len(children))
	for i, c := range children {
		msgs[i] = c.Error()
	}
	if len(children) == 0 || strings.Join(msgs, "\n") != err.Error() {
		return []error{err}
	}
	var parts []error
	for _, c := range children {
		parts = append(parts, split(c)...)
	}
	return parts
}

// relative makes an absolute file under the workspace relative to it, as
// annotations need; other names are kept.
func (r *GitHubReporter) relative(file string) string {
	if filepath.IsAbs(file) && r.gh.Workspace != "" {
		if rel, err := filepath.Rel(r.gh.Workspace, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return filepath.ToSlash(file)
}

// annotate writes the annotations of step's failure, as many as the caps
// allow, and counts the rest.
func (r *GitHubReporter) annotate(step string, err error) {
	for i, a := range r.annotations(err) {
		if i >= r.maxPerStep || r.annotated >= r.maxPerRun {
			r.unannotated[step]++
			continue
		}
		r.annotated++
		line := ""
		if a.file != "" && a.line > 0 {
			line = strconv.Itoa(a.line)
		}
		r.print(command("error", []property{{"file", a.file}, {"line", line}, {"title", step}}, a.message))
	}
}
