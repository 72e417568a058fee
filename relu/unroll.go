package relu

import (
	"errors"
	"fmt"
)

// cellSpec is a cell graph checked against its state names.
type cellSpec struct {
	cell       *Graph
	stateIn    []Block // input block of each state name, in state order
	stateOut   []Block // output block of each state name
	isState    map[string]bool
	stepInputs int // units of the per-step (non-state) input blocks
}

// checkCell reports every problem with state and init at once.
func checkCell(cell *Graph, state []string, init map[string][]float64) (*cellSpec, error) {
	if err := cell.Validate(); err != nil {
		return nil, fmt.Errorf("relu: cell: %w", err)
	}
	spec := &cellSpec{cell: cell, isState: map[string]bool{}}
	var errs []error
	if len(state) == 0 {
		errs = append(errs, fmt.Errorf("relu: cell has no state"))
	}
	for _, name := range state {
		if spec.isState[name] {
			errs = append(errs, fmt.Errorf("relu: state %q named twice", name))
			continue
		}
		spec.isState[name] = true
		in, okIn := cell.Input(name)
		out, okOut := cell.Output(name)
		switch {
		case !okIn && !okOut:
			errs = append(errs, fmt.Errorf("relu: state %q is neither an input nor an output of the cell", name))
			continue
		case !okIn:
			errs = append(errs, fmt.Errorf("relu: state %q is not an input of the cell", name))
			continue
		case !okOut:
			errs = append(errs, fmt.Errorf("relu: state %q is not an output of the cell", name))
			continue
		case in.Len != out.Len:
			errs = append(errs, fmt.Errorf("relu: state %q has %d inputs but %d outputs", name, in.Len, out.Len))
			continue
		}
		spec.stateIn = append(spec.stateIn, in)
		spec.stateOut = append(spec.stateOut, out)
		v, ok := init[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("relu: state %q has no initial value", name))
		case len(v) != in.Len:
			errs = append(errs, fmt.Errorf("relu: initial value of state %q has %d entries, want %d", name, len(v), in.Len))
		}
	}
	for name := range init {
		if !spec.isState[name] {
			errs = append(errs, fmt.Errorf("relu: initial value for %q, which is not a state", name))
		}
	}
	for _, b := range cell.Inputs {
		if !spec.isState[b.Name] {
			spec.stepInputs += b.Len
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return spec, nil
}

// Unroll composes the RNN cell n times into one feed-forward graph.
//
// The blocks named in state are both an input and an output of the cell,
// of equal length; init gives their values before step 1, folded into the
// graph as constants. Every other input block X of the cell becomes the
// input block X of shape [n, shape...] holding the values of all steps,
// step-major. The outputs are the state blocks after step n, in the order
// of state; other cell outputs are dropped.
//
// A cell output is affine in earlier units, so it is substituted into the
// neurons of the next step instead of passing through identity neurons: a
// cell of depth d unrolls to depth at most n·(d−1)+1. Hidden neurons whose
// pre-activation becomes constant (those fed only by init) are folded
// into constants. Group names get the prefix "step t: " (t from 1), and
// each step's copy of a cell group is aligned on one layer
// (Builder.AlignGroups); as no neuron is lifted above the layer its cell
// layer has in an unrolled chain, the depth bound still holds.
func Unroll(cell *Graph, n int, state []string, init map[string][]float64) (*Graph, error) {
	return UnrollWith(cell, n, state, init, UnrollOptions{})
}

// UnrollOptions refine Unroll.
type UnrollOptions struct {
	// Shared names input blocks that are the same in every step (data
	// given once per instance): they stay one input block of the cell's
	// shape instead of one per step.
	Shared []string
	// Settled gives, per state name and state unit, the last step at which
	// that unit can change (-1: it may change at any step). From the step
	// after, the unit keeps its value: the unrolled graph computes nothing
	// for it, and neurons that feed only settled units are left out.
	Settled map[string][]int
	// From gives, per state name and state unit, the first step at which
	// the unit is computed (default 1); before it, it keeps its initial
	// value. Used with Settled = From for a unit whose value is needed only
	// once it is final.
	From map[string][]int
}

// UnrollWith is Unroll with options.
func UnrollWith(cell *Graph, n int, state []string, init map[string][]float64, opt UnrollOptions) (*Graph, error) {
	b := NewBuilder()
	if err := unroll(b, cell, n, state, init, opt); err != nil {
		return nil, err
	}
	return b.Build()
}

// UnrolledShape is the Shape of UnrollWith's graph, measured by a counting
// Builder without building it. It returns a *LimitError when the graph
// passes limit, after adding no more than the limit allows.
func UnrolledShape(cell *Graph, n int, state []string, init map[string][]float64, opt UnrollOptions, limit Limit) (Shape, error) {
	b := NewCounter(limit)
	if err := CatchLimit(func() error { return unroll(b, cell, n, state, init, opt) }); err != nil {
		return Shape{}, err
	}
	return b.Shape()
}

func unroll(b *Builder, cell *Graph, n int, state []string, init map[string][]float64, opt UnrollOptions) error {
	if n < 1 {
		return fmt.Errorf("relu: cannot unroll %d steps", n)
	}
	spec, err := checkCell(cell, state, init)
	if err != nil {
		return err
	}
	b.SetDoc(fmt.Sprintf("cell unrolled %d steps\n%s", n, cell.Doc))

	// val[u] is the value of cell unit u in the current step, as an affine
	// function of the units of the unrolled graph.
	val := make([]Affine, cell.NumInputs+cell.NumNeurons())
	stepUnits := make(map[string][]Unit)
	shared := make(map[string]bool)
	for _, name := range opt.Shared {
		shared[name] = true
	}
	for _, blk := range cell.Inputs {
		if !spec.isState[blk.Name] {
			shape := blk.Shape
			if product(shape) != blk.Len {
				shape = []int{blk.Len}
			}
			if shared[blk.Name] {
				for k, u := range b.Input(blk.Name, shape...) {
					val[blk.Start+k] = Var(u)
				}
				continue
			}
			stepUnits[blk.Name] = b.Input(blk.Name, append([]int{n}, shape...)...)
		}
	}
	settled, err := perOutput(cell, spec, state, opt.Settled, -1, "settled steps")
	if err != nil {
		return err
	}
	from, err := perOutput(cell, spec, state, opt.From, 0, "first steps")
	if err != nil {
		return err
	}
	live := make([]bool, cell.NumNeurons())
	// A neuron fed only by shared inputs (and such neurons) computes the
	// same value in every step: it is built once, in the first step that
	// needs it.
	invariant := make([]bool, cell.NumNeurons())
	built := make([]bool, cell.NumNeurons())
	for j := range cell.NumNeurons() {
		inv := len(shared) > 0 && cell.Act[j] != Identity
		for r := cell.RowStart[j]; r < cell.RowStart[j+1] && inv; r++ {
			src := int(cell.Src[r])
			if src < cell.NumInputs {
				inv = shared[blockOf(cell.Inputs, src)]
			} else {
				inv = invariant[src-cell.NumInputs]
			}
		}
		invariant[j] = inv
	}
	for i, blk := range spec.stateIn {
		for k, x := range init[state[i]] {
			val[blk.Start+k] = Constant(x)
		}
	}
	groupID := make([]int, len(cell.Groups))      // builder group of each cell group in this step
	neuronGroup := make([]int, cell.NumNeurons()) // builder group of each cell neuron in this step
	var sum accumulator
	for t := 1; t <= n; t++ {
		for i, gr := range cell.Groups {
			groupID[i] = b.Group(GroupInfo{Name: fmt.Sprintf("step %d: %s", t, gr.Name), Rule: gr.Rule, Term: gr.Term, Pos: gr.Pos})
		}
		for _, blk := range cell.Inputs {
			if us, ok := stepUnits[blk.Name]; ok {
				for k := range blk.Len {
					val[blk.Start+k] = Var(us[(t-1)*blk.Len+k])
				}
			}
		}
		if opt.Settled != nil {
			markLive(cell, live, func(j int) bool { return t >= from[j] && (settled[j] < 0 || t <= settled[j]) })
		}
		gi := 0
		for j := range cell.NumNeurons() {
			for cell.Groups[gi].Start+cell.Groups[gi].Len <= j {
				gi++
			}
			if opt.Settled != nil && !live[j] || invariant[j] && built[j] {
				continue
			}
			built[j] = true
			neuronGroup[j] = groupID[gi]
			sum.c = cell.Bias[j]
			for r := cell.RowStart[j]; r < cell.RowStart[j+1]; r++ {
				sum.add(cell.W[r], val[cell.Src[r]])
			}
			pre := sum.take()
			u := cell.NumInputs + j
			switch {
			case cell.Act[j] == Identity:
				val[u] = pre
			case pre.IsConst():
				val[u] = Constant(cell.Act[j].Apply(pre.Const))
			default:
				val[u] = Var(b.Neuron(neuronGroup[j], cell.Act[j], pre))
			}
		}
		// This step's outputs are the next step's state inputs; a settled
		// unit keeps its value.
		for i, in := range spec.stateIn {
			out := spec.stateOut[i]
			for k := range in.Len {
				j := out.Start + k
				if opt.Settled != nil && !live[j] {
					val[cell.NumInputs+j] = val[in.Start+k]
				}
				if t < n {
					val[in.Start+k] = val[cell.NumInputs+j]
				}
			}
		}
	}
	for _, out := range spec.stateOut {
		b.OutputGroups(out.Name, out.Shape, neuronGroup[out.Start:out.Start+out.Len], val[cell.NumInputs+out.Start:cell.NumInputs+out.Start+out.Len])
	}
	b.AlignGroups()
	return nil
}

// perOutput spreads per-state values over the cell's neurons (def where a
// state has none): settled[j] and from[j] for output neuron j.
func perOutput(cell *Graph, spec *cellSpec, state []string, byState map[string][]int, def int, what string) ([]int, error) {
	out := make([]int, cell.NumNeurons())
	for i := range out {
		out[i] = def
	}
	for i, blk := range spec.stateOut {
		vals := byState[state[i]]
		if vals == nil {
			continue
		}
		if len(vals) != blk.Len {
			return nil, fmt.Errorf("relu: %s of state %q have %d entries, want %d", what, state[i], len(vals), blk.Len)
		}
		copy(out[blk.Start:blk.Start+blk.Len], vals)
	}
	return out, nil
}

// blockOf names the input block holding unit u.
func blockOf(blocks []Block, u int) string {
	for _, b := range blocks {
		if u >= b.Start && u < b.Start+b.Len {
			return b.Name
		}
	}
	return ""
}

// markLive sets live[j] for the cell neurons that some output neuron o
// with want(o) depends on (itself included), and clears the others.
func markLive(cell *Graph, live []bool, want func(o int) bool) {
	clear(live)
	for _, out := range cell.Outputs {
		for j := out.Start; j < out.Start+out.Len; j++ {
			live[j] = want(j)
		}
	}
	for j := cell.NumNeurons() - 1; j >= 0; j-- {
		if !live[j] {
			continue
		}
		for r := cell.RowStart[j]; r < cell.RowStart[j+1]; r++ {
			if src := int(cell.Src[r]) - cell.NumInputs; src >= 0 {
				live[src] = true
			}
		}
	}
}

// RunCell runs the cell once per entry of steps by evaluating it in T, as
// the reference for Unroll. steps[t] holds the per-step (non-state) input
// blocks of step t+1 concatenated in the cell's input order. It returns the
// state blocks after the last step, concatenated in the order of state.
func RunCell[T Float](cell *Graph, state []string, init map[string][]float64, steps [][]T) ([]T, error) {
	spec, err := checkCell(cell, state, init)
	if err != nil {
		return nil, err
	}
	e, err := NewEvaluator[T](cell)
	if err != nil {
		return nil, err
	}
	cur := make([][]T, len(state))
	for i, name := range state {
		for _, x := range init[name] {
			cur[i] = append(cur[i], T(x))
		}
	}
	row := make([]T, cell.NumInputs)
	out := make([]T, e.NumOutputs())
	for t, step := range steps {
		if len(step) != spec.stepInputs {
			return nil, fmt.Errorf("relu: step %d has %d inputs, want %d", t+1, len(step), spec.stepInputs)
		}
		at := 0
		for _, blk := range cell.Inputs {
			if !spec.isState[blk.Name] {
				copy(row[blk.Start:blk.Start+blk.Len], step[at:at+blk.Len])
				at += blk.Len
			}
		}
		for i, blk := range spec.stateIn {
			copy(row[blk.Start:blk.Start+blk.Len], cur[i])
		}
		if err := e.Run(row, out, 1); err != nil {
			return nil, err
		}
		first := cell.NumNeurons() - len(out)
		for i, blk := range spec.stateOut {
			copy(cur[i], out[blk.Start-first:blk.Start-first+blk.Len])
		}
	}
	var res []T
	for _, c := range cur {
		res = append(res, c...)
	}
	return res, nil
}

func product(shape []int) int {
	p := 1
	for _, s := range shape {
		p *= s
	}
	return p
}

// accumulator sums scaled affine functions, merging terms on the same unit
// in order of first appearance (as Affine.PlusScaled does) without a map
// per sum.
type accumulator struct {
	c     float64
	at    []int32 // at[u]-1 is the index of u in terms; 0 when absent
	terms []Term
}

func (s *accumulator) add(c float64, a Affine) {
	s.c += c * a.Const
	for _, t := range a.Terms {
		for int(t.Unit) >= len(s.at) {
			s.at = append(s.at, make([]int32, len(s.at)+64)...)
		}
		if i := s.at[t.Unit]; i > 0 {
			s.terms[i-1].Coef += c * t.Coef
			continue
		}
		s.terms = append(s.terms, Term{t.Unit, c * t.Coef})
		s.at[t.Unit] = int32(len(s.terms))
	}
}

// take returns the sum, dropping zero coefficients, and resets s.
func (s *accumulator) take() Affine {
	a := Affine{Const: s.c}
	for _, t := range s.terms {
		s.at[t.Unit] = 0
		if t.Coef != 0 {
			a.Terms = append(a.Terms, t)
		}
	}
	s.terms, s.c = s.terms[:0], 0
	return a
}
