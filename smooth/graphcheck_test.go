package smooth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// instances for the programs the enumeration does not cover.

func topkGraph(t testing.TB, rng *rand.Rand) *Graph {
	n, k := 3+rng.IntN(4), 1+rng.IntN(3)
	m := testprog.File(t, "../examples/topk.dp", map[string]int64{"k": int64(k)})
	steps := make([][]float64, n)
	for i := range steps {
		steps[i] = []float64{rng.NormFloat64()}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	return g
}

func changeGraph(t testing.TB, rng *rand.Rand) *Graph {
	m := testprog.File(t, "../examples/change.dp", map[string]int64{"amax": 8, "K": 20})
	steps := make([][]float64, 3+rng.IntN(3))
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(8))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	return g
}

func subsetsumGraph(t testing.TB, rng *rand.Rand) *Graph {
	m := testprog.File(t, "../examples/subsetsum.dp", map[string]int64{"capacity": 8})
	steps := make([][]float64, 3+rng.IntN(3))
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(8))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	return g
}

func knapsackIntGraph(t testing.TB, rng *rand.Rand) *Graph {
	m := testprog.File(t, "../examples/knapsack_int.dp", map[string]int64{"pmax": 6, "capacity": 10})
	steps := make([][]float64, 3+rng.IntN(3))
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(6)), float64(rng.IntN(11))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	return g
}

func twostateGraph(t testing.TB, rng *rand.Rand) *Graph {
	m := testprog.File(t, "../testdata/programs/twostate.dp", map[string]int64{"pmax": 5, "capacity": 10})
	steps := make([][]float64, 3+rng.IntN(3))
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(5)), float64(rng.IntN(11))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	return g
}

// allGraphs is one random instance of every example program and of
// testdata/programs.
func allGraphs(t testing.TB, rng *rand.Rand) map[string]*Graph {
	out := map[string]*Graph{}
	for _, mk := range brutes {
		b := mk(t, rng)
		out[b.name] = b.g
	}
	out["topk"] = topkGraph(t, rng)
	out["change"] = changeGraph(t, rng)
	out["subsetsum"] = subsetsumGraph(t, rng)
	out["knapsack_int"] = knapsackIntGraph(t, rng)
	out["twostate"] = twostateGraph(t, rng)
	return out
}

// noisy returns θ moved off the integers (so that no two options tie,
// where Gini and Tsallis have kinks) and a random seed over the finite
// outputs.
func noisy(t testing.TB, g *Graph, rng *rand.Rand) (theta, seed []float64) {
	theta = append([]float64(nil), g.Theta...)
	for i := range theta {
		theta[i] += 0.3 * (rng.Float64() - 0.5)
	}
	h, err := g.Hard(theta)
	require.NoError(t, err)
	seed = make([]float64, len(h))
	for k, v := range h {
		if !math.IsInf(v, 0) {
			seed[k] = 0.5 + rng.Float64()
		}
	}
	return theta, seed
}

func weighted(t testing.TB, g *Graph, reg Reg, gamma float64, theta, seed []float64) float64 {
	r, err := g.Forward(reg, gamma, theta)
	require.NoError(t, err)
	s := 0.0
	for k, v := range r.Values() {
		if seed[k] != 0 {
			s += seed[k] * v
		}
	}
	return s
}

// fdStep is the step of the central differences: their truncation error
// h²·f”'/6 is below 1e-11 here, and rounding adds ε·|f|/h ≈ 1e-9.
const fdStep = 1e-6

// kink says whether the one-sided differences of f at x disagree, which
// happens only when x ± h crosses a point where Gini's or Tsallis's
// support changes (f is not differentiable there): the check is skipped.
func kink(fm, f0, fp, h, scale float64) bool {
	return math.Abs((fp-f0)/h-(f0-fm)/h) > 1e-3*scale
}

func TestGraphMarginalsEqualFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 14))
	checked, skipped := 0, 0
	for name, g := range allGraphs(t, rng) {
		for _, reg := range regs {
			theta, seed := noisy(t, g, rng)
			gamma := 0.5
			r, err := g.Forward(reg, gamma, theta)
			require.NoError(t, err)
			y, err := r.Marginals(seed)
			require.NoError(t, err)
			f0 := weighted(t, g, reg, gamma, theta, seed)
			for i := range theta {
				x := append([]float64(nil), theta...)
				x[i] = theta[i] + fdStep
				fp := weighted(t, g, reg, gamma, x, seed)
				x[i] = theta[i] - fdStep
				fm := weighted(t, g, reg, gamma, x, seed)
				fd := (fp - fm) / (2 * fdStep)
				scale := max(1, math.Abs(y[i]))
				if kink(fm, f0, fp, fdStep, scale) {
					skipped++
					continue
				}
				checked++
				require.InDelta(t, fd, y[i], 1e-6*scale, "%s %v θ[%d]", name, reg, i)
			}
		}
	}
	t.Logf("%d marginals checked, %d skipped at a kink", checked, skipped)
	require.Less(t, skipped*100, checked, "more than 1%% of the checks fell on a kink")
}

func TestGraphVJPEqualsFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	checked, skipped := 0, 0
	for name, g := range allGraphs(t, rng) {
		for _, reg := range regs {
			for range 3 {
				theta, seed := noisy(t, g, rng)
				gamma := 0.5
				z := make([]float64, len(theta))
				for i := range z {
					z[i] = rng.NormFloat64()
				}
				marg := func(x []float64) []float64 {
					r, err := g.Forward(reg, gamma, x)
					require.NoError(t, err)
					y, err := r.Marginals(seed)
					require.NoError(t, err)
					return y
				}
				at := func(s float64) []float64 {
					x := append([]float64(nil), theta...)
					for i := range x {
						x[i] += s * z[i]
					}
					return marg(x)
				}
				r, err := g.Forward(reg, gamma, theta)
				require.NoError(t, err)
				got, err := r.VJP(seed, z)
				require.NoError(t, err)
				y0, yp, ym := marg(theta), at(fdStep), at(-fdStep)
				scale := 1.0
				for _, v := range got {
					scale = max(scale, math.Abs(v))
				}
				bad := false
				for i := range y0 {
					bad = bad || kink(ym[i], y0[i], yp[i], fdStep, scale)
				}
				if bad {
					skipped++
					continue
				}
				checked++
				// zᵀ·∂y/∂θ = H·z because the Hessian H is symmetric: the
				// directional derivative of y along z.
				for i := range y0 {
					fd := (yp[i] - ym[i]) / (2 * fdStep)
					require.InDelta(t, fd, got[i], 1e-6*scale, "%s %v θ[%d]", name, reg, i)
				}
			}
		}
	}
	t.Logf("%d VJPs checked, %d skipped at a kink", checked, skipped)
	require.Less(t, skipped*10, checked, "more than 10%% of the checks fell on a kink")
}

func TestGraphConvergesWithinBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 14))
	for name, g := range allGraphs(t, rng) {
		hard, err := g.Hard(nil)
		require.NoError(t, err)
		for _, reg := range regs {
			bound := g.Bound(reg)
			prev := math.Inf(1)
			for _, gamma := range []float64{1, 0.1, 0.01, 1e-3, 1e-6} {
				r, err := g.Forward(reg, gamma, nil)
				require.NoError(t, err)
				worst := 0.0
				for k, v := range r.Values() {
					if math.IsInf(hard[k], 0) {
						require.Equal(t, hard[k], v, "%s %s: an infinite output stays infinite", name, g.Outputs[k])
						continue
					}
					err := math.Abs(v - hard[k])
					// rounding: 1e-12 of the values summed along the way
					require.LessOrEqual(t, err, gamma*bound[k]+1e-12*(1+math.Abs(hard[k])), "%s %v γ=%g %s", name, reg, gamma, g.Outputs[k])
					worst = max(worst, err)
				}
				require.LessOrEqual(t, worst, prev+1e-12, "%s %v: the error grows as γ falls", name, reg)
				prev = worst
			}
			require.Less(t, prev, 1e-5, "%s %v γ=1e-6", name, reg)
		}
	}
}

func TestGraphSamplesMatchMarginals(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 14))
	gs := allGraphs(t, rng)
	for _, name := range []string{"lcs", "bellmanford", "apsp", "heldkarp", "knapsack_value"} {
		g := gs[name]
		for _, reg := range regs {
			r, err := g.Forward(reg, 1, nil)
			require.NoError(t, err)
			out := 0
			for k, v := range r.Values() {
				if !math.IsInf(v, 0) {
					out = k
				}
			}
			y, err := r.Marginals(unit(g, out))
			require.NoError(t, err)
			const n = 20000
			sum, sq := make([]float64, len(y)), make([]float64, len(y))
			for range n {
				for i, u := range r.Sample(rng, out) {
					sum[i] += u
					sq[i] += u * u
				}
			}
			for i := range y {
				mean := sum[i] / n
				// The sample deviation, or for a rare use (counts near
				// Poisson) √y when that is larger; 5 standard errors: a
				// false alarm has probability < 1e-6 per entry.
				sd := math.Sqrt(max(sq[i]/n-mean*mean, math.Abs(y[i])))
				require.InDelta(t, y[i], mean, 5*sd/math.Sqrt(n)+1e-12, "%s %v θ[%d] output %s", name, reg, i, g.Outputs[out])
			}
		}
	}
}

func TestGraphBinaryEqualsKnapsackKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 14))
	for range 20 {
		items, C := 1+rng.IntN(8), rng.IntN(8)
		weights := make([]int, items)
		theta := make([]float64, items)
		steps := make([][]float64, items)
		for i := range steps {
			weights[i], theta[i] = 1+rng.IntN(C+1), rng.NormFloat64()
			steps[i] = []float64{float64(weights[i]), theta[i]}
		}
		if C == 0 {
			C = 1
		}
		m := testprog.File(t, "../examples/knapsack_value.dp", map[string]int64{"C": int64(C)})
		for i := range weights {
			weights[i] = min(weights[i], C)
			steps[i][0] = float64(weights[i])
		}
		g, err := NewGraph(m, nil, steps, GraphLimits{})
		require.NoError(t, err)
		p := NewKnapsack(weights, C)
		for _, reg := range regs {
			for _, gamma := range []float64{0.1, 1} {
				tab, err := p.Forward(reg, gamma, theta)
				require.NoError(t, err)
				r, err := g.Forward(reg, gamma, nil)
				require.NoError(t, err)
				where := fmt.Sprintf("%v γ=%g w=%v θ=%v", reg, gamma, weights, theta)
				// Same two-option kernels, summed in the same order.
				require.InDelta(t, tab.Value(), r.Value(), 1e-12*(1+math.Abs(tab.Value())), where)
				y, err := r.Marginals(nil)
				require.NoError(t, err)
				want := tab.Marginals()
				th := g.Param("theta", InputParam)
				for i := range want {
					require.InDelta(t, want[i], y[th.Start+i], 1e-12, where)
				}
				z := make([]float64, items)
				for i := range z {
					z[i] = rng.NormFloat64()
				}
				zz := make([]float64, len(g.Theta))
				copy(zz[th.Start:], z)
				vjp, err := r.VJP(nil, zz)
				require.NoError(t, err)
				wantV, err := tab.VJP(z)
				require.NoError(t, err)
				for i := range wantV {
					require.InDelta(t, wantV[i], vjp[th.Start+i], 1e-9*(1+math.Abs(wantV[i])), where)
				}
			}
		}
	}
}

func TestGraphBatchEqualsOneByOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 14))
	var gs []*Graph
	var thetas [][]float64
	for range 3 {
		for _, g := range allGraphs(t, rng) {
			gs = append(gs, g)
			theta, _ := noisy(t, g, rng)
			thetas = append(thetas, theta)
		}
	}
	for _, reg := range regs {
		values, marg, err := GraphBatch(gs, reg, 0.7, thetas)
		require.NoError(t, err)
		for b, g := range gs {
			r, err := g.Forward(reg, 0.7, thetas[b])
			require.NoError(t, err)
			y, err := r.Marginals(nil)
			require.NoError(t, err)
			require.Equal(t, r.Values(), values[b], "instance %d", b) // the same operations: bit-identical
			require.Equal(t, y, marg[b], "instance %d", b)
		}
	}
	_, _, err := GraphBatch(gs[:2], Shannon, 0.7, [][]float64{nil, {1}})
	require.ErrorContains(t, err, "instance 1")
}
