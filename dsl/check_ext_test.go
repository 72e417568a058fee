package dsl

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the checked semantics of the extensions: data, or inf, if,
// reductions, brackets, subsets dimensions, index offsets, initial terms
// and the step-iterated interval analysis.

var inf = math.Inf(1)

// TestCheckExtensionTerms checks kind, type, interval and MayInf of step
// bodies of a program without a steps line (declared ranges).
func TestCheckExtensionTerms(t *testing.T) {
	const decls = `dp t
param n int = 4
data w[i in 1..n] int in 1..3
data cost[i in 1..n] int in 0..5 or inf
data r real in 0..1
state f[p in 1..n] int in 0..10 = 0
f[p <= 0] = 0
state d[p in 1..n] int in -20..20 or inf = inf
d[p <= 0] = inf
state x[p in 1..n] real in -inf..inf = 0
state y[p in 1..n] int in -100..100 or inf = 0
`
	tests := []struct {
		state, body string
		kind        TermKind
		typ         Type
		lo, hi      float64
		mayInf      bool
	}{
		// if: the union of the branches; a constant condition picks one.
		{"y", "if p == 1 then 0 else f[p - 1]", TIf, Int, 0, 10, false},
		{"y", "if n == 4 then 3 else f[p]", TConst, Int, 3, 3, false},
		{"y", "if p == 1 then 0 else inf", TIf, Int, 0, 0, true},
		{"y", "if p == 1 then inf else inf", TIf, Int, inf, inf, true},
		{"x", "if p in {1, 2} then r else -r", TIf, Real, -1, 1, false},
		// reductions: the body's interval; min over a domain that may be
		// empty may be +inf, max over one may be -inf.
		{"y", "min(k in 1..n: f[k])", TReduce, Int, 0, 10, false},
		{"y", "max(k in 1..p: f[k] + w[k])", TReduce, Int, 1, 13, false},
		{"y", "min(k in 1..n where k != p: f[k])", TReduce, Int, 0, 10, false},          // never empty for n = 4
		{"y", "min(k in 1..n where k != p and k > 3: f[k])", TReduce, Int, 0, 10, true}, // empty at p = 4
		{"y", "min(k in p + 1..n: f[k])", TReduce, Int, 0, 10, true},
		{"x", "max(k in p + 1..n: f[k])", TReduce, Int, -inf, 10, false},
		{"y", "min(k in 1..n: d[k] + cost[k])", TReduce, Int, -20, 25, true},
		// brackets: 0..1, or one value when the operands decide it.
		{"y", "[w[p] == w[1]]", TCmp, Int, 0, 1, false},
		{"y", "[w[p] < 4]", TCmp, Int, 1, 1, false},
		{"y", "[w[p] > 3] + 2 * [p <= w[p]]", TAdd, Int, 0, 2, false},
		{"y", "[2 < 1]", TConst, Int, 0, 0, false},
		// MayInf through min (all args), max and + (any arg).
		{"y", "min(d[p], cost[p])", TMin, Int, -20, 20, true},
		{"y", "min(d[p], f[p])", TMin, Int, -20, 10, false},
		{"y", "min(inf, f[p], cost[p])", TMin, Int, 0, 10, false},
		{"y", "min(inf, cost[p])", TMin, Int, 0, 5, true},
		{"y", "max(f[p], cost[p])", TMax, Int, 0, 10, true},
		{"y", "max(inf, f[p])", TMax, Int, inf, inf, true},
		{"y", "d[p - 1] + f[p]", TAdd, Int, -20, 30, true},
		{"y", "clamp(d[p], 0, 7)", TClamp, Int, 0, 7, false},
		{"y", "2 * cost[p] - 3", TAdd, Int, -3, 7, true},
		// data read at a static index, scalar data.
		{"y", "w[n + 1 - p]", TData, Int, 1, 3, false},
		{"x", "r", TData, Real, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.state+"="+tt.body, func(t *testing.T) {
			b := stepBody(t, decls, []string{"f", "d", "x", "y"}, tt.state, tt.body)
			assert.Equal(t, tt.kind, b.Kind)
			assert.Equal(t, tt.typ, b.Type)
			assert.Equal(t, tt.lo, b.Lo, "Lo")
			assert.Equal(t, tt.hi, b.Hi, "Hi")
			assert.Equal(t, tt.mayInf, b.MayInf, "MayInf")
		})
	}
}

// TestCheckStepIteration checks the step-iterated interval analysis: the
// stored intervals are the join over the steps, and a step outside the
// declared range is reported with its number and interval.
func TestCheckStepIteration(t *testing.T) {
	tests := []struct {
		name, src string
		lo, hi    float64 // the body's interval (when err is "")
		mayInf    bool
		err       string
	}{
		{"counter", "state f[i in 1..2] int in 0..5 = 0\nsteps 5\nstep f[i] = f[i] + 1", 1, 5, false, ""},
		{"counter one too many", "state f[i in 1..2] int in 0..5 = 0\nsteps 6\nstep f[i] = f[i] + 1", 0, 0, false,
			"t.dp:4:13: step 6 of f is in 6..6, outside its declared range 0..5; clamp it with clamp(...) or widen the declaration"},
		{"fixpoint adds a step", "state f[i in 1..2] int in 0..5 = 0\nsteps 5\nrequire fixpoint \"x\"\nstep f[i] = f[i] + 1", 0, 0, false,
			"t.dp:5:13: step 6 of f is in 6..6, outside its declared range 0..5; clamp it with clamp(...) or widen the declaration"},
		{"stable", "state f[i in 1..2] int in 0..5 = 0\nsteps 60000\nstep f[i] = max(f[i], 3)", 3, 3, false, ""},
		{"from one source", "data c[i in 1..2] int in -1..2 or inf\nstate f[i in 1..2] int in -9..9 or inf = if i == 1 then 0 else inf\nsteps 3\nstep f[i] = min(f[i], f[3 - i] + c[i])",
			-3, 6, true, ""},
		// Step 1 gives 0..4 or inf, step 2 0..8 or inf: the analysis does
		// not know that f[1] stays 0.
		{"init term", "state f[i in 1..3] int in 0..9 or inf = if i == 1 then 0 else inf\nsteps 2\nstep f[i] = min(f[i], f[1] + 4)",
			0, 8, true, ""},
		{"never finite", "data c[i in 1..2] int in -1..2 or inf\nstate f[i in 1..2] int in -9..9 or inf = inf\nsteps 3\nstep f[i] = min(f[i], f[3 - i] + c[i])",
			inf, inf, true, ""},
		{"may become inf", "data c[i in 1..2] int in 0..2 or inf\nstate f[i in 1..2] int in 0..9 = 0\nsteps 2\nstep f[i] = max(f[i], c[i])", 0, 0, false,
			"t.dp:5:13: step 1 of f is in 0..2 or inf, outside its declared range 0..9; clamp it with clamp(...) or widen the declaration"},
		{"two states", "state a[i in 1..2] int in 0..3 = 0\nstate b[i in 1..2] int in 0..9 = 0\nsteps 4\nstep a[i] = min(a[i] + 1, 3)\nstep b[i] = b[i] + a[i]", 0, 6, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "dp t\n" + tt.src + "\n"
			f, err := Parse("t.dp", []byte(src))
			require.NoError(t, err)
			m, err := Check(f, nil)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			checkModel(t, m)
			b := m.States[len(m.States)-1].Body
			assert.Equal(t, [2]float64{tt.lo, tt.hi}, [2]float64{b.Lo, b.Hi})
			assert.Equal(t, tt.mayInf, b.MayInf)
		})
	}
}

// TestCheckVars checks variable IDs: every variable has its own ID below
// NumVars; the state line's and the step line's variables differ.
func TestCheckVars(t *testing.T) {
	m := checkSource(t, `dp v
param n int = 3
data c[u in 1..n, v in 1..n] int in 0..9
state f[S in subsets(1..n), v in 1..n] int in 0..99 or inf = if v in S then 0 else inf
steps 2
step f[T, w] = min(u in T - {w}: f[T - {w}, u] + c[u, w])
answer min(v in 1..n: f[{1..n}, v])
`, nil)
	st := m.States[0]
	seen := map[int]string{}
	note := func(v *Var) {
		require.NotNil(t, v)
		require.Less(t, v.ID, m.NumVars)
		_, dup := seen[v.ID]
		assert.False(t, dup, "ID %d of %s used twice", v.ID, v.Name)
		seen[v.ID] = v.Name
	}
	for k, d := range st.Dims {
		note(d.V)
		note(st.StepVars[k])
		assert.Equal(t, d.Var, d.V.Name)
		assert.Equal(t, VarDim, st.StepVars[k].Kind)
		assert.Equal(t, k, st.StepVars[k].Dim)
	}
	assert.Equal(t, []string{"S", "v"}, []string{st.Dims[0].V.Name, st.Dims[1].V.Name})
	assert.Equal(t, []string{"T", "w"}, []string{st.StepVars[0].Name, st.StepVars[1].Name})
	assert.True(t, st.StepVars[0].Set)
	assert.Equal(t, [2]int{1, 3}, [2]int{st.StepVars[0].ElemLo, st.StepVars[0].ElemHi})

	body := st.Body
	require.Equal(t, TReduce, body.Kind)
	note(body.Var)
	assert.Equal(t, VarReduce, body.Var.Kind)
	assert.Equal(t, "u", body.Var.Name)
	assert.Equal(t, [2]int{1, 3}, [2]int{body.Var.Lo, body.Var.Hi})
	ans := m.Answer.Value
	require.Equal(t, TReduce, ans.Kind)
	note(ans.Var)
	assert.Equal(t, 6, m.NumVars, "S, v, T, w, u and the answer's v")
	assert.Len(t, seen, m.NumVars)

	// The body refers to the step variables, the init to the state line's.
	read := body.Args[0].Args[0]
	require.Equal(t, TRead, read.Kind)
	assert.Same(t, st.StepVars[0], read.Index[0].Static.Args[0].Var)
	cond := st.InitTerm.Cond
	assert.Same(t, st.Dims[1].V, cond.Args[0].Var)
	assert.Same(t, st.Dims[0].V, cond.Args[1].Var)
}

// TestCheckSubsets checks subsets dimensions: index values are bitmasks
// shifted right by ElemLo; set values in an Env are absolute bitmasks.
func TestCheckSubsets(t *testing.T) {
	m := checkSource(t, `dp s
state f[S in subsets(2..5), v in 2..5] int in 0..9 or inf = inf
steps 1
step f[S, v] = if v notin S then inf else min(u in S - {v} where u > 2: f[S - {v} + {2}, u])
`, nil)
	st := m.States[0]
	assert.Equal(t, Dim{Var: "S", Lo: 0, Hi: 15, Set: true, ElemLo: 2, ElemHi: 5, V: st.Dims[0].V}, st.Dims[0])
	assert.Equal(t, 64, st.Cells())

	red := st.Body.Args[1]
	require.Equal(t, TReduce, red.Kind)
	read := red.Args[0]
	require.Equal(t, TRead, read.Kind)
	ix := read.Index[0]
	assert.Equal(t, SUnion, ix.Static.Kind)
	assert.False(t, ix.Simple)
	assert.Equal(t, [2]int{0, 15}, [2]int{ix.Lo, ix.Hi})

	// S = {3, 5} (index value 0b1010 = 10: elements 3 and 5 are bits 1
	// and 3 after the shift by ElemLo = 2), v = 5, u = 3.
	env := BindDims(nil, st.Dims, st.StepVars, []int{10, 5})
	assert.Equal(t, int64(1<<3|1<<5), env[st.StepVars[0].ID])
	env = env.Set(red.Var, 3)
	assert.Equal(t, 0b0011, ix.StaticValue(st.Dims[0], env), "S - {5} + {2} = {2, 3}, bits 0 and 1 after the shift")
	assert.Equal(t, int64(1<<3), red.Domain.Eval(env), "S - {v} = {3}")
	assert.Equal(t, int64(1), red.Filter.Eval(env), "u > 2")
	assert.Equal(t, SNotIn, st.Body.Cond.Kind)
	assert.Equal(t, int64(0), st.Body.Cond.Eval(env), "5 notin {3, 5} is false")
}

// TestCheckDataOffsetIndex checks an index with a run-time data offset,
// as in the constrained shortest path: f[c - len[u, v], u].
func TestCheckDataOffsetIndex(t *testing.T) {
	m := checkSource(t, `dp o
param n int = 3
data len[u in 1..n, v in 1..n] int in 1..4
state f[c in 0..8, v in 1..n] int in 0..99 or inf = inf
f[c < 0] = inf
steps 2
step f[c, v] = min(u in 1..n: f[c - len[u, v], u] + 1)
`, nil)
	st := m.States[0]
	read := st.Body.Args[0].Args[0]
	require.Equal(t, TRead, read.Kind)
	assert.Equal(t, "f[c - len[u, v], u]", read.Text)

	c := read.Index[0]
	assert.Equal(t, SVar, c.Static.Kind)
	assert.Same(t, st.StepVars[0], c.Static.Var)
	require.Len(t, c.Offsets, 1)
	assert.Equal(t, -1, c.Offsets[0].Coef)
	off := c.Offsets[0].Term
	assert.Equal(t, TData, off.Kind)
	assert.Equal(t, "len[u, v]", off.Text)
	assert.Equal(t, [2]int{-4, 7}, [2]int{c.Lo, c.Hi})
	assert.False(t, c.Simple, "a data offset is not the old form")
	assert.False(t, c.HasVar)
	assert.Empty(t, c.Terms)
	// The data read's own indices are static: u (the reduction variable)
	// and v (the step variable of dimension 1 used in dimension 1).
	require.Len(t, off.Index, 2)
	assert.Same(t, st.Body.Var, off.Index[0].Static.Var)
	assert.False(t, off.Index[0].Simple)
	assert.True(t, off.Index[1].Simple)
	assert.True(t, off.Index[1].HasVar)

	u := read.Index[1]
	assert.Equal(t, SVar, u.Static.Kind)
	assert.Same(t, st.Body.Var, u.Static.Var)
	assert.Empty(t, u.Offsets)
	assert.False(t, u.Simple)

	// The reads below c = 0 see the boundary: the read may be inf.
	assert.True(t, read.MayInf)
}

// TestCheckIndexForms checks Static, Offsets and the old fields of
// indices of the forms the extensions allow.
func TestCheckIndexForms(t *testing.T) {
	const decls = `dp t
param n int = 5
input a int in 1..2
data k[i in 1..n] int in 0..2
state f[p in 1..n] int in 0..1 = 0
f[p <= 0] = 0
f[p > n] = 0
`
	tests := []struct {
		index          string
		simple, hasVar bool
		konst          int
		static         string // staticString of Static
		offsets        []string
		lo, hi         int
	}{
		{"p - a + 1", true, true, 1, "p + 1", []string{"-a"}, 0, 5},
		{"n - 1", true, false, 4, "4", nil, 4, 4},
		{"2 * p", false, false, 0, "2*p", nil, 2, 10},
		{"n + 1 - p", false, false, 0, "-1*p + 6", nil, 1, 5},
		{"p + k[p]", false, false, 0, "p", []string{"+k[p]"}, 1, 7},
		{"p - k[n] - a", false, false, 0, "p", []string{"-a", "-k[n]"}, -3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.index, func(t *testing.T) {
			m := checkSource(t, decls+"step f[p] = f["+tt.index+"]\n", nil)
			ie := m.States[0].Body.Index[0]
			assert.Equal(t, tt.simple, ie.Simple)
			assert.Equal(t, tt.hasVar, ie.HasVar)
			assert.Equal(t, tt.konst, ie.Const)
			assert.Equal(t, tt.static, staticString(ie.Static))
			var offs []string
			for _, o := range ie.Offsets {
				sign := "+"
				if o.Coef < 0 {
					sign = "-"
				}
				offs = append(offs, sign+o.Term.Text)
			}
			assert.Equal(t, tt.offsets, offs)
			assert.Equal(t, [2]int{tt.lo, tt.hi}, [2]int{ie.Lo, ie.Hi})
		})
	}
}

// TestCheckInitTerm checks a per-cell initial value and InitAt.
func TestCheckInitTerm(t *testing.T) {
	m := checkSource(t, `dp i
param n int = 4
param s int = 2
state d[v in 1..n] int in 0..9 or inf = if v == s then 0 else inf
state e[v in 1..n] int in 0..9 = 3
state g[i in 1..n, j in 1..n] int in 0..9 or inf = if i == j then 0 else if i < j then i + j else inf
step d[v] = d[v]
step e[v] = e[v]
step g[i, j] = g[i, j]
`, nil)
	d := m.States[0]
	require.NotNil(t, d.InitTerm)
	assert.Equal(t, TIf, d.InitTerm.Kind)
	assert.Equal(t, "if v == s then 0 else inf", d.InitTerm.Text)
	assert.Equal(t, [3]any{0.0, 0.0, true}, [3]any{d.InitTerm.Lo, d.InitTerm.Hi, d.InitTerm.MayInf})
	var got []float64
	for v := 1; v <= 4; v++ {
		got = append(got, d.InitAt([]int{v}))
	}
	assert.Equal(t, []float64{inf, 0, inf, inf}, got)

	e := m.States[1]
	assert.Nil(t, e.InitTerm, "a constant init stays Init")
	assert.Equal(t, 3.0, e.Init)
	assert.Equal(t, 3.0, e.InitAt([]int{2}))

	g := m.States[2]
	require.NotNil(t, g.InitTerm)
	// i < j narrows i to 1..3 and j to 2..4: i + j is at most 7.
	assert.Equal(t, [2]float64{0, 7}, [2]float64{g.InitTerm.Lo, g.InitTerm.Hi})
	assert.Equal(t, 0.0, g.InitAt([]int{3, 3}))
	assert.Equal(t, 4.0, g.InitAt([]int{1, 3}))
	assert.Equal(t, inf, g.InitAt([]int{3, 1}))
}

// TestCheckAnswerForms checks answer NAME and a search over a dimension
// other than the first.
func TestCheckAnswerForms(t *testing.T) {
	const decls = `dp a
param n int = 3
data R int in 0..5
state f[c in 0..4, v in 1..n] int in 0..9 = 0
step f[c, v] = f[c, v]
`
	m := checkSource(t, decls+"answer f\n", nil)
	assert.Equal(t, AnswerState, m.Answer.Kind)
	assert.Same(t, m.States[0], m.Answer.State)

	m = checkSource(t, decls+"answer max v where f[2, v] <= R\n", nil)
	a := m.Answer
	assert.Equal(t, AnswerMaxIndex, a.Kind)
	assert.Equal(t, 1, a.Dim)
	assert.Equal(t, [2]int{1, 3}, [2]int{a.Lo, a.Hi})
	assert.Equal(t, VarSearch, a.SearchVar.Kind)
	assert.Equal(t, TData, a.RHS.Kind)
	ix := a.LHS.Index[1]
	assert.Same(t, a.SearchVar, ix.Static.Var)
	assert.False(t, ix.Simple, "the old form has the answer variable in dimension 0 only")
}

// TestIntervalRules checks the interval rules of values that may be +inf
// directly.
func TestIntervalRules(t *testing.T) {
	fin := func(lo, hi float64) ival { return ival{lo: lo, hi: hi} }
	mayInf := func(lo, hi float64) ival { return ival{lo: lo, hi: hi, inf: true} }
	onlyInf := point(inf)
	tests := []struct {
		name      string
		got, want ival
	}{
		{"min finite", minIval([]ival{fin(0, 5), fin(2, 3)}), fin(0, 3)},
		{"min one finite", minIval([]ival{mayInf(0, 5), fin(2, 3)}), fin(0, 3)},
		{"min all may be inf: largest finite end", minIval([]ival{mayInf(0, 5), mayInf(2, 3)}), mayInf(0, 5)},
		{"min with inf", minIval([]ival{onlyInf, mayInf(2, 3)}), mayInf(2, 3)},
		{"min of infs", minIval([]ival{onlyInf, onlyInf}), onlyInf},
		{"max with inf", maxIval([]ival{onlyInf, fin(2, 3)}), ival{lo: inf, hi: inf, inf: true}},
		{"max may be inf", maxIval([]ival{mayInf(0, 5), fin(2, 3)}), mayInf(2, 5)},
		{"add", addIval([]ival{mayInf(0, 5), fin(2, 3)}), mayInf(2, 8)},
		{"add inf", addIval([]ival{onlyInf, fin(2, 3)}), onlyInf},
		{"union with inf", union(onlyInf, fin(1, 2)), mayInf(1, 2)},
		{"clamp inf", clampIval(mayInf(0, 1), 0, 7), fin(0, 7)},
		{"scale", scaleIval(2, mayInf(-1, 1)), mayInf(-2, 2)},
		{"cmp undecided", cmpIval(EQ, fin(0, 2), fin(1, 1)), fin(0, 1)},
		{"cmp true", cmpIval(LE, fin(0, 2), fin(2, 3)), fin(1, 1)},
		{"cmp false", cmpIval(EQ, fin(0, 2), fin(3, 3)), fin(0, 0)},
		{"reduce min may be empty", reduceIval(TMin, fin(1, 2), true), mayInf(1, 2)},
		{"reduce max may be empty", reduceIval(TMax, fin(1, 2), true), fin(math.Inf(-1), 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
