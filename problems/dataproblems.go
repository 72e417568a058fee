package problems

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth/graphs"
)

// DataAnswer is the exact answer of a data problem's instance.
type DataAnswer struct {
	// Value is the value of the answer line: the LCS length, the least
	// length of a feasible path, the optimal tour; math.Inf(1) when there
	// is none (no feasible path, no tour). NaN for a program that answers
	// a whole state.
	Value float64
	// Cells holds, for a program that answers a whole state ("answer d"),
	// its cells row-major: the distances, math.Inf(1) for unreachable.
	// nil when NegativeCycle is set.
	Cells []float64
	// Final holds the program's state after its last step, row-major,
	// as the solver's own tables give it (the LCS table, the rows of
	// Bellman–Ford, L(2^k), the length table, every f(S, v)).
	Final []float64
	// NegativeCycle reports a negative cycle that the program's
	// "require fixpoint" detects: one reachable from the source for
	// Bellman–Ford, any for all pairs. Then there are no distances.
	NegativeCycle bool
}

// dataIndex returns the position of the named data in m.Data.
func dataIndex(m *dsl.Model, name string) (int, error) {
	for k, d := range m.Data {
		if d.Name == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("verify: %s has no data %s", m.Name, name)
}

// mustDataIndex is dataIndex for the generators, whose programs the table
// fixes: a missing data is a bug of the table.
func mustDataIndex(m *dsl.Model, name string) int {
	k, err := dataIndex(m, name)
	if err != nil {
		panic(err)
	}
	return k
}

func mustParam(m *dsl.Model, name string) int {
	v, ok := m.Param(name)
	if !ok {
		panic(fmt.Sprintf("verify: %s has no param %s", m.Name, name))
	}
	return int(v)
}

// params returns the named params of m.
func params(m *dsl.Model, names ...string) ([]int, error) {
	out := make([]int, len(names))
	for i, name := range names {
		v, err := param(m, name)
		if err != nil {
			return nil, err
		}
		out[i] = int(v)
	}
	return out, nil
}

// newData returns a zero data slice for m: one row-major array per m.Data.
func newData(m *dsl.Model) [][]float64 {
	data := make([][]float64, len(m.Data))
	for k, d := range m.Data {
		data[k] = make([]float64, d.Cells())
	}
	return data
}

// dataOf returns the values of the named data, checking their number.
func dataOf(m *dsl.Model, data [][]float64, name string, cells int) ([]float64, error) {
	k, err := dataIndex(m, name)
	if err != nil {
		return nil, err
	}
	if k >= len(data) || len(data[k]) != cells {
		return nil, fmt.Errorf("verify: %s: data %s needs %d values", m.Name, name, cells)
	}
	return data[k], nil
}

// intsOf converts integer data values.
func intsOf(name string, vals []float64) ([]int, error) {
	out := make([]int, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || math.Abs(v) > instance.MaxParam {
			return nil, fmt.Errorf("verify: data %s value %v is not an integer", name, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// matrix turns the row-major n×n values into rows.
func matrix(vals []float64, n int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = append([]float64(nil), vals[i*n:(i+1)*n]...)
	}
	return rows
}

func flatten(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// ---- Longest common subsequence (examples/lcs.dp) ----

// randomLCS draws x and y uniformly over the symbols 1..a.
func randomLCS(rng *rand.Rand, m *dsl.Model) [][]float64 {
	lenX, lenY, a := mustParam(m, "m"), mustParam(m, "n"), mustParam(m, "a")
	// A smaller alphabet for some pairs: more matches, longer LCSs.
	alpha := graphs.Alphabet{Lo: 1, Hi: 1 + rng.IntN(a)}
	data := newData(m)
	for i, s := range graphs.RandomSequence(rng, lenX, alpha) {
		data[mustDataIndex(m, "x")][i] = float64(s)
	}
	for j, s := range graphs.RandomSequence(rng, lenY, alpha) {
		data[mustDataIndex(m, "y")][j] = float64(s)
	}
	return data
}

// lcsExact is graphs.LCS: the length and the table f[i, j], i in 1..m,
// j in 1..n.
func lcsExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	p, err := params(m, "m", "n")
	if err != nil {
		return DataAnswer{}, err
	}
	xs, err := dataOf(m, data, "x", p[0])
	if err != nil {
		return DataAnswer{}, err
	}
	ys, err := dataOf(m, data, "y", p[1])
	if err != nil {
		return DataAnswer{}, err
	}
	x, err := intsOf("x", xs)
	if err != nil {
		return DataAnswer{}, err
	}
	y, err := intsOf("y", ys)
	if err != nil {
		return DataAnswer{}, err
	}
	length, table := graphs.LCS(x, y)
	ans := DataAnswer{Value: float64(length)}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			ans.Final = append(ans.Final, float64(table[i][j]))
		}
	}
	return ans, nil
}

// ---- Shortest paths (examples/bellmanford.dp, examples/apsp.dp) ----

// randomDigraph draws a digraph on n vertices with integer costs in
// -cmax..cmax (missing arcs +Inf), of one of five kinds: non-negative
// costs; potential-shifted costs (negative arcs, never a negative cycle);
// the same on two components; costs of both signs (negative cycles
// likely); self-loops with costs of both signs. Most kinds have no
// negative cycle.
func randomDigraph(rng *rand.Rand, n, cmax int) graphs.Graph {
	spec := graphs.DigraphSpec{N: n, Density: 0.15 + 0.8*rng.Float64(), MaxCost: cmax}
	switch kind := rng.IntN(10); {
	case kind < 2:
	case kind < 6:
		// c + π_u − π_v with c in 0..cmax/2 and π in 0..cmax/2 stays in
		// -cmax/2..cmax.
		spec.MaxCost, spec.Potential = cmax/2, cmax/2
	case kind < 7:
		spec.MaxCost, spec.Potential, spec.Components = cmax/2, cmax/2, 2
	case kind < 9:
		spec.MinCost = -cmax / 2
	default:
		spec.MinCost, spec.SelfLoops = -2, true
		spec.MinCost = max(spec.MinCost, -cmax)
	}
	return graphs.RandomDigraph(rng, spec)
}

// randomCostMatrix draws the data c of bellmanford.dp or apsp.dp:
// c[u, v] is the cost of the arc u−1 → v−1 of randomDigraph.
func randomCostMatrix(rng *rand.Rand, m *dsl.Model) [][]float64 {
	n, cmax := mustParam(m, "n"), mustParam(m, "cmax")
	g := randomDigraph(rng, n, cmax)
	data := newData(m)
	copy(data[mustDataIndex(m, "c")], flatten(g.C))
	return data
}

// costGraph reads the data c (vertices 1..n) as a graphs.Graph (0..n−1).
func costGraph(m *dsl.Model, data [][]float64) (graphs.Graph, error) {
	n, err := param(m, "n")
	if err != nil {
		return graphs.Graph{}, err
	}
	c, err := dataOf(m, data, "c", int(n*n))
	if err != nil {
		return graphs.Graph{}, err
	}
	g := graphs.Graph{N: int(n), C: matrix(c, int(n))}
	return g, g.Validate()
}

// bellmanFordExact is graphs.BellmanFord (edge relaxation) from s−1: the
// distances, or NegativeCycle. Final is row n−1 of graphs.BellmanFordRows,
// the state after the program's n−1 steps, negative cycle or not.
func bellmanFordExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	g, err := costGraph(m, data)
	if err != nil {
		return DataAnswer{}, err
	}
	s, err := param(m, "s")
	if err != nil {
		return DataAnswer{}, err
	}
	dist, negCycle, err := graphs.BellmanFord(g.N, g.Edges(), int(s)-1)
	if err != nil {
		return DataAnswer{}, err
	}
	rows, err := graphs.BellmanFordRows(g, int(s)-1, g.N-1, math.Inf(1))
	if err != nil {
		return DataAnswer{}, err
	}
	ans := DataAnswer{Value: math.NaN(), Final: rows[g.N-1], NegativeCycle: negCycle}
	if !negCycle {
		ans.Cells = dist
	}
	return ans, nil
}

// apspExact is graphs.FloydWarshall: the distance matrix, or
// NegativeCycle. Final is the state after the program's 1 + ⌈log₂(n−1)⌉
// steps, L(2^⌈log₂(n−1)⌉) of graphs.MinPlusPowers.
func apspExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	g, err := costGraph(m, data)
	if err != nil {
		return DataAnswer{}, err
	}
	d, negCycle, err := graphs.FloydWarshall(g)
	if err != nil {
		return DataAnswer{}, err
	}
	powers, err := graphs.MinPlusPowers(g)
	if err != nil {
		return DataAnswer{}, err
	}
	// powers[j] is L(2^j); the program's last step computes L(2^k) with
	// k = ⌈log₂(n−1)⌉ ≤ ⌈log₂ n⌉, so it is there.
	k := 0
	for 1<<k < g.N-1 {
		k++
	}
	ans := DataAnswer{Value: math.NaN(), Final: flatten(powers[k]), NegativeCycle: negCycle}
	if !negCycle {
		ans.Cells = flatten(d)
	}
	return ans, nil
}

// ---- Constrained shortest path (examples/csp.dp) ----

// randomCSP draws a random length graph (lengths 1..lmax, integer
// resources 0..rmax, density random) and a limit R (randomLimit):
// len[u, v] and r[u, v] are the length and resource of the arc u−1 → v−1;
// a missing arc has r = inf and a random length.
func randomCSP(rng *rand.Rand, m *dsl.Model) [][]float64 {
	n, lmax, rmax := mustParam(m, "n"), mustParam(m, "lmax"), mustParam(m, "rmax")
	// Resources are drawn as quarters 0..rmax/4 (the generator's dyadic
	// resources) and scaled by 4: integers uniform in 0..rmax.
	g := graphs.RandomLengthGraph(rng, graphs.LengthGraphSpec{
		N: n, Density: 0.3 + 0.6*rng.Float64(), MinLength: 1, MaxLength: lmax,
		MinResource: 0, MaxResource: float64(rmax) / 4,
	})
	// Most instances trade length for resource, as real ones do:
	// an arc's resource falls with its length (plus noise), so a tight
	// limit forces a longer path.
	tradeOff := lmax > 1 && rng.IntN(4) != 0
	data := newData(m)
	lens, res := data[mustDataIndex(m, "len")], data[mustDataIndex(m, "r")]
	for i := range lens {
		lens[i] = float64(1 + rng.IntN(lmax))
		res[i] = math.Inf(1)
	}
	for i := range g.Arcs {
		a := &g.Arcs[i]
		a.Resource *= 4
		if tradeOff {
			a.Resource = float64(min(rmax, rmax*(lmax-a.Length)/(lmax-1)+rng.IntN(rmax/4+1)))
		}
		lens[a.From*n+a.To] = float64(a.Length)
		res[a.From*n+a.To] = a.Resource
	}
	data[mustDataIndex(m, "R")][0] = randomLimit(rng, g, m, (n-1)*rmax)
	return data
}

// randomLimit draws the limit R of a constrained shortest path instance
// in 0..most: usually the resource of a random Pareto-optimal walk from s
// to t (graphs.ParetoLabels), give or take one, so that the limit often
// decides between paths; otherwise uniform, which makes many instances
// infeasible or unconstrained.
func randomLimit(rng *rand.Rand, g graphs.LengthGraph, m *dsl.Model, most int) float64 {
	uniform := float64(rng.IntN(most + 1))
	if rng.IntN(4) == 0 {
		return uniform
	}
	s, t, cmax := mustParam(m, "s")-1, mustParam(m, "t")-1, mustParam(m, "cmax")
	labels, err := graphs.ParetoLabels(g, s, cmax)
	if err != nil || len(labels[t]) == 0 {
		return uniform
	}
	l := labels[t][rng.IntN(len(labels[t]))]
	return math.Min(float64(most), math.Max(0, l.Resource+float64(rng.IntN(3)-1)))
}

// cspGraph reads len and r (vertices 1..n) as a graphs.LengthGraph
// (0..n−1): an arc wherever r is finite.
func cspGraph(m *dsl.Model, data [][]float64) (graphs.LengthGraph, error) {
	n, err := param(m, "n")
	if err != nil {
		return graphs.LengthGraph{}, err
	}
	lens, err := dataOf(m, data, "len", int(n*n))
	if err != nil {
		return graphs.LengthGraph{}, err
	}
	res, err := dataOf(m, data, "r", int(n*n))
	if err != nil {
		return graphs.LengthGraph{}, err
	}
	g := graphs.LengthGraph{N: int(n)}
	for i, r := range res {
		if math.IsInf(r, 1) {
			continue
		}
		l := lens[i]
		if l != math.Trunc(l) {
			return graphs.LengthGraph{}, fmt.Errorf("verify: length %v is not an integer", l)
		}
		g.Arcs = append(g.Arcs, graphs.Arc{From: i / int(n), To: i % int(n), Length: int(l), Resource: r})
	}
	return g, g.Validate()
}

// cspExact is graphs.ConstrainedPath (label setting): the least length of
// a walk from s to t with resource at most R among walks of length at
// most cmax (+Inf when there is none). Final is graphs.LengthTable, f[c, v]
// for c in 0..cmax.
func cspExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	g, err := cspGraph(m, data)
	if err != nil {
		return DataAnswer{}, err
	}
	p, err := params(m, "s", "t", "cmax")
	if err != nil {
		return DataAnswer{}, err
	}
	limit, err := dataOf(m, data, "R", 1)
	if err != nil {
		return DataAnswer{}, err
	}
	s, t, cmax := p[0]-1, p[1]-1, p[2]
	ans := DataAnswer{Value: math.Inf(1)}
	best, _, ok, err := graphs.ConstrainedPath(g, s, t, limit[0], cmax)
	if err != nil {
		return DataAnswer{}, err
	}
	if ok {
		ans.Value = float64(best.Length)
	}
	table, err := graphs.LengthTable(g, s, cmax)
	if err != nil {
		return DataAnswer{}, err
	}
	ans.Final = flatten(table)
	return ans, nil
}

// ---- Held–Karp (examples/heldkarp.dp) ----

// randomATSP draws graphs.RandomATSP with costs 0..cmax and forbids each
// arc with a probability drawn per instance in 0..1/2 (+Inf), so some
// instances have no tour.
func randomATSP(rng *rand.Rand, m *dsl.Model) [][]float64 {
	n, cmax := mustParam(m, "n"), mustParam(m, "cmax")
	c := graphs.RandomATSP(rng, n, cmax)
	forbid := rng.Float64() / 2
	for u := range c {
		for v := range c[u] {
			if u != v && rng.Float64() < forbid {
				c[u][v] = math.Inf(1)
			}
		}
	}
	data := newData(m)
	copy(data[mustDataIndex(m, "c")], flatten(c))
	return data
}

// heldKarpMemory is the memory budget of the Held–Karp solver here:
// 2^17·17·8 bytes (17.8 MB) for br17 fits.
const heldKarpMemory = 64 << 20

// heldKarpExact is graphs.HeldKarp: the optimal tour cost, +Inf when no
// tour exists. Final is every f(S, v) of graphs.HeldKarpStates (+Inf for
// v ∉ S), S's index value having bit v−1 for city v as in the program's
// subsets(1..n−1).
func heldKarpExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	n, err := param(m, "n")
	if err != nil {
		return DataAnswer{}, err
	}
	vals, err := dataOf(m, data, "c", int(n*n))
	if err != nil {
		return DataAnswer{}, err
	}
	c := matrix(vals, int(n))
	opt, _, err := graphs.HeldKarp(c, heldKarpMemory)
	if err != nil {
		return DataAnswer{}, err
	}
	table, err := graphs.HeldKarpStates(c, heldKarpMemory)
	if err != nil {
		return DataAnswer{}, err
	}
	return DataAnswer{Value: opt, Final: append([]float64(nil), table.F...)}, nil
}
