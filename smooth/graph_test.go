package smooth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// The checks of Graph against an independent truth: every derivation of
// the answer enumerated by a hand-written recursion per program (below,
// sharing nothing with graph.go), from which the Shannon value is
// γ·log Σ exp(score/γ) and the marginals are the probability-weighted
// uses; and, for every regulariser, central finite differences.

// deriv is one derivation: its score and its use of every parameter
// (∂score/∂θ, dense).
type deriv struct {
	score float64
	use   []float64
}

// enum builds derivation lists over np parameters.
type enum struct{ np int }

func (e enum) leaf(score float64) []deriv {
	return []deriv{{score, make([]float64, e.np)}}
}

// add returns ds with score +s and, when p ≥ 0, θ[p] used coef times.
func (e enum) add(ds []deriv, s float64, p int, coef float64) []deriv {
	out := make([]deriv, len(ds))
	for i, d := range ds {
		u := append([]float64(nil), d.use...)
		if p >= 0 {
			u[p] += coef
		}
		out[i] = deriv{d.score + s, u}
	}
	return out
}

// cross is every pair of a and b, scores and uses added.
func (e enum) cross(a, b []deriv) []deriv {
	var out []deriv
	for _, x := range a {
		for _, y := range b {
			u := make([]float64, e.np)
			for i := range u {
				u[i] = x.use[i] + y.use[i]
			}
			out = append(out, deriv{x.score + y.score, u})
		}
	}
	return out
}

// gibbsDerivs is the Shannon value sign·γ·log Σ exp(sign·score/γ) and the
// marginals Σ P(d)·use(d), P ∝ exp(sign·score/γ).
func gibbsDerivs(ds []deriv, gamma, sign float64, np int) (float64, []float64) {
	m, best := math.Inf(-1), 0
	for i, d := range ds {
		if sign*d.score > m {
			m, best = sign*d.score, i
		}
	}
	rest := 0.0 // Σ over all but the best, so that log(1 + rest) keeps its precision
	for i, d := range ds {
		if i != best {
			rest += math.Exp((sign*d.score - m) / gamma)
		}
	}
	z := 1 + rest
	y := make([]float64, np)
	for _, d := range ds {
		w := math.Exp((sign*d.score-m)/gamma) / z
		for i, u := range d.use {
			y[i] += w * u
		}
	}
	return sign * (m + gamma*math.Log1p(rest)), y
}

// brute is one program on one instance: the graph and, per output, the
// enumerated derivations and whether the output is a max (+1) or min (−1).
type brute struct {
	name   string
	g      *Graph
	sign   float64
	derivs map[int][]deriv // output → derivations (outputs with none are infinite)
}

// pidx is the θ index of entry flat of block (name, kind).
func pidx(t testing.TB, g *Graph, kind ParamKind, name string, flat int) int {
	b := g.Param(name, kind)
	require.NotNil(t, b, "block %s %s", kind, name)
	require.Less(t, flat, b.Len)
	return b.Start + flat
}

func lcsBrute(t testing.TB, rng *rand.Rand) brute {
	mm, nn := 2+rng.IntN(4), 2+rng.IntN(4)
	m := testprog.File(t, "../examples/lcs.dp", map[string]int64{"m": int64(mm), "n": int64(nn), "a": 3})
	x, y := randInts(rng, mm, 3), randInts(rng, nn, 3)
	g, err := NewGraph(m, [][]float64{x, y}, nil, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	memo := map[[2]int][]deriv{}
	var f func(i, j int) []deriv
	f = func(i, j int) []deriv {
		if i == 0 || j == 0 {
			return e.leaf(0)
		}
		if d, ok := memo[[2]int{i, j}]; ok {
			return d
		}
		match := 0.0
		if x[i-1] == y[j-1] {
			match = 1
		}
		var ds []deriv
		ds = append(ds, f(i-1, j)...)
		ds = append(ds, f(i, j-1)...)
		ds = append(ds, e.add(f(i-1, j-1), match, -1, 0)...)
		ds = e.add(ds, 0, pidx(t, g, CellParam, "f", (i-1)*nn+j-1), 1)
		memo[[2]int{i, j}] = ds
		return ds
	}
	return brute{"lcs", g, 1, map[int][]deriv{0: f(mm, nn)}}
}

func editBrute(t testing.TB, rng *rand.Rand) brute {
	mm, nn := 1+rng.IntN(4), 1+rng.IntN(4)
	m := testprog.File(t, "../testdata/programs/editdistance.dp", map[string]int64{"m": int64(mm), "n": int64(nn), "a": 2})
	x, y := randInts(rng, mm, 2), randInts(rng, nn, 2)
	g, err := NewGraph(m, [][]float64{x, y}, nil, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	memo := map[[2]int][]deriv{}
	var d func(i, j int) []deriv
	d = func(i, j int) []deriv {
		if ds, ok := memo[[2]int{i, j}]; ok {
			return ds
		}
		var ds []deriv
		switch {
		case i == 0:
			ds = e.leaf(float64(j))
		case j == 0:
			ds = e.leaf(float64(i))
		default:
			sub := 1.0
			if x[i-1] == y[j-1] {
				sub = 0
			}
			ds = append(ds, e.add(d(i-1, j), 1, -1, 0)...)
			ds = append(ds, e.add(d(i, j-1), 1, -1, 0)...)
			ds = append(ds, e.add(d(i-1, j-1), sub, -1, 0)...)
		}
		ds = e.add(ds, 0, pidx(t, g, CellParam, "d", i*(nn+1)+j), 1)
		memo[[2]int{i, j}] = ds
		return ds
	}
	return brute{"editdistance", g, -1, map[int][]deriv{0: d(mm, nn)}}
}

func randInts(rng *rand.Rand, n, a int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(1 + rng.IntN(a))
	}
	return out
}

// randArcs is an n×n cost matrix in lo..hi with a fraction of missing
// arcs (+inf) and, when noLoops, inf on the diagonal.
func randArcs(rng *rand.Rand, n, lo, hi int, missing float64, noLoops bool) []float64 {
	c := make([]float64, n*n)
	for i := range c {
		c[i] = float64(lo + rng.IntN(hi-lo+1))
		if rng.Float64() < missing || noLoops && i/n == i%n {
			c[i] = math.Inf(1)
		}
	}
	return c
}

func bellmanBrute(t testing.TB, rng *rand.Rand) brute {
	n := 3 + rng.IntN(3)
	m := testprog.File(t, "../examples/bellmanford.dp", map[string]int64{"n": int64(n), "cmax": 5})
	c := randArcs(rng, n, 0, 5, 0.3, true)
	g, err := NewGraph(m, [][]float64{c}, nil, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	memo := map[[2]int][]deriv{}
	var d func(s, v int) []deriv // after s steps
	d = func(s, v int) []deriv {
		if s == 0 {
			if v == 1 {
				return e.leaf(0)
			}
			return nil
		}
		if ds, ok := memo[[2]int{s, v}]; ok {
			return ds
		}
		ds := append([]deriv(nil), d(s-1, v)...)
		for u := 1; u <= n; u++ {
			if cu := c[(u-1)*n+v-1]; !math.IsInf(cu, 1) {
				ds = append(ds, e.add(d(s-1, u), cu, pidx(t, g, DataParam, "c", (u-1)*n+v-1), 1)...)
			}
		}
		ds = e.add(ds, 0, pidx(t, g, CellParam, "d", v-1), 1)
		memo[[2]int{s, v}] = ds
		return ds
	}
	out := map[int][]deriv{}
	for v := 1; v <= n; v++ {
		out[v-1] = d(n-1, v)
	}
	return brute{"bellmanford", g, -1, out}
}

func apspBrute(t testing.TB, rng *rand.Rand) brute {
	n := 3 + rng.IntN(2)
	m := testprog.File(t, "../examples/apsp.dp", map[string]int64{"n": int64(n), "cmax": 5})
	c := randArcs(rng, n, 0, 5, 0.3, false)
	g, err := NewGraph(m, [][]float64{c}, nil, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	steps := m.Steps
	memo := map[[3]int][]deriv{}
	var d func(s, i, j int) []deriv
	d = func(s, i, j int) []deriv {
		if s == 0 {
			return nil
		}
		if ds, ok := memo[[3]int{s, i, j}]; ok {
			return ds
		}
		ds := append([]deriv(nil), d(s-1, i, j)...)
		if cij := c[(i-1)*n+j-1]; !math.IsInf(cij, 1) {
			ds = append(ds, e.add(e.leaf(0), cij, pidx(t, g, DataParam, "c", (i-1)*n+j-1), 1)...)
		}
		if i == j {
			ds = append(ds, e.leaf(0)...)
		}
		for k := 1; k <= n; k++ {
			ds = append(ds, e.cross(d(s-1, i, k), d(s-1, k, j))...)
		}
		ds = e.add(ds, 0, pidx(t, g, CellParam, "d", (i-1)*n+j-1), 1)
		memo[[3]int{s, i, j}] = ds
		return ds
	}
	out := map[int][]deriv{}
	for i := 1; i <= n; i++ {
		for j := 1; j <= n; j++ {
			out[(i-1)*n+j-1] = d(steps, i, j)
		}
	}
	return brute{"apsp", g, -1, out}
}

func cspBrute(t testing.TB, rng *rand.Rand) brute {
	n, lmax := 4, 2
	m := testprog.File(t, "../examples/csp.dp", map[string]int64{"n": int64(n), "t": int64(n), "lmax": int64(lmax), "rmax": 5})
	length := make([]float64, n*n)
	for i := range length {
		length[i] = float64(1 + rng.IntN(lmax))
	}
	r := randArcs(rng, n, 0, 5, 0.3, true)
	cmax := (n - 1) * lmax
	g, err := NewGraph(m, [][]float64{length, r, {7}}, nil, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	memo := map[[2]int][]deriv{}
	var f func(c, v int) []deriv
	f = func(c, v int) []deriv {
		if c < 0 {
			return nil
		}
		if ds, ok := memo[[2]int{c, v}]; ok {
			return ds
		}
		var ds []deriv
		if v == 1 {
			ds = e.leaf(0)
		} else {
			ds = append(ds, f(c-1, v)...)
			for u := 1; u <= n; u++ {
				a := (u-1)*n + v - 1
				if !math.IsInf(r[a], 1) {
					ds = append(ds, e.add(f(c-int(length[a]), u), r[a], pidx(t, g, DataParam, "r", a), 1)...)
				}
			}
		}
		ds = e.add(ds, 0, pidx(t, g, CellParam, "f", c*n+v-1), 1)
		memo[[2]int{c, v}] = ds
		return ds
	}
	out := map[int][]deriv{}
	for c := 0; c <= cmax; c++ {
		for v := 1; v <= n; v++ {
			out[c*n+v-1] = f(c, v)
		}
	}
	return brute{"csp", g, -1, out}
}

func heldKarpBrute(t testing.TB, rng *rand.Rand) brute {
	n := 4 + rng.IntN(2)
	m := testprog.File(t, "../examples/heldkarp.dp", map[string]int64{"n": int64(n), "cmax": 9})
	c := randArcs(rng, n, 0, 9, 0.1, false)
	g, err := NewGraph(m, [][]float64{c}, nil, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	full := (1 << (n - 1)) - 1 // subsets of 1..n−1, bit e−1 for city e
	var f func(S, v int) []deriv
	f = func(S, v int) []deriv {
		if S>>(v-1)&1 == 0 {
			return nil
		}
		var ds []deriv
		if S == 1<<(v-1) {
			if !math.IsInf(c[v], 1) {
				ds = e.add(e.leaf(0), c[v], pidx(t, g, DataParam, "c", v), 1)
			}
		} else {
			for u := 1; u < n; u++ {
				if u != v && S>>(u-1)&1 == 1 && !math.IsInf(c[u*n+v], 1) {
					ds = append(ds, e.add(f(S&^(1<<(v-1)), u), c[u*n+v], pidx(t, g, DataParam, "c", u*n+v), 1)...)
				}
			}
		}
		return e.add(ds, 0, pidx(t, g, CellParam, "f", S*(n-1)+v-1), 1)
	}
	var tours []deriv
	for v := 1; v < n; v++ {
		if !math.IsInf(c[v*n], 1) {
			tours = append(tours, e.add(f(full, v), c[v*n], pidx(t, g, DataParam, "c", v*n), 1)...)
		}
	}
	return brute{"heldkarp", g, -1, map[int][]deriv{0: tours}}
}

// knapsackValueBrute is knapsack_value.dp: v[c] = max(v[c], v[c−w]+θ).
func knapsackValueBrute(t testing.TB, rng *rand.Rand) brute {
	items, C := 2+rng.IntN(4), 3+rng.IntN(4)
	m := testprog.File(t, "../examples/knapsack_value.dp", map[string]int64{"C": int64(C)})
	steps := make([][]float64, items)
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(C)), math.Round(rng.NormFloat64()*100) / 100}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	var v func(i, c int) []deriv
	v = func(i, c int) []deriv {
		if c < 0 {
			return nil
		}
		if i == 0 {
			return e.leaf(0)
		}
		w, th := int(steps[i-1][0]), steps[i-1][1]
		ds := append([]deriv(nil), v(i-1, c)...)
		ds = append(ds, e.add(v(i-1, c-w), th, pidx(t, g, InputParam, "theta", i-1), 1)...)
		return e.add(ds, 0, pidx(t, g, CellParam, "v", c), 1)
	}
	return brute{"knapsack_value", g, 1, map[int][]deriv{0: v(items, C)}}
}

// knapsackBrute is knapsack.dp (profit-indexed, min, a search answer:
// the outputs are the state f).
func knapsackBrute(t testing.TB, rng *rand.Rand) brute {
	items, P := 2+rng.IntN(3), 3+rng.IntN(3)
	m := testprog.File(t, "../examples/knapsack.dp", map[string]int64{"pmax": int64(P)})
	steps := make([][]float64, items)
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(P)), math.Round(rng.Float64()*100) / 100}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	var f func(i, p int) []deriv
	f = func(i, p int) []deriv {
		if p <= 0 {
			return e.leaf(0)
		}
		if i == 0 {
			return e.leaf(2)
		}
		pr, size := int(steps[i-1][0]), steps[i-1][1]
		ds := append([]deriv(nil), f(i-1, p)...)
		ds = append(ds, e.add(f(i-1, p-pr), size, pidx(t, g, InputParam, "size", i-1), 1)...)
		return e.add(ds, 0, pidx(t, g, CellParam, "f", p-1), 1)
	}
	out := map[int][]deriv{}
	for p := 1; p <= P; p++ {
		out[p-1] = f(items, p)
	}
	return brute{"knapsack", g, -1, out}
}

var brutes = []func(testing.TB, *rand.Rand) brute{
	lcsBrute, editBrute, bellmanBrute, apspBrute, cspBrute, heldKarpBrute, knapsackValueBrute, knapsackBrute,
}

// unit is the seed selecting output k of g.
func unit(g *Graph, k int) []float64 {
	s := make([]float64, len(g.Outputs))
	s[k] = 1
	return s
}

func TestGraphShannonEqualsEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 14))
	for _, mk := range brutes {
		for trial := range 4 {
			b := mk(t, rng)
			for _, gamma := range []float64{0.3, 1, 3} {
				r, err := b.g.Forward(Shannon, gamma, nil)
				require.NoError(t, err)
				vals := r.Values()
				checked := 0
				for k := range b.g.Outputs {
					ds := b.derivs[k]
					where := fmt.Sprintf("%s trial %d γ=%g output %s (%d derivations)", b.name, trial, gamma, b.g.Outputs[k], len(ds))
					if len(ds) == 0 {
						require.True(t, math.IsInf(vals[k], 0), where)
						continue
					}
					want, wantY := gibbsDerivs(ds, gamma, b.sign, len(b.g.Theta))
					require.InDelta(t, want, vals[k], 1e-12*(1+math.Abs(want)), where) // both sum exponentials; rounding only
					y, err := r.Marginals(unit(b.g, k))
					require.NoError(t, err)
					for i := range y {
						require.InDelta(t, wantY[i], y[i], 1e-12*(1+math.Abs(wantY[i])), "%s: θ[%d]", where, i)
					}
					checked++
				}
				require.Positive(t, checked, b.name)
			}
		}
	}
}
