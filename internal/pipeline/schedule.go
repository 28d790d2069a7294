package pipeline

import (
	"context"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"
)

// run is the state of one [Engine.Run].
type run struct {
	e          *Engine
	g          *graph
	pos        map[int]int   // step → position in the plan
	pending    map[int]int   // step → dependencies not yet done
	dependents map[int][]int // step → planned steps that need it
	results    map[int]*Result
	done       map[int]dep // steps that succeeded: what their dependents see
	reportMu   sync.Mutex  // the Reporter gets one call at a time
	canceled   bool        // the context kept steps from starting
}

// dep is what a step's dependents get from it.
type dep struct {
	key string
	out Output
	ran bool // ran in this run rather than cached
}

// outcome is what a step's goroutine hands back.
type outcome struct {
	step     int
	res      Result
	dep      dep
	canceled bool // the step did not start: the context was done
}

func newRun(e *Engine, g *graph, order []int) *run {
	r := &run{
		e: e, g: g,
		pos:        make(map[int]int, len(order)),
		pending:    make(map[int]int, len(order)),
		dependents: make(map[int][]int),
		results:    make(map[int]*Result, len(order)),
		done:       make(map[int]dep),
	}
	for p, i := range order {
		r.pos[i] = p
		seen := map[int]bool{}
		for _, d := range g.steps[i].Deps {
			j := g.index[d]
			if !seen[j] {
				seen[j] = true
				r.pending[i]++
				r.dependents[j] = append(r.dependents[j], i)
			}
		}
	}
	return r
}

// reasonCanceled is the skip reason of steps that did not start because
// the run's context was done.
const reasonCanceled = "canceled"

// reasonInterrupted is the skip reason of a step whose run ended with the
// run's context, Ctrl-C for one: it did not fail, it was stopped.
const reasonInterrupted = "interrupted"

// schedule runs the planned steps, each as soon as its dependencies have
// succeeded, at most Parallel at once. Only this goroutine touches the
// run's maps; step goroutines get copies and send back an outcome.
func (r *run) schedule(ctx context.Context) {
	var ready []int
	for i := range r.pos {
		if r.pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	outcomes := make(chan outcome, len(r.pos)) // never blocks a step
	var eg errgroup.Group
	eg.SetLimit(r.e.opts.Parallel)
	running := 0
	for len(r.results) < len(r.pos) {
		slices.SortFunc(ready, func(a, b int) int { return r.pos[a] - r.pos[b] })
		for _, i := range ready {
			if ctx.Err() != nil {
				r.cancel(i)
				continue
			}
			deps := r.depsOf(i)
			running++
			eg.Go(func() error { // blocks while Parallel steps run
				outcomes <- r.step(ctx, i, deps)
				return nil
			})
		}
		ready = ready[:0]
		if running == 0 {
			break // all remaining steps were skipped
		}
		o := <-outcomes
		running--
		switch {
		case o.canceled:
			r.cancel(o.step)
			continue
		case o.res.Status != Ran && o.res.Status != Cached:
			r.finish(o.step, o.res)
			r.skipDependents(o.step, o.res.Step+" "+string(o.res.Status))
			continue
		}
		r.finish(o.step, o.res)
		r.done[o.step] = o.dep
		for _, j := range r.dependents[o.step] {
			if r.pending[j]--; r.pending[j] == 0 && r.results[j] == nil {
				ready = append(ready, j)
			}
		}
	}
	eg.Wait() //nolint:errcheck // steps return their errors in outcomes
}

// depsOf returns what step i gets from its dependencies, all done.
func (r *run) depsOf(i int) map[string]dep {
	deps := make(map[string]dep, len(r.g.steps[i].Deps))
	for _, d := range r.g.steps[i].Deps {
		deps[d] = r.done[r.g.index[d]]
	}
	return deps
}

// skipDependents skips every step that needs step i, directly or not,
// and has not finished, for reason.
func (r *run) skipDependents(i int, reason string) {
	for _, j := range r.dependents[i] {
		if r.results[j] != nil {
			continue
		}
		r.finish(j, Result{Step: r.g.steps[j].Name, Status: Skipped, Reason: reason})
		r.skipDependents(j, reason)
	}
}

// cancel skips step i, which did not start because the context was
// done, and the steps that need it.
func (r *run) cancel(i int) {
	r.canceled = true
	r.finish(i, Result{Step: r.g.steps[i].Name, Status: Skipped, Reason: reasonCanceled})
	r.skipDependents(i, reasonCanceled)
}

// finish records and reports step i's result.
func (r *run) finish(i int, res Result) {
	r.results[i] = &res
	r.report(func(rep Reporter) { rep.Finished(res) })
}

func (r *run) report(f func(Reporter)) {
	r.reportMu.Lock()
	defer r.reportMu.Unlock()
	f(r.e.opts.Reporter)
}
