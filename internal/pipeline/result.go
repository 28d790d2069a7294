package pipeline

import "time"

// Status is how a step ended.
type Status string

// The ways a step ends.
const (
	// Ran: the step ran and succeeded.
	Ran Status = "ran"
	// Cached: the step's key and output were those of its last success.
	Cached Status = "cached"
	// Skipped: the step skipped itself, or a step it needs failed or was
	// skipped; not a failure.
	Skipped Status = "skipped"
	// Failed: the step's inputs, Valid check, Run or record failed.
	Failed Status = "failed"
)

// Result is the report of one step.
type Result struct {
	Step     string
	Status   Status
	Duration time.Duration // from the injected clock; zero if skipped before starting
	// Summary is the step's Summarize lines, from this run or, when
	// cached, from its last success.
	Summary []string
	// Why, with [Options.Explain], says why the step ran or was cached
	// ("file nix/foo.nix changed", "no record", "inputs unchanged").
	Why string
	// Reason says why a step was skipped ("build:all failed", or the
	// step's own [Skip] reason).
	Reason string
	// Err is why the step failed, nil otherwise.
	Err error
	// Output is what the step made, as its Run returned it or as recorded
	// when cached; nil unless it ran or was cached.
	Output Output
}

// Summary is the report of a whole run: each step's result in the order
// the steps were given (dependencies first).
type Summary struct {
	Results  []Result
	Duration time.Duration
}

// Failed returns the results of the steps that failed.
func (s Summary) Failed() []Result {
	var f []Result
	for _, r := range s.Results {
		if r.Status == Failed {
			f = append(f, r)
		}
	}
	return f
}

// StepError is the error of one failed step; [Engine.Run] returns them
// joined.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }

// Unwrap returns the step's error.
func (e *StepError) Unwrap() error { return e.Err }

// Reporter receives a run's events. The engine calls one method at a time,
// in order: Started when a step begins (before its inputs are read, so
// also for a step that turns out cached), Finished once for every step of
// the run (without Started for a step skipped before it started: one it
// needs did not succeed, or the run was canceled), and Done once at the
// end, after every Finished.
type Reporter interface {
	Started(step string)
	Finished(r Result)
	Done(s Summary)
}

// discard is the Reporter used when none is given.
type discard struct{}

func (discard) Started(string)  {}
func (discard) Finished(Result) {}
func (discard) Done(Summary)    {}
