package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// The same at the benchmarks' size for LCS and edit distance (two random
// length-200 strings): 400 levels of rounding.
func TestGraphCompactMatchesGeneralLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 22))
	const L = 200
	for _, path := range []string{"../examples/lcs.dp", "../testdata/programs/editdistance.dp"} {
		m := testprog.File(t, path, map[string]int64{"m": L, "n": L, "a": 4})
		g, err := NewGraph(m, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil, GraphLimits{})
		require.NoError(t, err)
		require.NotNil(t, g.compact)
		for _, reg := range regs {
			for _, gamma := range []float64{0.1, 1, 10} {
				theta, seed := noisy(t, g, rng)
				r, err := g.Forward(reg, gamma, theta)
				require.NoError(t, err)
				want := general(t, g, reg, gamma, theta)
				require.Equal(t, reg == Shannon, r.scaled)
				w, v := want.Value(), r.Value()
				require.InDelta(t, w, v, 1e-12*max(1, math.Abs(w)), "%s %v γ=%g", path, reg, gamma)
				y, err := r.Marginals(seed)
				require.NoError(t, err)
				wy := generalMarginals(t, g, want, seed)
				for i := range y {
					require.InDelta(t, wy[i], y[i], 1e-12*max(1, math.Abs(wy[i])), "%s %v γ=%g θ[%d]", path, reg, gamma, i)
				}
			}
		}
	}
}

// general runs g through the general layout (the compact one set aside).
func general(t *testing.T, g *Graph, reg Reg, gamma float64, theta []float64) *GraphRun {
	r := new(GraphRun)
	withoutCompact(g, func() { require.NoError(t, g.ForwardInto(r, reg, gamma, theta)) })
	return r
}

// generalMarginals is r.Marginals(seed) on the general layout (r from
// general).
func generalMarginals(t *testing.T, g *Graph, r *GraphRun, seed []float64) []float64 {
	var y []float64
	withoutCompact(g, func() {
		var err error
		y, err = r.Marginals(seed)
		require.NoError(t, err)
	})
	return y
}

// withoutCompact runs f with g's compact layout switched off.
func withoutCompact(g *Graph, f func()) {
	saved := g.compact
	g.compact = nil
	defer func() { g.compact = saved }()
	f()
}

// The compact layout gives the general layout's values and marginals (to
// 1e-12 relative to max(1, |x|); they are the same operations) on every
// example program it applies to, every regulariser, γ from 1e-300 (the
// scaled form's fallback) to 1e3; LCS and edit distance take it.
func TestGraphCompactMatchesGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 21))
	compact := map[string]bool{}
	flipped := map[string]bool{}
	for trial := range 3 {
		for name, g := range allGraphs(t, rng) {
			if g.compact == nil {
				continue
			}
			compact[name] = true
			flipped[name] = g.cflip
			for _, reg := range regs {
				for _, gamma := range []float64{1e-300, 1e-3, 0.1, 1, 1e3} {
					theta, seed := noisy(t, g, rng)
					r, err := g.Forward(reg, gamma, theta)
					require.NoError(t, err)
					want := general(t, g, reg, gamma, theta)
					require.Equal(t, want.scaled, r.scaled, "%s %v γ=%g", name, reg, gamma)
					for k, v := range r.Values() {
						w := want.Values()[k]
						if math.IsInf(w, 0) {
							require.Equal(t, w, v)
							continue
						}
						require.InDelta(t, w, v, 1e-12*max(1, math.Abs(w)), "%s trial %d %v γ=%g %s", name, trial, reg, gamma, g.Outputs[k])
					}
					y, err := r.Marginals(seed)
					require.NoError(t, err)
					wy := generalMarginals(t, g, want, seed)
					for i := range y {
						require.InDelta(t, wy[i], y[i], 1e-12*max(1, math.Abs(wy[i])), "%s %v γ=%g θ[%d]", name, reg, gamma, i)
					}
				}
			}
		}
	}
	require.True(t, compact["lcs"] && compact["editdistance"], "compact: %v", compact)
	require.True(t, flipped["editdistance"], "flipped: %v", flipped)
	t.Logf("compact: %v, all min (e^{−v/γ}): %v", compact, flipped)
}

// LCS and edit distance run in level order (the anti-diagonals: no node
// reads the one before it), and a run in that order gives the general
// layout's VJP, samples and node values once it is turned back to the
// graph's order.
func TestGraphLevelOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 23))
	for _, path := range []string{"../examples/lcs.dp", "../testdata/programs/editdistance.dp"} {
		m := testprog.File(t, path, map[string]int64{"m": 5, "n": 7, "a": 3})
		g, err := NewGraph(m, [][]float64{randInts(rng, 5, 3), randInts(rng, 7, 3)}, nil, GraphLimits{})
		require.NoError(t, err)
		require.NotNil(t, g.cperm, path)
		owned := 0 // every cell's bias is its own (ownBiases)
		for _, p := range g.cowner {
			if p >= 0 {
				owned++
			}
		}
		cells := 0
		for _, b := range g.Params {
			if b.Kind == CellParam {
				cells += b.Len
			}
		}
		require.Equal(t, cells, owned, path)
		np1 := int32(g.np + 1)
		chained := 0 // nodes that read the node before them: the first of each anti-diagonal at most
		for p, nd := range g.compact {
			require.Equal(t, int32(p), g.cpos[g.cperm[p]])
			for i := range int(nd.f & 3) {
				if nd.src[i] == np1+int32(p-1) {
					chained++
					break
				}
			}
		}
		require.LessOrEqual(t, chained, 5+7+1, path)
		for _, reg := range regs {
			theta, seed := noisy(t, g, rng)
			z := make([]float64, len(theta))
			for i := range z {
				z[i] = rng.NormFloat64()
			}
			r, err := g.Forward(reg, 0.7, theta)
			require.NoError(t, err)
			require.True(t, r.perm)
			want := general(t, g, reg, 0.7, theta)
			for k := range g.Nodes() {
				if r.scaled { // a scaled run keeps the outputs' values only
					break
				}
				require.InDelta(t, want.nodeValue(k), r.nodeValue(k), 1e-12, "%s %v node %d", path, reg, k)
			}
			wv, err := want.VJP(seed, z)
			require.NoError(t, err)
			v, err := r.VJP(seed, z)
			require.NoError(t, err)
			require.False(t, r.perm)
			require.InDeltaSlice(t, wv, v, 1e-12, "%s %v", path, reg)
			s1 := r.Sample(rand.New(rand.NewPCG(1, 1)), 0)
			s2 := want.Sample(rand.New(rand.NewPCG(1, 1)), 0)
			require.Equal(t, s2, s1, "%s %v", path, reg)
			y, err := r.Marginals(seed) // after VJP turned r back to the graph's order
			require.NoError(t, err)
			require.InDeltaSlice(t, generalMarginals(t, g, want, seed), y, 1e-12, "%s %v", path, reg)
		}
	}
}
