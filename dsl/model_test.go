package dsl

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkModel asserts the invariants every checked model must satisfy and
// that the interval of every term contains its value: at random points
// for a program without a steps line (inputs and cells drawn from their
// declared ranges), and along exact runs on random data for a program
// with one (whose intervals come from the step-iterated analysis).
func checkModel(t testing.TB, m *Model) {
	t.Helper()
	require.NotNil(t, m)
	for i, in := range m.Inputs {
		assert.Equal(t, i, in.Index)
		assert.True(t, in.Lo <= in.Hi && !math.IsInf(in.Lo, 0) && !math.IsInf(in.Hi, 0), "input %s range %v..%v", in.Name, in.Lo, in.Hi)
	}
	if m.Steps > 0 {
		assert.Empty(t, m.Inputs, "a program with a steps line has no inputs")
	} else {
		assert.Nil(t, m.Fixpoint, "require fixpoint needs a steps line")
	}
	for i, d := range m.Data {
		assert.Equal(t, i, d.Index)
		assert.True(t, d.Lo <= d.Hi && !math.IsInf(d.Lo, 0) && !math.IsInf(d.Hi, 0), "data %s range %v..%v", d.Name, d.Lo, d.Hi)
		for _, dim := range d.Dims {
			assert.False(t, dim.Set)
			assert.Nil(t, dim.V)
		}
	}
	ids := map[int]*Var{}
	noteVar := func(v *Var) {
		require.NotNil(t, v)
		require.Less(t, v.ID, m.NumVars, "var %s", v.Name)
		if old, ok := ids[v.ID]; ok {
			assert.Same(t, old, v, "two variables with ID %d", v.ID)
		}
		ids[v.ID] = v
	}
	for i, s := range m.States {
		assert.Equal(t, i, s.Index)
		require.NotNil(t, s.Step, "state %s", s.Name)
		require.NotNil(t, s.Body, "state %s", s.Name)
		assert.LessOrEqual(t, s.Cells(), DefaultMaxCount)
		if s.InitTerm == nil {
			assert.True(t, point(s.Init).within(s.declared()), "init %v of %s", s.Init, s.Name)
		} else {
			assert.True(t, termIval(s.InitTerm).within(s.declared()), "init of %s", s.Name)
			initVars := make([]*Var, len(s.Dims))
			for k := range s.Dims {
				initVars[k] = s.Dims[k].V
			}
			checkTerm(t, m, s.InitTerm, s.Dims, initVars)
		}
		assert.True(t, termIval(s.Body).within(s.declared()), "step of %s: [%v, %v] (inf %v) not in [%v, %v]", s.Name, s.Body.Lo, s.Body.Hi, s.Body.MayInf, s.Lo, s.Hi)
		if s.Type == Int {
			assert.Equal(t, Int, s.Body.Type, "step of %s", s.Name)
		}
		for _, b := range s.Boundaries {
			require.Less(t, b.Dim, len(s.Dims))
			assert.False(t, s.Dims[b.Dim].Set, "boundary on a subsets dimension")
		}
		require.Len(t, s.StepVars, len(s.Dims))
		for k, d := range s.Dims {
			if d.Set {
				assert.Equal(t, [2]int{0, 1<<(d.ElemHi-d.ElemLo+1) - 1}, [2]int{d.Lo, d.Hi})
			}
			for _, v := range []*Var{d.V, s.StepVars[k]} {
				noteVar(v)
				assert.Equal(t, VarDim, v.Kind)
				assert.Equal(t, k, v.Dim)
				assert.Equal(t, d.Set, v.Set)
				assert.Equal(t, [2]int{d.Lo, d.Hi}, [2]int{v.Lo, v.Hi})
			}
			assert.NotSame(t, d.V, s.StepVars[k])
		}
		checkTerm(t, m, s.Body, s.Dims, s.StepVars)
	}
	if a := m.Answer; a != nil {
		switch a.Kind {
		case AnswerValue:
			checkTerm(t, m, a.Value, nil, nil)
		case AnswerState:
			require.NotNil(t, a.State)
		default:
			require.NotNil(t, a.State)
			assert.Equal(t, []int{a.State.Dims[a.Dim].Lo, a.State.Dims[a.Dim].Hi}, []int{a.Lo, a.Hi})
			noteVar(a.SearchVar)
			assert.Equal(t, VarSearch, a.SearchVar.Kind)
			dims := []Dim{{Var: a.Var, Lo: a.Lo, Hi: a.Hi}}
			checkTerm(t, m, a.LHS, dims, []*Var{a.SearchVar})
			checkTerm(t, m, a.RHS, dims, []*Var{a.SearchVar})
		}
	}
	walkModel(m, func(x *Term) {
		if x.Kind == TReduce || x.Kind == TIndexVar {
			noteVar(x.Var)
		}
	})
	assertIntervalsHold(t, m)
}

// walkModel calls fn for every term of m.
func walkModel(m *Model, fn func(*Term)) {
	var walk func(x *Term)
	walk = func(x *Term) {
		if x == nil {
			return
		}
		fn(x)
		for _, a := range x.Args {
			walk(a)
		}
		for _, ie := range x.Index {
			for _, o := range ie.Offsets {
				walk(o.Term)
			}
		}
	}
	for _, s := range m.States {
		walk(s.InitTerm)
		walk(s.Body)
	}
	if a := m.Answer; a != nil {
		walk(a.Value)
		walk(a.LHS)
		walk(a.RHS)
	}
}

// checkTerm asserts the structural invariants of x; dims are the
// dimensions of the stepped state (or the answer search) and vars the
// index variables in scope.
func checkTerm(t testing.TB, m *Model, x *Term, dims []Dim, vars []*Var) {
	t.Helper()
	require.NotNil(t, x)
	assert.False(t, math.IsNaN(x.Lo) || math.IsNaN(x.Hi), "%s: NaN bound", x.Text)
	assert.LessOrEqual(t, x.Lo, x.Hi, x.Text)
	assert.Equal(t, m.File.Text(x.Node), x.Text)
	assert.NotEmpty(t, x.Text)
	assert.Contains(t, []Type{Int, Real}, x.Type)
	if x.Lo == math.Inf(1) {
		// Always +inf: "unreachable", or a number of a range up to inf.
		assert.Equal(t, math.Inf(1), x.Hi, x.Text)
	}
	argVars := vars
	if x.Kind == TReduce {
		require.NotNil(t, x.Var)
		assert.Equal(t, VarReduce, x.Var.Kind)
		argVars = append(append([]*Var(nil), vars...), x.Var)
	}
	for _, a := range x.Args {
		checkTerm(t, m, a, dims, argVars)
	}
	inScope := func(v *Var) bool {
		for _, w := range vars {
			if w == v {
				return true
			}
		}
		return false
	}
	checkStatic := func(s *Static, typ StaticType, vars []*Var) {
		require.NotNil(t, s, x.Text)
		assert.Equal(t, typ, s.Type, x.Text)
		var walk func(s *Static)
		walk = func(s *Static) {
			if s.Kind == SVar {
				found := false
				for _, w := range vars {
					found = found || w == s.Var
				}
				assert.True(t, found, "%s: static uses %s out of scope", x.Text, s.Var.Name)
			}
			for _, a := range s.Args {
				walk(a)
			}
		}
		walk(s)
	}
	checkIndex := func(ie *IndexExpr, d Dim, k int) {
		assert.LessOrEqual(t, ie.Lo, ie.Hi)
		if d.Set {
			checkStatic(ie.Static, SSetT, vars)
			assert.Empty(t, ie.Offsets)
			assert.False(t, ie.Simple)
			return
		}
		checkStatic(ie.Static, SInt, vars)
		for _, o := range ie.Offsets {
			assert.Contains(t, []int{1, -1}, o.Coef)
			assert.Contains(t, []TermKind{TInput, TData}, o.Term.Kind)
			assert.Equal(t, Int, o.Term.Type)
			assert.False(t, o.Term.MayInf)
		}
		if ie.HasVar {
			assert.True(t, ie.Simple)
			assert.Equal(t, k, ie.Dim)
		}
		if ie.Simple {
			assert.Len(t, ie.Terms, len(ie.Offsets))
		} else {
			assert.Empty(t, ie.Terms)
		}
		for _, in := range ie.Terms {
			assert.Contains(t, []int{1, -1}, in.Coef)
			assert.Equal(t, Int, in.Input.Type)
		}
	}
	switch x.Kind {
	case TConst:
		assert.Equal(t, x.Value, x.Lo)
		assert.Equal(t, x.Value, x.Hi)
		assert.Equal(t, math.IsInf(x.Value, 1), x.MayInf)
		assert.Empty(t, x.Args)
	case TInput:
		require.NotNil(t, x.Input)
		assert.Same(t, m.Inputs[x.Input.Index], x.Input)
	case TIndexVar:
		require.NotNil(t, x.Var)
		assert.True(t, inScope(x.Var), "%s: variable out of scope", x.Text)
		assert.False(t, x.Var.Set)
		if x.Var.Kind == VarDim || x.Var.Kind == VarSearch {
			require.Less(t, x.Dim, len(dims))
		}
		if x.Var.Kind == VarDim {
			assert.Equal(t, x.Var.Dim, x.Dim)
		}
		assert.Equal(t, Int, x.Type)
	case TRead:
		require.Len(t, x.Index, len(x.State.Dims))
		for k, ie := range x.Index {
			checkIndex(ie, x.State.Dims[k], k)
			d := x.State.Dims[k]
			if ie.Lo < d.Lo || ie.Hi > d.Hi {
				covered := false
				for _, b := range x.State.Boundaries {
					covered = covered || b.Dim == k
				}
				assert.True(t, covered, "%s: read outside dimension %d without boundary lines", x.Text, k)
			}
		}
	case TData:
		require.NotNil(t, x.Data)
		assert.Same(t, m.Data[x.Data.Index], x.Data)
		require.Len(t, x.Index, len(x.Data.Dims))
		for k, ie := range x.Index {
			checkIndex(ie, x.Data.Dims[k], k)
			assert.Empty(t, ie.Offsets, "%s: data read at a run-time index", x.Text)
			assert.True(t, ie.Lo >= x.Data.Dims[k].Lo && ie.Hi <= x.Data.Dims[k].Hi, "%s: data read out of range", x.Text)
		}
	case TAdd, TMin, TMax:
		assert.GreaterOrEqual(t, len(x.Args), 2)
	case TNeg, TScale:
		assert.Len(t, x.Args, 1)
		assert.False(t, math.IsInf(x.Value, 0))
		assert.False(t, x.Args[0].MayInf && (x.Kind == TNeg || x.Value <= 0), "%s negates a value that may be inf", x.Text)
	case TClamp:
		require.Len(t, x.Args, 3)
		assert.Equal(t, TConst, x.Args[1].Kind)
		assert.Equal(t, TConst, x.Args[2].Kind)
	case TCmp:
		require.Len(t, x.Args, 2)
		assert.Contains(t, []CmpOp{LT, LE, EQ, NE, GE, GT}, x.Op)
		assert.Equal(t, Int, x.Type)
		for _, a := range x.Args {
			assert.Equal(t, Int, a.Type)
			assert.False(t, a.MayInf)
		}
	case TIf:
		require.Len(t, x.Args, 2)
		checkStatic(x.Cond, SBool, vars)
	case TReduce:
		require.Len(t, x.Args, 1)
		assert.Contains(t, []TermKind{TMin, TMax}, x.Reduce)
		checkStatic(x.Domain, SSetT, vars)
		if x.Filter != nil {
			checkStatic(x.Filter, SBool, argVars)
		}
	default:
		assert.Failf(t, "bad term kind", "%s: %v", x.Text, x.Kind)
	}
}

// evalBudget bounds the term evaluations of one exact run in
// assertIntervalsHold, so that fuzzed programs with huge states stay fast;
// a run that would exceed it is skipped, not failed.
const evalBudget = 200000

// assertIntervalsHold evaluates every step body and the answer and asserts
// that each term's value lies in its interval [Lo, Hi] or is +inf when
// the term says MayInf.
//
// Without a steps line the values are drawn at random points: inputs,
// data and cells from their declared ranges, index variables over their
// ranges. With a steps line the program is run exactly (Steps steps, one
// more with require fixpoint) on random data from the initial state, and
// every term is checked at every cell of every step.
//
// Boundary values may be infinite, so a sum may meet inf - inf, which has
// no value; such a NaN is accepted only when an operand is infinite.
// Values are compared exactly: the interval ends are computed with the
// same float64 operations in the same order as the evaluation, except that
// min/max/clamp are exact and sums of interval ends round the same way as
// sums of values at those ends.
func assertIntervalsHold(t testing.TB, m *Model) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(lo, hi float64, integer, mayInf bool) float64 {
		if mayInf && rng.IntN(4) == 0 {
			return math.Inf(1)
		}
		// An infinite end is replaced by a finite stand-in 2e6 away from
		// the other end (±1e6 when both are infinite).
		switch {
		case math.IsInf(lo, -1) && math.IsInf(hi, 1):
			lo, hi = -1e6, 1e6
		case math.IsInf(lo, -1):
			lo = hi - 2e6
		case math.IsInf(hi, 1):
			hi = lo + 2e6
		}
		var v float64
		switch rng.IntN(4) { // hit the ends often
		case 0:
			v = lo
		case 1:
			v = hi
		default:
			v = lo + rng.Float64()*(hi-lo)
		}
		if integer {
			v = math.Floor(v) // int ranges have integer ends, so v stays >= lo
		}
		return math.Min(math.Max(v, lo), hi)
	}
	trials := 50
	if m.Steps > 0 {
		trials = 5
		cells := 0
		for _, s := range m.States {
			cells += s.Cells()
		}
		if cells > evalBudget/10 {
			return // too large to run exactly
		}
	}
	for trial := 0; trial < trials; trial++ {
		if !intervalTrial(t, m, rng, draw) {
			return // too large to evaluate exactly
		}
	}
}

// intervalTrial is one trial of assertIntervalsHold; it reports false when
// it ran out of evalBudget (and then checked only part of the terms).
func intervalTrial(t testing.TB, m *Model, rng *rand.Rand, draw func(lo, hi float64, integer, mayInf bool) float64) (done bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(budgetSpent); !ok {
				panic(r)
			}
			done = false
		}
	}()
	{
		inputs := make([]float64, len(m.Inputs))
		for i, in := range m.Inputs {
			inputs[i] = draw(in.Lo, in.Hi, in.Type == Int, false)
		}
		data := make([][]float64, len(m.Data))
		for i, d := range m.Data {
			data[i] = make([]float64, d.Cells())
			for j := range data[i] {
				data[i][j] = draw(d.Lo, d.Hi, d.Type == Int, d.MayInf)
			}
		}
		dataAt := func(d *Data, idx []int) float64 { return data[d.Index][cellOffset(d.Dims, idx)] }
		// cells holds the state for a run with steps; without steps cells
		// are drawn on first read.
		cells := make([]map[int]float64, len(m.States))
		for i := range cells {
			cells[i] = map[int]float64{}
		}
		cell := func(s *State, idx []int) float64 {
			d := s.Dims
			for k, i := range idx {
				if i < d[k].Lo || i > d[k].Hi {
					v, ok := s.BoundaryAtIndex(idx)
					if !ok {
						require.Failf(t, "read without boundary", "read of %s at %v has no boundary", s.Name, idx)
					}
					return v
				}
			}
			at := cellOffset(d, idx)
			v, ok := cells[s.Index][at]
			if !ok {
				require.Zero(t, m.Steps, "cell %s%v not set", s.Name, idx)
				v = draw(s.Lo, s.Hi, s.Type == Int, s.MayInf)
				cells[s.Index][at] = v
			}
			return v
		}
		budget := evalBudget
		var eval func(x *Term, env Env) float64
		indexOf := func(ie *IndexExpr, d Dim, env Env) int {
			i := ie.StaticValue(d, env)
			for _, o := range ie.Offsets {
				i += o.Coef * int(eval(o.Term, env))
			}
			if ie.Simple {
				// The old fields give the same index: Var + Σ inputs +
				// Const, the static part being Var + Const or Const.
				static := ie.StaticValue(d, env)
				if !ie.HasVar && ie.Const != static {
					require.Failf(t, "old form differs", "index %s: Const %d, Static %d", ie.Text, ie.Const, static)
				}
				j := static
				for _, in := range ie.Terms {
					j += in.Coef * int(inputs[in.Input.Index])
				}
				if i != j {
					require.Failf(t, "old form differs", "index %s: %d by the old fields, %d by Static and Offsets", ie.Text, j, i)
				}
			}
			if i < ie.Lo || i > ie.Hi {
				require.Failf(t, "index outside its range", "index %s = %d outside %d..%d", ie.Text, i, ie.Lo, ie.Hi)
			}
			return i
		}
		eval = func(x *Term, env Env) float64 {
			budget--
			if budget < 0 {
				panic(budgetSpent{})
			}
			var v float64
			infinite := false // some operand is ±inf or NaN
			args := func() []float64 {
				vals := make([]float64, len(x.Args))
				for i, a := range x.Args {
					vals[i] = eval(a, env)
					infinite = infinite || math.IsInf(vals[i], 0) || math.IsNaN(vals[i])
				}
				return vals
			}
			switch x.Kind {
			case TConst:
				v = x.Value
			case TInput:
				v = inputs[x.Input.Index]
			case TIndexVar:
				v = float64(env[x.Var.ID])
			case TRead, TData:
				idx := make([]int, len(x.Index))
				for k, ie := range x.Index {
					if x.Kind == TRead {
						idx[k] = indexOf(ie, x.State.Dims[k], env)
					} else {
						idx[k] = indexOf(ie, x.Data.Dims[k], env)
					}
				}
				if x.Kind == TRead {
					v = cell(x.State, idx)
				} else {
					v = dataAt(x.Data, idx)
				}
			case TAdd:
				for _, a := range args() {
					v += a
				}
			case TNeg:
				v = -args()[0]
			case TScale:
				v = x.Value * args()[0]
			case TMin, TMax:
				vals := args()
				v = vals[0]
				for _, a := range vals[1:] {
					if x.Kind == TMin {
						v = math.Min(v, a)
					} else {
						v = math.Max(v, a)
					}
				}
			case TClamp:
				vals := args()
				v = math.Min(math.Max(vals[0], vals[1]), vals[2])
			case TCmp:
				vals := args()
				v = float64(b2i(x.Op.Holds(vals[0], vals[1])))
			case TIf:
				if x.Cond.Eval(env) != 0 {
					v = eval(x.Args[0], env)
				} else {
					v = eval(x.Args[1], env)
				}
			case TReduce:
				v = math.Inf(1)
				if x.Reduce == TMax {
					v = math.Inf(-1)
				}
				forDomain(x.Domain, env, func(e int64) {
					env = env.Set(x.Var, e)
					if x.Filter != nil && x.Filter.Eval(env) == 0 {
						return
					}
					b := eval(x.Args[0], env)
					infinite = infinite || math.IsInf(b, 0) || math.IsNaN(b)
					if x.Reduce == TMin {
						v = math.Min(v, b)
					} else {
						v = math.Max(v, b)
					}
				})
			}
			if math.IsNaN(v) {
				// inf - inf and 0·inf have no value (see docs/dsl.md,
				// "Infinite values"); only infinite operands can cause it.
				require.True(t, infinite, "%s is NaN without an infinite operand", x.Text)
				return v
			}
			// Plain ifs: testify's helpers are too slow for every evaluation.
			if !(x.Lo <= v && v <= x.Hi || x.MayInf && math.IsInf(v, 1)) {
				require.Failf(t, "value outside the interval", "%s = %v outside [%v, %v] (MayInf %v)", x.Text, v, x.Lo, x.Hi, x.MayInf)
			}
			if x.Type == Int && !math.IsInf(v, 0) && math.Trunc(v) != v {
				require.Failf(t, "int term with a fraction", "%s is int but evaluates to %v", x.Text, v)
			}
			return v
		}
		env := make(Env, m.NumVars)
		if m.Steps == 0 {
			for _, s := range m.States {
				idx := make([]int, len(s.Dims))
				for k, d := range s.Dims {
					idx[k] = d.Lo + rng.IntN(d.Size())
				}
				env = BindDims(env, s.Dims, s.StepVars, idx)
				eval(s.Body, env)
			}
		} else {
			runSteps(m, cells, func(s *State, idx []int) float64 {
				env = BindDims(env, s.Dims, s.StepVars, idx)
				return eval(s.Body, env)
			})
		}
		if a := m.Answer; a != nil {
			switch a.Kind {
			case AnswerValue:
				eval(a.Value, env)
			case AnswerMaxIndex, AnswerMinIndex:
				env = env.Set(a.SearchVar, int64(a.Lo+rng.IntN(a.Hi-a.Lo+1)))
				eval(a.LHS, env)
				eval(a.RHS, env)
			}
		}
	}
	return true
}

// cellOffset is the row-major position of idx in dims.
func cellOffset(dims []Dim, idx []int) int {
	at := 0
	for k, d := range dims {
		at = at*d.Size() + idx[k] - d.Lo
	}
	return at
}

// runSteps runs a program with a steps line: cells (by state, by
// cellOffset) start at InitAt, and each step sets every cell to
// body(s, idx) over the previous step's cells.
func runSteps(m *Model, cells []map[int]float64, body func(*State, []int) float64) {
	for _, s := range m.States {
		forEachCell(s.Dims, func(idx []int) {
			cells[s.Index][cellOffset(s.Dims, idx)] = s.InitAt(idx)
		})
	}
	n := m.Steps
	if m.Fixpoint != nil {
		n++
	}
	for step := 0; step < n; step++ {
		next := make([]map[int]float64, len(m.States))
		for _, s := range m.States {
			next[s.Index] = map[int]float64{}
			forEachCell(s.Dims, func(idx []int) {
				next[s.Index][cellOffset(s.Dims, idx)] = body(s, idx)
			})
		}
		copy(cells, next)
	}
}

// forEachCell calls fn with every index tuple of dims.
func forEachCell(dims []Dim, fn func([]int)) {
	idx := make([]int, len(dims))
	var rec func(k int)
	rec = func(k int) {
		if k == len(dims) {
			fn(append([]int(nil), idx...))
			return
		}
		for i := dims[k].Lo; i <= dims[k].Hi; i++ {
			idx[k] = i
			rec(k + 1)
		}
	}
	rec(0)
}

// forDomain calls fn with the values of a reduction domain under env.
func forDomain(d *Static, env Env, fn func(int64)) {
	if d.Kind == SRange {
		for e, hi := d.Args[0].Eval(env), d.Args[1].Eval(env); e <= hi; e++ {
			fn(e)
		}
		return
	}
	for _, e := range setElems(d.Eval(env)) {
		fn(int64(e))
	}
}

// budgetSpent is panicked by an evaluation that ran out of evalBudget.
type budgetSpent struct{}
