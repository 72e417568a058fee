package compile

import (
	"fmt"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// Every cell is updated from the previous step's cells. A cell whose
// body reads no cell that can still change has its final value from the
// next step on: it settles. Formally, with deps(c) the cells c's body may
// read (every candidate of a read with a run-time offset; only the branch
// a static condition picks; every value of a reduction), the last step at
// which c can change is
//
//	settle(c) = 1 + max { settle(d) : d ∈ deps(c) }   (1 when deps(c) is empty)
//
// and settle(c) = ∞ when c depends on itself through a cycle (a cell that
// reads itself, as in f[v] = min(f[v], …)). Before settle(c) the value of
// an acyclic cell matters to no cell whose value lasts, so unrolling
// computes it once, at step settle(c) (a cell that a cyclic cell reads is
// computed at every step up to settle(c), since the cyclic cell keeps
// what it saw). In a longest common subsequence table cell (i, j) settles
// at step i + j − 1, so the unrolled network computes each cell once (size
// O(mn) instead of O(mn(m+n))), and so on for every program whose
// recurrence is acyclic over its cells.

// Settled returns, per state name, the last step at which each cell can
// change (-1: at any step), by the rule above.
func (n *Network) Settled() (map[string][]int, error) {
	st, _, err := n.settle()
	return st, err
}

// settle returns Settled and, per cell, the first step at which the
// unrolled network must compute it: its settle step when no cell on a
// cycle reads it (before then its value is read by nobody whose value
// lasts), else 1.
func (n *Network) settle() (last, first map[string][]int, err error) {
	m := n.Model
	offsets := make([]int, len(m.States)+1) // first global cell of each state
	for i, s := range m.States {
		offsets[i+1] = offsets[i] + s.Cells()
	}
	total := offsets[len(m.States)]
	const (
		unseen = 0
		active = -2
		cyclic = -1
	)
	settle := make([]int, total) // 0 unseen, -2 on the stack, -1 cyclic, else the step
	depsOf := make([][]cellRef, total)
	w := &depWalker{}
	var visit func(s *dsl.State, c int) (int, error)
	visit = func(s *dsl.State, c int) (int, error) {
		g := offsets[s.Index] + c
		switch settle[g] {
		case active:
			settle[g] = cyclic
			return cyclic, nil
		case unseen:
		default:
			return settle[g], nil
		}
		settle[g] = active
		idx := make([]int, len(s.Dims))
		cellIndex(s, c, idx)
		deps, err := w.deps(s, idx)
		if err != nil {
			return 0, err
		}
		depsOf[g] = deps
		step := 1
		for _, d := range deps {
			x, err := visit(m.States[d.state], d.cell)
			if err != nil {
				return 0, err
			}
			if x == cyclic || settle[g] == cyclic {
				step = cyclic
				break
			}
			step = max(step, x+1)
		}
		settle[g] = step
		return step, nil
	}
	last, first = make(map[string][]int), make(map[string][]int)
	for _, s := range m.States {
		if s.Body == nil {
			return nil, nil, fmt.Errorf("%s: state %s has no step", s.Decl.Pos(), s.Name)
		}
		for c := range s.Cells() {
			if _, err := visit(s, c); err != nil {
				return nil, nil, err
			}
		}
	}
	readByCycle := make([]bool, total)
	for g, deps := range depsOf {
		if settle[g] == cyclic {
			for _, d := range deps {
				readByCycle[offsets[d.state]+d.cell] = true
			}
		}
	}
	for i, s := range m.States {
		last[s.Name] = append([]int(nil), settle[offsets[i]:offsets[i+1]]...)
		f := make([]int, s.Cells())
		for c := range f {
			g := offsets[i] + c
			f[c] = 1
			if settle[g] != cyclic && !readByCycle[g] {
				f[c] = settle[g]
			}
		}
		first[s.Name] = f
	}
	return last, first, nil
}

// cellRef is one cell of one state.
type cellRef struct{ state, cell int }

// depWalker lists the cells a body reads.
type depWalker struct {
	env  dsl.Env
	seen map[cellRef]bool
	out  []cellRef
}

func (w *depWalker) deps(s *dsl.State, idx []int) ([]cellRef, error) {
	w.env = dsl.BindDims(w.env, s.Dims, s.StepVars, idx)
	w.seen = make(map[cellRef]bool)
	w.out = w.out[:0]
	err := w.term(s.Body)
	return append([]cellRef(nil), w.out...), err
}

func (w *depWalker) term(t *dsl.Term) error {
	switch t.Kind {
	case dsl.TIf:
		if t.Cond.Eval(w.env) != 0 {
			return w.term(t.Args[0])
		}
		return w.term(t.Args[1])
	case dsl.TReduce:
		var err error
		w.env = w.env.Set(t.Var, 0)
		forDomain(t.Domain, w.env, func(x int64) bool {
			w.env[t.Var.ID] = x
			if t.Filter == nil || t.Filter.Eval(w.env) != 0 {
				err = w.term(t.Args[0])
			}
			return err == nil
		})
		return err
	case dsl.TRead:
		return w.read(t)
	}
	for _, a := range t.Args {
		if err := w.term(a); err != nil {
			return err
		}
	}
	return nil
}

// read adds every cell t may read: its static index plus every value of
// its run-time offset.
func (w *depWalker) read(t *dsl.Term) error {
	s := t.State
	at := make([]int, len(t.Index))
	dyn, olo, ohi := -1, 0, 0
	for d, ix := range t.Index {
		if ix.Static == nil {
			return fmt.Errorf("%s: %s: index without a static part", t.Pos(), t.Text)
		}
		at[d] = ix.StaticValue(s.Dims[d], w.env)
		if len(ix.Offsets) > 0 {
			dyn = d
			for _, o := range ix.Offsets {
				lo, hi := int(o.Term.Lo), int(o.Term.Hi)
				if o.Coef < 0 {
					lo, hi = -hi, -lo
				}
				olo, ohi = olo+lo, ohi+hi
			}
		}
	}
	if dyn < 0 {
		olo, ohi = 0, 0
	}
	base := 0
	if dyn >= 0 {
		base = at[dyn]
	}
	for k := olo; k <= ohi; k++ {
		if dyn >= 0 {
			at[dyn] = base + k
		}
		if c := cellOf(s, at); c >= 0 {
			r := cellRef{s.Index, c}
			if !w.seen[r] {
				w.seen[r] = true
				w.out = append(w.out, r)
			}
		}
	}
	return nil
}

// Unrolled returns the cell composed steps times: one feed-forward network
// from all steps' inputs (and the data, given once) to the final state
// (see relu.UnrollWith). For a program with a steps line, each cell is
// computed only up to the step at which it settles (see Settled).
func (n *Network) Unrolled(steps int) (*relu.Graph, error) {
	opt, err := n.unrollOptions()
	if err != nil {
		return nil, err
	}
	return relu.UnrollWith(n.Cell, steps, n.State, n.Init, opt)
}

// unrollOptions are the options of relu.UnrollWith that Unrolled uses.
func (n *Network) unrollOptions() (relu.UnrollOptions, error) {
	opt := relu.UnrollOptions{Shared: n.Data}
	if n.Model.Steps > 0 && n.Rounding == nil {
		last, first, err := n.settle()
		if err != nil {
			return opt, err
		}
		opt.Settled, opt.From = last, first
	}
	return opt, nil
}
