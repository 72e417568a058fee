package truth

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
	// Data holds the values of Model.Data, row-major per array (nil for a
	// program without data).
	Data   [][]Value
	states [][][]Value
}

// RunDP runs m on steps (per step, the values of m.Inputs in order) and
// returns the state after every step. Inputs convert exactly (every
// float64 is a rational). It fails when an input is NaN, outside its
// declared range or not an integer for an int input, when an operation is
// undefined (inf + -inf, 0 · inf), when a read falls outside a state's
// index range with no boundary rule, or when a state value leaves its
// declared range (the network's correctness depends on that range).
//
// RunDP is RunDPData without data; a program that declares data needs
// RunDPData.
func RunDP(m *dsl.Model, steps [][]float64) (*Trace, error) {
	return RunDPData(m, steps, nil)
}

// RunDPData is RunDP for a program with data: data[k] holds the values of
// m.Data[k], row-major (the last dimension varies fastest; one value for
// a scalar), with math.Inf(1) for inf. Every value is checked against its
// declaration: a number, an integer for int data, inside the declared
// range, or +inf when the data is declared "or inf".
//
// A program with a steps line (m.Steps > 0) runs exactly m.Steps steps and
// takes no per-step inputs: steps must be nil (or m.Steps empty rows).
// When it also says "require fixpoint", one more step is computed after
// the last; if it changes any cell, RunDPData returns the trace of the
// m.Steps steps together with a *FixpointError carrying the program's
// message (test for it with errors.As).
func RunDPData(m *dsl.Model, steps [][]float64, data [][]float64) (*Trace, error) {
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
	exactData, err := DataValues(m, data)
	if err != nil {
		return nil, err
	}
	return run(m, exact, exactData)
}

// RunDPExact is RunDP on exact inputs, e.g. sizes weight/capacity as
// fractions (see BindExact).
func RunDPExact(m *dsl.Model, steps [][]Value) (*Trace, error) {
	if len(m.Data) > 0 {
		return nil, fmt.Errorf("%s declares data %s: run it with RunDPData", m.Name, m.Data[0].Name)
	}
	return run(m, steps, nil)
}

// FixpointError reports a program with "require fixpoint" whose extra
// step, after the last one, changed a cell: for Bellman–Ford, a negative
// cycle reachable from the source. Msg is the program's message.
type FixpointError struct {
	Msg   string
	Pos   dsl.Pos // the require line
	Step  int     // the extra step: Model.Steps + 1
	State *dsl.State
	Index []int  // the index values of the first cell (row-major) that changed
	Cell  string // that cell, e.g. "d[v=3]"
	// Before is the cell after the last step, After after the extra one.
	Before, After Value
}

func (e *FixpointError) Error() string {
	return fmt.Sprintf("%s: %s: step %d would change %s from %v to %v", e.Pos, e.Msg, e.Step, e.Cell, e.Before, e.After)
}

// run is the interpreter: steps holds exact inputs per step (ignored for
// a program with a steps line, which must get none), data the checked
// values of m.Data.
func run(m *dsl.Model, steps [][]Value, data [][]Value) (*Trace, error) {
	if m.Steps > 0 {
		for k, in := range steps {
			if len(steps) != m.Steps || len(in) != 0 {
				return nil, fmt.Errorf("%s runs %d steps (its steps line) and takes no per-step inputs; got %d steps, step %d with %d values",
					m.Name, m.Steps, len(steps), k+1, len(in))
			}
		}
		steps = make([][]Value, m.Steps)
		for k := range steps {
			steps[k] = []Value{}
		}
	}
	t := &Trace{Model: m, Inputs: steps, Data: data}
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
		cells, err := initialCells(m, s, stateRanges[si])
		if err != nil {
			return nil, err
		}
		init[si] = cells
	}
	t.states = append(t.states, init)
	for k, inputs := range steps {
		if err := checkInputs(m, inputRanges, k, inputs); err != nil {
			return nil, err
		}
		next, err := step(m, stateRanges, t.states[k], inputs, data, k)
		if err != nil {
			return nil, err
		}
		t.states = append(t.states, next)
	}
	if m.Fixpoint != nil {
		last := t.states[len(t.states)-1]
		next, err := step(m, stateRanges, last, []Value{}, data, len(steps))
		if err != nil {
			return t, err
		}
		for si, s := range m.States {
			for c, v := range next[si] {
				if v.Cmp(last[si][c]) != 0 {
					idx := cellIndex(s, c)
					return t, &FixpointError{
						Msg: m.Fixpoint.Msg, Pos: m.Fixpoint.Pos(), Step: len(steps) + 1,
						State: s, Index: idx, Cell: cellName(s, idx), Before: last[si][c], After: v,
					}
				}
			}
		}
	}
	return t, nil
}

// initialCells returns the initial cells of s: Init everywhere, or its
// InitTerm evaluated exactly at every cell.
func initialCells(m *dsl.Model, s *dsl.State, r valueRange) ([]Value, error) {
	cells := make([]Value, s.Cells())
	if s.InitTerm == nil {
		v, ok := FloatValue(s.Init)
		if !ok {
			return nil, fmt.Errorf("%s: state %s: initial value is NaN", DeclPos(s.Decl), s.Name)
		}
		if err := checkStateValue(s, r, v); err != nil {
			return nil, fmt.Errorf("%s: initial value of %s: %v", DeclPos(s.Decl), s.Name, err)
		}
		for c := range cells {
			cells[c] = v
		}
		return cells, nil
	}
	lineVars := make([]*dsl.Var, len(s.Dims))
	for d := range s.Dims {
		lineVars[d] = s.Dims[d].V
	}
	e := &evalEnv{env: make(dsl.Env, m.NumVars)}
	for c := range cells {
		idx := cellIndex(s, c)
		e.vars = idx
		e.bindDims(s, lineVars, idx)
		v, err := e.eval(s.InitTerm)
		if err == nil {
			err = checkStateValue(s, r, v)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: initial value of %s: %v", DeclPos(s.Decl), cellName(s, idx), err)
		}
		cells[c] = v
	}
	return cells, nil
}

// step computes the state after step k (0-based) from prev: every cell of
// every state from the previous cells, all at once.
func step(m *dsl.Model, ranges []valueRange, prev [][]Value, inputs []Value, data [][]Value, k int) ([][]Value, error) {
	next := make([][]Value, len(m.States))
	for si, s := range m.States {
		next[si] = make([]Value, s.Cells())
		e := &evalEnv{prev: prev, inputs: inputs, data: data, env: make(dsl.Env, m.NumVars)}
		for c := range next[si] {
			idx := cellIndex(s, c)
			e.vars = idx
			e.bindDims(s, s.StepVars, idx)
			v, err := e.eval(s.Body)
			if err == nil {
				err = checkStateValue(s, ranges[si], v)
			}
			if err != nil {
				return nil, fmt.Errorf("step %d: %s: %v", k+1, cellName(s, idx), err)
			}
			next[si][c] = v
		}
	}
	return next, nil
}

func inputName(m *dsl.Model, i int) string {
	if i < len(m.Inputs) {
		return m.Inputs[i].Name
	}
	return fmt.Sprintf("#%d", i+1)
}

// DeclPos prints the position of a declaration, or "-" for hand-built
// models without one.
func DeclPos[N interface {
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
			return fmt.Errorf("step %d: input %s = %v is not an integer (%s)", k+1, in.Name, v, DeclPos(in.Decl))
		case v.Cmp(lo) < 0 || v.Cmp(hi) > 0:
			return fmt.Errorf("step %d: input %s = %v is outside %v..%v (%s)", k+1, in.Name, v, lo, hi, DeclPos(in.Decl))
		}
	}
	return nil
}

func checkStateValue(s *dsl.State, r valueRange, v Value) error {
	lo, hi := r.lo, r.hi
	switch {
	case s.MayInf && v.IsInf() && v.Sign() > 0:
		return nil // "or inf": +inf is a value of the state
	case v.Cmp(lo) < 0 || v.Cmp(hi) > 0:
		return fmt.Errorf("value %v is outside the declared range %v..%v of %s (%s)", v, lo, hi, s.Name, DeclPos(s.Decl))
	case s.Type == dsl.Int && !v.IsInt() && !v.IsInf(): // ±inf: a value of an int state its range allows
		return fmt.Errorf("value %v of int state %s is not an integer (%s)", v, s.Name, DeclPos(s.Decl))
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
		if s.Dims[d].Set {
			parts[d] = fmt.Sprintf("%s=%s", s.Dims[d].Var, setString(int64(i)<<uint(s.Dims[d].ElemLo)))
			continue
		}
		parts[d] = fmt.Sprintf("%s=%d", s.Dims[d].Var, i)
	}
	return fmt.Sprintf("%s[%s]", s.Name, strings.Join(parts, ", "))
}

// setString prints the set of the bits of mask, e.g. "{1, 3}".
func setString(mask int64) string {
	var elems []string
	for e := range 63 {
		if mask>>uint(e)&1 != 0 {
			elems = append(elems, fmt.Sprint(e))
		}
	}
	return "{" + strings.Join(elems, ", ") + "}"
}

// evalEnv is what a term sees: the previous state, this step's inputs
// (nil in the answer line), the data, and the index variables of the cell
// being computed (or the answer's search variable).
type evalEnv struct {
	prev   [][]Value
	inputs []Value
	data   [][]Value // per Model.Data, row-major
	// vars are the index values of the cell by dimension (the answer's
	// search variable as dimension 0): what TIndexVar terms of dimension
	// variables and indices in the older form (IndexExpr.HasVar) read.
	vars []int
	// env holds every index variable by Var.ID, as the Model's static
	// expressions (Static) read them: the cell's dimension variables,
	// reduction variables while a reduction runs, the search variable.
	// nil for models without variable IDs.
	env dsl.Env
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
		if t.Var != nil && t.Var.Kind != dsl.VarDim && e.env != nil {
			x, err := e.varValue(t.Var)
			if err != nil {
				return Value{}, fmt.Errorf("%v in %s", err, termPos(t))
			}
			return IntValue(x), nil
		}
		if t.Dim >= len(e.vars) {
			return Value{}, fmt.Errorf("index variable #%d is not defined in %s", t.Dim, termPos(t))
		}
		return IntValue(int64(e.vars[t.Dim])), nil
	case dsl.TData:
		return e.readData(t)
	case dsl.TCmp:
		l, err := e.eval(t.Args[0])
		if err != nil {
			return Value{}, err
		}
		r, err := e.eval(t.Args[1])
		if err != nil {
			return Value{}, err
		}
		if l.IsInf() || r.IsInf() {
			return Value{}, fmt.Errorf("comparison of %v and %v in %s: an Iverson bracket compares finite values", l, r, termPos(t))
		}
		if cmpHolds(t.Op, l.Cmp(r)) {
			return IntValue(1), nil
		}
		return IntValue(0), nil
	case dsl.TIf:
		if e.env == nil {
			return Value{}, fmt.Errorf("condition without index variables in %s", termPos(t))
		}
		if t.Cond.Eval(e.env) != 0 {
			return e.eval(t.Args[0])
		}
		return e.eval(t.Args[1])
	case dsl.TReduce:
		return e.reduce(t)
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
		i, err := e.indexValue(ix, s.Dims[d])
		if err != nil {
			return Value{}, fmt.Errorf("%v in %s", err, termPos(t))
		}
		idx[d] = i
	}
	cell, out := cellOf(s, idx)
	if out < 0 {
		return e.prev[s.Index][cell], nil
	}
	b, ok := s.BoundaryAtIndex(idx)
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

// indexValue evaluates an index of dimension dim: its static part
// (IndexExpr.Static, the index value of dim under the variables) plus its
// run-time offsets, integer inputs or data, each ±1. An index without a
// static part (a model in the older form) is Var + Σ Coef·input + Const.
func (e *evalEnv) indexValue(ix *dsl.IndexExpr, dim dsl.Dim) (int, error) {
	if ix.Static == nil || e.env == nil {
		return e.index(ix)
	}
	i := int64(ix.StaticValue(dim, e.env))
	for _, off := range ix.Offsets {
		v, err := e.eval(off.Term)
		if err != nil {
			return 0, err
		}
		x, ok := v.Int64()
		if !ok || x > math.MaxInt32 || x < math.MinInt32 {
			return 0, fmt.Errorf("index offset %s = %v is not a small integer", off.Term.Text, v)
		}
		i += int64(off.Coef) * x
	}
	if i > math.MaxInt32 || i < math.MinInt32 {
		return 0, fmt.Errorf("index %s = %d is out of any range", ix.Text, i)
	}
	return int(i), nil
}

// bindDims binds the variables of the cell idx of s in env (vars may be
// nil for a model without variable IDs).
func (e *evalEnv) bindDims(s *dsl.State, vars []*dsl.Var, idx []int) {
	if len(vars) != len(s.Dims) {
		return
	}
	for _, v := range vars {
		if v == nil {
			return
		}
	}
	e.env = dsl.BindDims(e.env, s.Dims, vars, idx)
}

// varValue is the value of v in env.
func (e *evalEnv) varValue(v *dsl.Var) (int64, error) {
	if v.ID < 0 || v.ID >= len(e.env) {
		return 0, fmt.Errorf("index variable %s is not bound", v.Name)
	}
	return e.env[v.ID], nil
}

// readData evaluates Data[Index...]: indices are static.
func (e *evalEnv) readData(t *dsl.Term) (Value, error) {
	d := t.Data
	if d.Index >= len(e.data) || len(e.data[d.Index]) != d.Cells() {
		return Value{}, fmt.Errorf("data %s has no values in %s", d.Name, termPos(t))
	}
	if len(t.Index) != len(d.Dims) {
		return Value{}, fmt.Errorf("%d indices for the %d dimensions of data %s in %s", len(t.Index), len(d.Dims), d.Name, termPos(t))
	}
	cell := 0
	for k, ix := range t.Index {
		if len(ix.Offsets) > 0 || ix.Static == nil || e.env == nil {
			return Value{}, fmt.Errorf("data %s read at a run-time index in %s", d.Name, termPos(t))
		}
		dim := d.Dims[k]
		i := ix.StaticValue(dim, e.env)
		if i < dim.Lo || i > dim.Hi {
			return Value{}, fmt.Errorf("%s reads %s=%d, outside %d..%d", termPos(t), dim.Var, i, dim.Lo, dim.Hi)
		}
		cell = cell*dim.Size() + i - dim.Lo
	}
	return e.data[d.Index][cell], nil
}

// reduce evaluates min or max of the body over the reduction variable's
// domain (a range, or the elements of a set) where the filter holds: +inf
// for an empty min, -inf for an empty max.
func (e *evalEnv) reduce(t *dsl.Term) (Value, error) {
	if e.env == nil || t.Var == nil {
		return Value{}, fmt.Errorf("reduction without index variables in %s", termPos(t))
	}
	isMin := t.Reduce == dsl.TMin
	best := Inf(-1)
	if isMin {
		best = Inf(1)
	}
	v := t.Var
	for len(e.env) <= v.ID {
		e.env = append(e.env, 0)
	}
	saved := e.env[v.ID]
	defer func() { e.env[v.ID] = saved }()
	try := func(x int64) error {
		e.env[v.ID] = x
		if t.Filter != nil && t.Filter.Eval(e.env) == 0 {
			return nil
		}
		val, err := e.eval(t.Args[0])
		if err != nil {
			return err
		}
		if isMin {
			best = best.Min(val)
		} else {
			best = best.Max(val)
		}
		return nil
	}
	if t.Domain.Kind == dsl.SRange {
		lo, hi := t.Domain.Args[0].Eval(e.env), t.Domain.Args[1].Eval(e.env)
		for x := lo; x <= hi; x++ {
			if err := try(x); err != nil {
				return Value{}, err
			}
		}
		return best, nil
	}
	mask := t.Domain.Eval(e.env)
	for x := range int64(63) {
		if mask>>uint(x)&1 == 0 {
			continue
		}
		if err := try(x); err != nil {
			return Value{}, err
		}
	}
	return best, nil
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
		case gv.rat == nil && want[c].rat == nil && smallExact(gv.small) && smallExact(want[c].small):
			// Two integers below 2^53: their difference is exact in
			// float64 up to rounding to the nearest of the result, as
			// the big.Rat path gives it (the common case, without
			// allocations).
			diff = math.Abs(float64(gv.small - want[c].small))
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

// smallExact reports whether an int64 lies within ±2^53, so that
// differences of two of them do not overflow.
func smallExact(x int64) bool { return x >= -1<<53 && x <= 1<<53 }

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
	// Cells holds every cell of the answer state of "answer STATE"
	// (dsl.AnswerState), row-major; nil for the other kinds.
	Cells []Value
}

// Float64 returns the answer as a float64, NaN when none was found and
// for a state answer (whose values are Cells).
func (a Answer) Float64() float64 {
	if !a.Found || a.Kind == dsl.AnswerState {
		return math.NaN()
	}
	return a.Value.Float64()
}

// String prints the answer: its value, "none", or for a state answer the
// cells in brackets, e.g. "[0 2 inf]".
func (a Answer) String() string {
	switch {
	case !a.Found:
		return "none"
	case a.Kind == dsl.AnswerState:
		return "[" + valuesString(a.Cells) + "]"
	}
	return a.Value.String()
}

func valuesString(vs []Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.String()
	}
	return strings.Join(s, " ")
}

// Answer decodes the answer line over the final state. A value answer is
// evaluated exactly (with the run's data); "answer STATE" returns every
// cell of the state in Cells. "answer max VAR where LHS op RHS" returns the largest
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
	switch a.Kind {
	case dsl.AnswerValue:
		e := &evalEnv{prev: final, data: t.Data, env: make(dsl.Env, t.Model.NumVars)}
		v, err := e.eval(a.Value)
		if err != nil {
			return Answer{}, fmt.Errorf("answer: %v", err)
		}
		return Answer{Kind: a.Kind, Found: true, Value: v}, nil
	case dsl.AnswerState:
		if a.State == nil || a.State.Index >= len(final) {
			return Answer{}, fmt.Errorf("answer: no state to answer")
		}
		return Answer{Kind: a.Kind, Found: true, Cells: append([]Value(nil), final[a.State.Index]...)}, nil
	}
	search := searchVar(a)
	holds := func(i int) (bool, error) {
		e := &evalEnv{prev: final, data: t.Data, vars: []int{i}, env: make(dsl.Env, t.Model.NumVars)}
		if search != nil {
			e.env = e.env.Set(search, int64(i))
		}
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

// searchVar returns the variable of an answer search as the terms of its
// condition use it (in a TIndexVar term or an index), or nil.
func searchVar(a *dsl.Answer) *dsl.Var {
	var found *dsl.Var
	var inStatic func(s *dsl.Static)
	inStatic = func(s *dsl.Static) {
		if s == nil || found != nil {
			return
		}
		if s.Kind == dsl.SVar && s.Var != nil && s.Var.Kind == dsl.VarSearch {
			found = s.Var
		}
		for _, arg := range s.Args {
			inStatic(arg)
		}
	}
	var inTerm func(t *dsl.Term)
	inTerm = func(t *dsl.Term) {
		if t == nil || found != nil {
			return
		}
		if t.Var != nil && t.Var.Kind == dsl.VarSearch {
			found = t.Var
		}
		for _, ix := range t.Index {
			inStatic(ix.Static)
			for _, off := range ix.Offsets {
				inTerm(off.Term)
			}
		}
		inStatic(t.Cond)
		inStatic(t.Domain)
		inStatic(t.Filter)
		for _, arg := range t.Args {
			inTerm(arg)
		}
	}
	inTerm(a.LHS)
	inTerm(a.RHS)
	return found
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
