package verify

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
)

// This file is the ground truth: a direct, exact interpreter of a checked
// program. It shares no code with compile/ and knows nothing of networks.
// Every value is an exact extended rational (Value), so the only rounding
// anywhere is in the float64 accessors.

// Trace is the state of a program after every step of one run, exactly.
type Trace struct {
	Model  *dsl.Model
	Inputs [][]Value // per step (0-based): the values of Model.Inputs
	states [][][]Value
}

// RunDP runs m on steps (per step, the values of m.Inputs in order) and
// returns the state after every step. Inputs convert exactly (every
// float64 is a rational). It fails when an input is NaN, outside its
// declared range or not an integer for an int input, when an operation is
// undefined (inf + -inf, 0 · inf), when a read falls outside a state's
// index range with no boundary rule, or when a state value leaves its
// declared range (the network's correctness depends on that range).
func RunDP(m *dsl.Model, steps [][]float64) (*Trace, error) {
	exact := make([][]Value, len(steps))
	for k, vals := range steps {
		exact[k] = make([]Value, len(vals))
		for i, f := range vals {
			v, ok := FloatValue(f)
			if !ok {
				return nil, fmt.Errorf("step %d: input %s is NaN", k+1, inputName(m, i))
			}
			exact[k][i] = v
		}
	}
	return RunDPExact(m, exact)
}

// RunDPExact is RunDP on exact inputs, e.g. sizes weight/capacity as
// fractions (see BindExact).
func RunDPExact(m *dsl.Model, steps [][]Value) (*Trace, error) {
	t := &Trace{Model: m, Inputs: steps}
	inputRanges := make([]valueRange, len(m.Inputs))
	for i, in := range m.Inputs {
		inputRanges[i] = rangeOf(in.Lo, in.Hi)
	}
	stateRanges := make([]valueRange, len(m.States))
	for si, s := range m.States {
		stateRanges[si] = rangeOf(s.Lo, s.Hi)
	}
	init := make([][]Value, len(m.States))
	for si, s := range m.States {
		v, ok := FloatValue(s.Init)
		if !ok {
			return nil, fmt.Errorf("%s: state %s: initial value is NaN", declPos(s.Decl), s.Name)
		}
		if err := checkStateValue(s, stateRanges[si], v); err != nil {
			return nil, fmt.Errorf("%s: initial value of %s: %v", declPos(s.Decl), s.Name, err)
		}
		init[si] = make([]Value, s.Cells())
		for c := range init[si] {
			init[si][c] = v
		}
	}
	t.states = append(t.states, init)
	for k, inputs := range steps {
		if err := checkInputs(m, inputRanges, k, inputs); err != nil {
			return nil, err
		}
		prev := t.states[k]
		next := make([][]Value, len(m.States))
		for si, s := range m.States {
			next[si] = make([]Value, s.Cells())
			for c := range next[si] {
				idx := cellIndex(s, c)
				e := &evalEnv{prev: prev, inputs: inputs, vars: idx}
				v, err := e.eval(s.Body)
				if err == nil {
					err = checkStateValue(s, stateRanges[si], v)
				}
				if err != nil {
					return nil, fmt.Errorf("step %d: %s: %v", k+1, cellName(s, idx), err)
				}
				next[si][c] = v
			}
		}
		t.states = append(t.states, next)
	}
	return t, nil
}

func inputName(m *dsl.Model, i int) string {
	if i < len(m.Inputs) {
		return m.Inputs[i].Name
	}
	return fmt.Sprintf("#%d", i+1)
}

// declPos prints the position of a declaration, or "-" for hand-built
// models without one.
func declPos[N interface {
	comparable
	dsl.Node
}](n N) string {
	var none N
	if n == none {
		return "-"
	}
	return n.Pos().String()
}

// valueRange is a declared range lo..hi as exact values.
type valueRange struct{ lo, hi Value }

func rangeOf(lo, hi float64) valueRange {
	l, _ := FloatValue(lo) // the checker rejects NaN ends
	h, _ := FloatValue(hi)
	return valueRange{l, h}
}

func checkInputs(m *dsl.Model, ranges []valueRange, k int, inputs []Value) error {
	if len(inputs) != len(m.Inputs) {
		return fmt.Errorf("step %d: %d input values, want %d (one per input of %s)", k+1, len(inputs), len(m.Inputs), m.Name)
	}
	for i, in := range m.Inputs {
		v, lo, hi := inputs[i], ranges[i].lo, ranges[i].hi
		switch {
		case in.Type == dsl.Int && !v.IsInt():
			return fmt.Errorf("step %d: input %s = %v is not an integer (%s)", k+1, in.Name, v, declPos(in.Decl))
		case v.Cmp(lo) < 0 || v.Cmp(hi) > 0:
			return fmt.Errorf("step %d: input %s = %v is outside %v..%v (%s)", k+1, in.Name, v, lo, hi, declPos(in.Decl))
		}
	}
	return nil
}

func checkStateValue(s *dsl.State, r valueRange, v Value) error {
	lo, hi := r.lo, r.hi
	switch {
	case v.Cmp(lo) < 0 || v.Cmp(hi) > 0:
		return fmt.Errorf("value %v is outside the declared range %v..%v of %s (%s)", v, lo, hi, s.Name, declPos(s.Decl))
	case s.Type == dsl.Int && !v.IsInt():
		return fmt.Errorf("value %v of int state %s is not an integer (%s)", v, s.Name, declPos(s.Decl))
	}
	return nil
}

// cellIndex returns the index values of cell c of s (row-major: the last
// dimension varies fastest).
func cellIndex(s *dsl.State, c int) []int {
	idx := make([]int, len(s.Dims))
	for d := len(s.Dims) - 1; d >= 0; d-- {
		size := s.Dims[d].Size()
		idx[d] = s.Dims[d].Lo + c%size
		c /= size
	}
	return idx
}

// cellOf returns the row-major cell of the index values idx of s, or the
// first dimension that is out of range.
func cellOf(s *dsl.State, idx []int) (cell, outDim int) {
	for d, dim := range s.Dims {
		if idx[d] < dim.Lo || idx[d] > dim.Hi {
			return -1, d
		}
		cell = cell*dim.Size() + idx[d] - dim.Lo
	}
	return cell, -1
}

func cellName(s *dsl.State, idx []int) string {
	parts := make([]string, len(idx))
	for d, i := range idx {
		parts[d] = fmt.Sprintf("%s=%d", s.Dims[d].Var, i)
	}
	return fmt.Sprintf("%s[%s]", s.Name, strings.Join(parts, ", "))
}

// evalEnv is what a term sees: the previous state, this step's inputs
// (nil in the answer line) and the index variables of the cell being
// computed (or the answer's search variable).
type evalEnv struct {
	prev   [][]Value
	inputs []Value
	vars   []int
	// rounded, when set, reads its state through the rounding of the
	// fptas scheme (rounded.go) instead of at the written index.
	rounded *roundedDP
}

func termPos(t *dsl.Term) string {
	if t.Node == nil {
		return t.Text
	}
	return fmt.Sprintf("%s (%s)", t.Text, t.Pos())
}

func (e *evalEnv) eval(t *dsl.Term) (Value, error) {
	switch t.Kind {
	case dsl.TConst:
		v, ok := FloatValue(t.Value)
		if !ok {
			return Value{}, fmt.Errorf("constant NaN in %s", termPos(t))
		}
		return v, nil
	case dsl.TInput:
		if e.inputs == nil {
			return Value{}, fmt.Errorf("input %s read outside a step in %s", t.Input.Name, termPos(t))
		}
		return e.inputs[t.Input.Index], nil
	case dsl.TIndexVar:
		if t.Dim >= len(e.vars) {
			return Value{}, fmt.Errorf("index variable #%d is not defined in %s", t.Dim, termPos(t))
		}
		return IntValue(int64(e.vars[t.Dim])), nil
	case dsl.TRead:
		return e.read(t)
	case dsl.TAdd:
		var sum Value
		for i, a := range t.Args {
			v, err := e.eval(a)
			if err != nil {
				return Value{}, err
			}
			if i == 0 {
				sum = v
				continue
			}
			var ok bool
			if sum, ok = sum.Add(v); !ok {
				return Value{}, fmt.Errorf("inf + -inf in %s", termPos(t))
			}
		}
		return sum, nil
	case dsl.TNeg:
		v, err := e.eval(t.Args[0])
		return v.Neg(), err
	case dsl.TScale:
		v, err := e.eval(t.Args[0])
		if err != nil {
			return Value{}, err
		}
		c, ok := FloatValue(t.Value)
		var prod Value
		if ok {
			prod, ok = c.Mul(v)
		}
		if !ok {
			return Value{}, fmt.Errorf("%g · %v is undefined in %s", t.Value, v, termPos(t))
		}
		return prod, nil
	case dsl.TMin, dsl.TMax:
		var best Value
		for i, a := range t.Args {
			v, err := e.eval(a)
			if err != nil {
				return Value{}, err
			}
			switch {
			case i == 0:
				best = v
			case t.Kind == dsl.TMin:
				best = best.Min(v)
			default:
				best = best.Max(v)
			}
		}
		return best, nil
	case dsl.TClamp:
		var vs [3]Value
		for i := range vs {
			v, err := e.eval(t.Args[i])
			if err != nil {
				return Value{}, err
			}
			vs[i] = v
		}
		return vs[0].Min(vs[2]).Max(vs[1]), nil
	}
	panic(fmt.Sprintf("verify: term %q of kind %v", t.Text, t.Kind))
}

// read evaluates State[Index...]: a cell of the previous state, or the
// boundary value when an index is out of range. For a multi-dimensional
// state the boundary rule is applied to the first out-of-range index.
func (e *evalEnv) read(t *dsl.Term) (Value, error) {
	s := t.State
	if e.rounded != nil && s == e.rounded.state {
		return e.rounded.read(e, t)
	}
	idx := make([]int, len(t.Index))
	for d, ix := range t.Index {
		i, err := e.index(ix)
		if err != nil {
			return Value{}, fmt.Errorf("%v in %s", err, termPos(t))
		}
		idx[d] = i
	}
	cell, out := cellOf(s, idx)
	if out < 0 {
		return e.prev[s.Index][cell], nil
	}
	b, ok := s.BoundaryAt(idx[out])
	if !ok {
		dim := s.Dims[out]
		return Value{}, fmt.Errorf("%s reads %s=%d, outside %d..%d, and no boundary rule of %s covers it",
			termPos(t), dim.Var, idx[out], dim.Lo, dim.Hi, s.Name)
	}
	v, ok := FloatValue(b)
	if !ok {
		return Value{}, fmt.Errorf("boundary value NaN for %s in %s", s.Name, termPos(t))
	}
	return v, nil
}

// index evaluates Var + Σ Coef·input + Const. Index inputs are integers
// (checked before the step), well inside the int range.
func (e *evalEnv) index(ix *dsl.IndexExpr) (int, error) {
	i := int64(ix.Const)
	if ix.HasVar {
		if ix.Dim >= len(e.vars) {
			return 0, fmt.Errorf("index variable #%d is not defined", ix.Dim)
		}
		i += int64(e.vars[ix.Dim])
	}
	for _, term := range ix.Terms {
		if e.inputs == nil {
			return 0, fmt.Errorf("input %s read outside a step", term.Input.Name)
		}
		v, ok := e.inputs[term.Input.Index].Int64()
		if !ok || v > math.MaxInt32 || v < math.MinInt32 {
			return 0, fmt.Errorf("index input %s = %v is not a small integer", term.Input.Name, e.inputs[term.Input.Index])
		}
		i += int64(term.Coef) * v
	}
	return int(i), nil
}

// Steps returns the number of steps run (the trace holds Steps()+1 states).
func (t *Trace) Steps() int { return len(t.states) - 1 }

// Exact returns the exact cells of state number state (an index into
// Model.States) after step (0 = the initial state), row-major. The slice
// is the trace's own; do not modify it.
func (t *Trace) Exact(step, state int) []Value { return t.states[step][state] }

// State returns the cells of state number state after step as the nearest
// float64 values.
func (t *Trace) State(step, state int) []float64 {
	cells := t.states[step][state]
	out := make([]float64, len(cells))
	for c, v := range cells {
		out[c] = v.Float64()
	}
	return out
}

// Final returns the cells of state number state after the last step.
func (t *Trace) Final(state int) []float64 { return t.State(t.Steps(), state) }

// At returns the exact value of one cell of state number state after step,
// addressed by its index values, e.g. t.At(3, 0, 7) for f[7] after step 3.
// ok is false when idx is out of range.
func (t *Trace) At(step, state int, idx ...int) (v Value, ok bool) {
	s := t.Model.States[state]
	if len(idx) != len(s.Dims) {
		return Value{}, false
	}
	cell, out := cellOf(s, idx)
	if out >= 0 {
		return Value{}, false
	}
	return t.states[step][state][cell], true
}

// Compare measures got, a float64 rendering of state number state after
// step, against the exact trace: the largest |got - exact| over the cells
// (computed exactly, then rounded) and the first cell attaining it. A cell
// where the exact value is ±inf counts 0 when got is the same infinity and
// +Inf otherwise; NaN counts +Inf. worstCell is -1 for a state without
// cells. Compare panics when len(got) is not the number of cells.
func (t *Trace) Compare(step, state int, got []float64) (maxAbsErr float64, worstCell int) {
	want := t.states[step][state]
	if len(got) != len(want) {
		panic(fmt.Sprintf("verify: Compare: %d values for %d cells of %s", len(got), len(want), t.Model.States[state].Name))
	}
	worstCell = -1
	maxAbsErr = -1
	for c, g := range got {
		var diff float64
		gv, ok := FloatValue(g)
		switch {
		case !ok:
			diff = math.Inf(1)
		case want[c].IsInf() || gv.IsInf():
			if want[c].Cmp(gv) != 0 {
				diff = math.Inf(1)
			}
		default:
			d, _ := new(big.Rat).Sub(gv.Rat(), want[c].Rat()).Float64()
			diff = math.Abs(d)
		}
		if diff > maxAbsErr {
			maxAbsErr, worstCell = diff, c
		}
	}
	if worstCell < 0 {
		return 0, -1
	}
	return maxAbsErr, worstCell
}

// Answer is the decoded answer line of a run.
type Answer struct {
	Kind dsl.AnswerKind
	// Found is false when an index search finds no index (see
	// Trace.Answer); value answers are always found.
	Found bool
	// Index is the index found by an index search.
	Index int
	// Value is the exact answer: the value of a value answer, or Index.
	Value Value
}

// Float64 returns the answer as a float64, NaN when none was found.
func (a Answer) Float64() float64 {
	if !a.Found {
		return math.NaN()
	}
	return a.Value.Float64()
}

func (a Answer) String() string {
	if !a.Found {
		return "none"
	}
	return a.Value.String()
}

// Answer decodes the answer line over the final state. A value answer is
// evaluated exactly. "answer max VAR where LHS op RHS" returns the largest
// VAR in Lo..Hi for which the condition holds; when none does, it tries
// Lo-1 (read through the boundary rule) and returns it if the condition
// holds there, else an Answer with Found false. "min" is symmetric, with
// Hi+1. It fails when the program has no answer line or a term cannot be
// evaluated.
func (t *Trace) Answer() (Answer, error) {
	a := t.Model.Answer
	if a == nil {
		return Answer{}, fmt.Errorf("%s has no answer line", t.Model.Name)
	}
	final := t.states[len(t.states)-1]
	if a.Kind == dsl.AnswerValue {
		v, err := (&evalEnv{prev: final}).eval(a.Value)
		if err != nil {
			return Answer{}, fmt.Errorf("answer: %v", err)
		}
		return Answer{Kind: a.Kind, Found: true, Value: v}, nil
	}
	holds := func(i int) (bool, error) {
		e := &evalEnv{prev: final, vars: []int{i}}
		l, err := e.eval(a.LHS)
		if err != nil {
			return false, err
		}
		r, err := e.eval(a.RHS)
		if err != nil {
			return false, err
		}
		return cmpHolds(a.Op, l.Cmp(r)), nil
	}
	first, last, step, fallback := a.Hi, a.Lo, -1, a.Lo-1
	if a.Kind == dsl.AnswerMinIndex {
		first, last, step, fallback = a.Lo, a.Hi, 1, a.Hi+1
	}
	for i := first; i*step <= last*step; i += step {
		ok, err := holds(i)
		if err != nil {
			return Answer{}, fmt.Errorf("answer at %s=%d: %v", a.Var, i, err)
		}
		if ok {
			return Answer{Kind: a.Kind, Found: true, Index: i, Value: IntValue(int64(i))}, nil
		}
	}
	// A read with no boundary rule at the fallback index means the program
	// says nothing there: no answer rather than an error.
	if ok, err := holds(fallback); err == nil && ok {
		return Answer{Kind: a.Kind, Found: true, Index: fallback, Value: IntValue(int64(fallback))}, nil
	}
	return Answer{Kind: a.Kind}, nil
}

// cmpHolds reports whether "a op b" holds given c = a.Cmp(b).
func cmpHolds(op dsl.CmpOp, c int) bool {
	switch op {
	case dsl.LT:
		return c < 0
	case dsl.LE:
		return c <= 0
	case dsl.EQ:
		return c == 0
	case dsl.NE:
		return c != 0
	case dsl.GE:
		return c >= 0
	case dsl.GT:
		return c > 0
	}
	panic(fmt.Sprintf("verify: comparison operator %v", op))
}
