package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// graph is a checked set of steps.
type graph struct {
	steps []Step
	index map[string]int // name → position in steps
}

// newGraph checks steps: each has a unique name and a Run function, every
// dependency names a step, and no dependencies form a cycle. It reports
// every problem at once.
func newGraph(steps []Step) (*graph, error) {
	g := &graph{steps: steps, index: make(map[string]int, len(steps))}
	var errs []error
	for i, s := range steps {
		switch _, dup := g.index[s.Name]; {
		case s.Name == "":
			errs = append(errs, fmt.Errorf("step %d of %d has no name", i+1, len(steps)))
		case dup:
			errs = append(errs, fmt.Errorf("two steps are named %s", s.Name))
		default:
			g.index[s.Name] = i
		}
		if s.Run == nil {
			errs = append(errs, fmt.Errorf("step %s has nothing to run", s.Name))
		}
	}
	for _, s := range steps {
		for _, d := range s.Deps {
			if _, ok := g.index[d]; !ok {
				errs = append(errs, fmt.Errorf("step %s depends on %s, which is not a step", s.Name, d))
			}
		}
	}
	errs = append(errs, g.cycles()...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// cycles returns an error naming each cycle that a depth-first walk of the
// dependencies closes, such as "steps depend on each other in a cycle:
// a → b → a".
func (g *graph) cycles() []error {
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int, len(g.steps))
	var path []int
	var errs []error
	var visit func(i int)
	visit = func(i int) {
		state[i] = onPath
		path = append(path, i)
		for _, d := range g.steps[i].Deps {
			j, ok := g.index[d]
			if !ok {
				continue
			}
			switch state[j] {
			case unseen:
				visit(j)
			case onPath:
				start := slices.Index(path, j)
				names := make([]string, 0, len(path)-start+1)
				for _, k := range path[start:] {
					names = append(names, g.steps[k].Name)
				}
				names = append(names, g.steps[j].Name)
				errs = append(errs, fmt.Errorf("steps depend on each other in a cycle: %s", strings.Join(names, " → ")))
			}
		}
		path = path[:len(path)-1]
		state[i] = done
	}
	for i := range g.steps {
		if state[i] == unseen {
			visit(i)
		}
	}
	return errs
}

// plan returns the positions of the targets and every step they need, in
// an order where each step comes after its dependencies and otherwise in
// the order steps were given. No targets means every step.
func (g *graph) plan(targets []string) ([]int, error) {
	need := make([]bool, len(g.steps))
	var errs []error
	var mark func(i int)
	mark = func(i int) {
		if need[i] {
			return
		}
		need[i] = true
		for _, d := range g.steps[i].Deps {
			mark(g.index[d])
		}
	}
	for _, t := range targets {
		i, ok := g.index[t]
		if !ok {
			errs = append(errs, fmt.Errorf("there is no step %s to run", t))
			continue
		}
		mark(i)
	}
	if len(targets) == 0 {
		for i := range need {
			need[i] = true
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	placed := make([]bool, len(g.steps))
	var order []int
	for progress := true; progress; {
		progress = false
		for i, s := range g.steps {
			if !need[i] || placed[i] || !g.allPlaced(s.Deps, placed) {
				continue
			}
			placed[i] = true
			order = append(order, i)
			progress = true
			break // restart from the first step to keep the given order
		}
	}
	return order, nil
}

func (g *graph) allPlaced(deps []string, placed []bool) bool {
	for _, d := range deps {
		if !placed[g.index[d]] {
			return false
		}
	}
	return true
}
