package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Options configures an [Engine]. The zero value is usable.
type Options struct {
	// CacheDir holds the record of each step's last success. Empty means
	// nanna-coder/pipeline in the user's cache directory
	// (os.UserCacheDir). Runs of one pipeline in different checkouts
	// should use different directories, or they keep replacing each
	// other's records.
	CacheDir string

	// CodeVersion identifies the code of the steps (the module version, a
	// VCS revision): a step whose code may have changed runs again.
	CodeVersion string

	// Dir is the directory relative input paths are read from and named
	// by. Empty means the current directory.
	Dir string

	// Force runs every step, ignoring the cache; successes are still
	// recorded.
	Force bool

	// Explain fills each [Result.Why]: which input changed, or why the
	// step was cached.
	Explain bool

	// Parallel is how many steps may run at once; zero or less means
	// runtime.GOMAXPROCS(0).
	Parallel int

	// Reporter receives the run's events; nil means none are reported.
	Reporter Reporter

	clock     func() time.Time            // time.Now if nil
	lookupEnv func(string) (string, bool) // os.LookupEnv if nil
}

// Engine runs pipelines; one Engine may run several at once.
type Engine struct {
	opts  Options
	store store
}

// New returns an Engine with opts, defaults filled in.
func New(opts Options) (*Engine, error) {
	if opts.CacheDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("finding the cache directory (set XDG_CACHE_HOME or HOME): %w", err)
		}
		opts.CacheDir = filepath.Join(dir, "nanna-coder", "pipeline")
	}
	if opts.Dir == "" {
		opts.Dir = "."
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("finding the input directory %s: %w", opts.Dir, err)
	}
	opts.Dir = dir
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.GOMAXPROCS(0)
	}
	if opts.Reporter == nil {
		opts.Reporter = discard{}
	}
	if opts.clock == nil {
		opts.clock = time.Now
	}
	if opts.lookupEnv == nil {
		opts.lookupEnv = os.LookupEnv
	}
	return &Engine{opts: opts, store: store{dir: opts.CacheDir}}, nil
}

// Run runs the targets and every step they need (no targets: all steps),
// each once, and returns every step's result. If the steps are not a valid
// pipeline (an unknown dependency or target, a cycle, a duplicate name) it
// runs nothing and says what is wrong. Otherwise the error joins a
// [*StepError] for each failed step, and the context's cause if it ended
// the run early; it is nil if every step ran, was cached or skipped
// itself.
func (e *Engine) Run(ctx context.Context, steps []Step, targets ...string) (Summary, error) {
	g, err := newGraph(steps)
	if err != nil {
		return Summary{}, err
	}
	order, err := g.plan(targets)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(e.opts.CacheDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("making the pipeline's cache directory: %w", err)
	}
	start := e.opts.clock()
	r := newRun(e, g, order)
	r.schedule(ctx)
	s := Summary{Duration: e.opts.clock().Sub(start)}
	var errs []error
	for _, i := range order {
		res := *r.results[i]
		s.Results = append(s.Results, res)
		if res.Status == Failed {
			errs = append(errs, &StepError{Step: res.Step, Err: res.Err})
		}
	}
	if r.canceled {
		errs = append(errs, fmt.Errorf("stopping the pipeline: %w", context.Cause(ctx)))
	}
	e.opts.Reporter.Done(s)
	return s, errors.Join(errs...)
}
