package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// The per-step programs with offsets read by their inputs, enumerated
// like knapsackBrute: every derivation of every output through the layers
// (cell c after step t reads layer t−1), a bias per cell at every step,
// the initial state and the boundary as constants.

// changeBrute is change.dp (min, coin an offset: θ is the biases alone).
func changeBrute(t testing.TB, rng *rand.Rand) brute {
	amax, K, items := 3+rng.IntN(4), 20, 2+rng.IntN(3)
	m := testprog.File(t, "../examples/change.dp", map[string]int64{"amax": int64(amax), "K": int64(K)})
	steps := make([][]float64, items)
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(amax))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	var c func(i, a int) []deriv
	c = func(i, a int) []deriv {
		switch {
		case a == 0:
			return e.leaf(0)
		case a < 0:
			return e.leaf(float64(K))
		case i == 0:
			return e.leaf(float64(K))
		}
		coin := int(steps[i-1][0])
		ds := append([]deriv(nil), c(i-1, a)...)
		ds = append(ds, e.add(c(i-1, a-coin), 1, -1, 0)...)
		return e.add(ds, 0, pidx(t, g, CellParam, "c", a-1), 1)
	}
	return brute{"change", g, -1, map[int][]deriv{0: c(items, amax)}}
}

// subsetsumBrute is subsetsum.dp (max, a search answer: the outputs are r).
func subsetsumBrute(t testing.TB, rng *rand.Rand) brute {
	C, items := 3+rng.IntN(3), 2+rng.IntN(3)
	m := testprog.File(t, "../examples/subsetsum.dp", map[string]int64{"capacity": int64(C)})
	steps := make([][]float64, items)
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(C))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	var r func(i, s int) []deriv
	r = func(i, s int) []deriv {
		switch {
		case s == 0:
			return e.leaf(1)
		case s < 0 || i == 0:
			return e.leaf(0)
		}
		w := int(steps[i-1][0])
		ds := append(append([]deriv(nil), r(i-1, s)...), r(i-1, s-w)...)
		return e.add(ds, 0, pidx(t, g, CellParam, "r", s-1), 1)
	}
	out := map[int][]deriv{}
	for s := 1; s <= C; s++ {
		out[s-1] = r(items, s)
	}
	return brute{"subsetsum", g, 1, out}
}

// knapsackIntBrute is knapsack_int.dp (min over integer weights, profit an
// offset, weight a parameter; a search answer: the outputs are f).
func knapsackIntBrute(t testing.TB, rng *rand.Rand) brute {
	P, capacity, items := 3+rng.IntN(3), 10, 2+rng.IntN(3)
	m := testprog.File(t, "../examples/knapsack_int.dp", map[string]int64{"pmax": int64(P), "capacity": int64(capacity)})
	steps := make([][]float64, items)
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(P)), float64(rng.IntN(capacity + 1))}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	var f func(i, p int) []deriv
	f = func(i, p int) []deriv {
		switch {
		case p <= 0:
			return e.leaf(0)
		case i == 0:
			return e.leaf(float64(2 * capacity))
		}
		pr, w := int(steps[i-1][0]), steps[i-1][1]
		ds := append([]deriv(nil), f(i-1, p)...)
		ds = append(ds, e.add(f(i-1, p-pr), w, pidx(t, g, InputParam, "weight", i-1), 1)...)
		return e.add(ds, 0, pidx(t, g, CellParam, "f", p-1), 1)
	}
	out := map[int][]deriv{}
	for p := 1; p <= P; p++ {
		out[p-1] = f(items, p)
	}
	return brute{"knapsack_int", g, -1, out}
}

// topkBrute is topk.dp (max; v starts at −∞ but for v[0] = 0: the
// derivations are the subsets of exactly k items).
func topkBrute(t testing.TB, rng *rand.Rand) brute {
	items, k := 3+rng.IntN(4), 1+rng.IntN(3)
	m := testprog.File(t, "../examples/topk.dp", map[string]int64{"k": int64(k)})
	steps := make([][]float64, items)
	for i := range steps {
		steps[i] = []float64{math.Round(rng.NormFloat64()*100) / 100}
	}
	g, err := NewGraph(m, nil, steps, GraphLimits{})
	require.NoError(t, err)
	e := enum{len(g.Theta)}
	var v func(i, c int) []deriv
	v = func(i, c int) []deriv {
		switch {
		case c == 0:
			return e.leaf(0)
		case c < 0 || i == 0:
			return nil // −∞: no derivation
		}
		ds := append([]deriv(nil), v(i-1, c)...)
		ds = append(ds, e.add(v(i-1, c-1), steps[i-1][0], pidx(t, g, InputParam, "theta", i-1), 1)...)
		return e.add(ds, 0, pidx(t, g, CellParam, "v", c-1), 1)
	}
	return brute{"topk", g, 1, map[int][]deriv{0: v(items, k)}}
}

func init() {
	brutes = append(brutes, changeBrute, subsetsumBrute, knapsackIntBrute, topkBrute)
}
