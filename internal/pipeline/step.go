package pipeline

import (
	"context"
	"errors"
	"maps"
)

// Step is one unit of a pipeline, such as "build:all".
type Step struct {
	// Name identifies the step in Deps, targets, reports and the cache.
	Name string

	// Deps names the steps that must succeed (or be cached) before this
	// one starts. Each runs once per [Engine.Run], however many steps need
	// it.
	Deps []string

	// Inputs declares what the step's result depends on besides its name,
	// the code version and its dependencies. Nil means nothing else. It may
	// return [Skip] to skip the step.
	Inputs func(ctx context.Context, in *Inputs) error

	// Run does the work and returns a small record of what it made (a
	// store path, an image ID), which is saved with its success. It may
	// return [Skip] to skip the step; a skipped step is not a failure, but
	// the steps that need it are skipped too.
	Run func(ctx context.Context, c *Context) (Output, error)

	// Valid says whether the output recorded with the last success still
	// exists (the store path is valid, the image is in that daemon): nil
	// lets the step be cached, an error saying what is gone makes it run
	// again. Nil means the output cannot go away.
	Valid func(ctx context.Context, out Output) error
}

// Output is the small record a step keeps of what it made, saved as JSON
// with its success and handed to [Step.Valid] and to the steps that need
// it.
type Output map[string]string

// Context is what a running step gets from the engine.
type Context struct {
	deps    map[string]Output
	summary []string
}

// Output returns the output of dep, one of the step's dependencies, as its
// Run returned it or as recorded when it was cached; nil for any other name.
func (c *Context) Output(dep string) Output {
	return maps.Clone(c.deps[dep])
}

// Summarize adds a line to the step's report, such as "3 images, 1.2 GiB".
// The lines are saved with the output and shown again when it is cached.
func (c *Context) Summarize(line string) {
	c.summary = append(c.summary, line)
}

// skipError is what [Skip] returns.
type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }

// Skip returns the error a step's Inputs or Run returns to skip the step,
// with the reason shown in its report (such as "pushing is not allowed on a
// pull request from a fork").
func Skip(reason string) error { return &skipError{reason: reason} }

// skipReason returns the reason of a [Skip] error in err's chain.
func skipReason(err error) (string, bool) {
	var s *skipError
	if errors.As(err, &s) {
		return s.reason, true
	}
	return "", false
}
