package pipeline

import (
	"context"
	"fmt"
	"maps"
	"runtime/debug"
)

// step takes step i from its inputs to its result: read the inputs, reuse
// the last success if its key matches and its output is valid, else run
// the step and record its success.
func (r *run) step(ctx context.Context, i int, deps map[string]dep) outcome {
	s := r.g.steps[i]
	opts := r.e.opts
	if ctx.Err() != nil { // it waited for a free slot meanwhile
		return outcome{step: i, canceled: true}
	}
	r.report(func(rep Reporter) { rep.Started(s.Name) })
	start := opts.clock()
	end := func(res Result, d dep) outcome {
		res.Step = s.Name
		res.Duration = opts.clock().Sub(start)
		if !opts.Explain {
			res.Why = ""
		}
		res.Output = maps.Clone(d.out)
		return outcome{step: i, res: res, dep: d}
	}
	fail := func(err error) outcome { return end(Result{Status: Failed, Err: err}, dep{}) }

	in := &Inputs{dir: opts.Dir, lookupEnv: opts.lookupEnv, digests: map[string]string{}}
	if s.Inputs != nil {
		err := protect(func() error { return s.Inputs(ctx, in) })
		if reason, ok := skipReason(err); ok {
			return end(Result{Status: Skipped, Reason: reason}, dep{})
		}
		if err != nil {
			return fail(fmt.Errorf("reading its inputs: %w", err))
		}
	}
	depKeys := make(map[string]string, len(deps))
	made := make(map[string]string, len(deps))
	outs := make(map[string]Output, len(deps))
	ran := make(map[string]bool, len(deps))
	for name, d := range deps {
		depKeys[name], made[name], outs[name], ran[name] = d.key, outputDigest(d.out), maps.Clone(d.out), d.ran
	}
	key := computeKey(s.Name, opts.CodeVersion, in.digests, depKeys, made)

	why := "forced"
	if !opts.Force {
		rec, err := r.e.store.read(s.Name)
		why = explain(rec, err, now{opts.CodeVersion, in.digests, depKeys, made, ran})
		if err == nil && rec.Key == key {
			verr := error(nil)
			if s.Valid != nil {
				verr = protect(func() error { return s.Valid(ctx, maps.Clone(rec.Output)) })
			}
			if verr == nil {
				res := Result{Status: Cached, Summary: rec.Summary, Why: "unchanged since its last success"}
				return end(res, dep{key: key, out: rec.Output})
			}
			why = "output gone: " + verr.Error()
		}
	}

	c := &Context{deps: outs}
	var out Output
	err := protect(func() (err error) {
		out, err = s.Run(ctx, c)
		return err
	})
	if reason, ok := skipReason(err); ok {
		return end(Result{Status: Skipped, Reason: reason, Summary: c.summary, Why: why}, dep{})
	}
	if err != nil && ctx.Err() != nil {
		// Ctrl-C, or the run's deadline: not the step's failure; the run's
		// error says why it stopped.
		return end(Result{Status: Skipped, Reason: reasonInterrupted, Summary: c.summary, Why: why}, dep{})
	}
	if err != nil {
		return end(Result{Status: Failed, Err: err, Summary: c.summary, Why: why}, dep{})
	}
	out = maps.Clone(out)
	rec := &record{
		Version: recordVersion, Step: s.Name, Key: key, Code: opts.CodeVersion,
		Inputs: in.digests, Deps: depKeys, Made: made, Output: out, Summary: c.summary,
	}
	if err := r.e.store.write(ctx, rec); err != nil {
		return fail(fmt.Errorf("recording its success in %s: %w", r.e.store.dir, err))
	}
	return end(Result{Status: Ran, Summary: c.summary, Why: why}, dep{key: key, out: out, ran: true})
}

// protect calls f, turning a panic into an error, so one broken step
// fails alone rather than ending the process.
func protect(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return f()
}
