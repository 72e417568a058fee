package truth_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// The generic smoothed-DP interpreter agrees with the knapsack/top-k
// reference of package smooth on the example programs (tolerance 1e-12
// relative: the same recursion, the same Max2, summed in another order),
// and with the hard DP as γ → 0.
func TestRunSmoothDPMatchesReference(t *testing.T) {
	rng := instance.NewRand(12)
	for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
		for i := 0; i < 100; i++ {
			n, C := 1+rng.IntN(6), 1+rng.IntN(9)
			m := testprog.Load(t, "examples/knapsack_value.dp", map[string]int64{"C": int64(C)})
			w := make([]int, n)
			theta := make([]float64, n)
			steps := make([][]float64, n)
			for j := range w {
				w[j], theta[j] = 1+rng.IntN(C), rng.NormFloat64()
				steps[j] = []float64{float64(w[j]), theta[j]}
			}
			gamma := 0.2 + rng.Float64()
			got, err := truth.RunSmoothDP(m, steps, reg, gamma)
			require.NoError(t, err)
			tab, err := smooth.NewKnapsack(w, C).Forward(reg, gamma, theta)
			require.NoError(t, err)
			assert.InDelta(t, tab.Value(), got, 1e-12*(1+math.Abs(got)))
		}
	}
	m := testprog.Load(t, "examples/topk.dp", map[string]int64{"k": 2})
	steps := [][]float64{{1}, {3}, {2}}
	got, err := truth.RunSmoothDP(m, steps, smooth.Gini, 1e-9)
	require.NoError(t, err)
	assert.InDelta(t, 5, got, 1e-8, "γ → 0 gives the hard top-2 sum")
	_, err = truth.RunSmoothDP(testprog.Load(t, "examples/knapsack.dp", nil), [][]float64{{1, 0.5}}, smooth.Gini, 1)
	assert.ErrorContains(t, err, "answer EXPR")
}

// Reads whose index is not Var + offset (a reversed n + 1 − p, a read
// offset by an input past a boundary), Iverson brackets and clamps: as
// γ → 0 the smoothed interpreter gives the exact DP's answer (Gini and
// Tsallis are exact once every gap between options exceeds γ's range; the
// inputs are integers and halves, so gaps are at least 1/2 apart from
// ties, which every regulariser keeps).
func TestRunSmoothDPGeneralIndices(t *testing.T) {
	const src = `dp tricky
param n int = 6
input x int in -3..3
input y real in -1..1
state f[p in 1..n] int in -100..100 = 0
state g[p in 1..n] real in -1000..1000 = 0
f[p <= 0] = 7
f[p <= -2] = -5
f[p > n] = 3
step f[p] = clamp(f[n + 1 - p] + f[p + x] - [x >= p - 3] + 2 * [x == 0], -100, 100)
step g[p] = clamp(max(g[p] - y, 2 * f[p] + y / 2, min(g[p], f[1] * 3)), -1000, 1000)
answer g[2]
`
	m := testprog.Source(t, src, nil)
	rng := instance.NewRand(5)
	for i := 0; i < 50; i++ {
		steps := make([][]float64, 1+rng.IntN(8))
		for j := range steps {
			steps[j] = []float64{float64(rng.IntN(7) - 3), float64(rng.IntN(5)-2) / 2}
		}
		tr, err := truth.RunDP(m, steps)
		require.NoError(t, err)
		want, err := tr.Answer()
		require.NoError(t, err)
		for _, reg := range []smooth.Reg{smooth.Gini, smooth.Tsallis} {
			got, err := truth.RunSmoothDP(m, steps, reg, 1e-9)
			require.NoError(t, err)
			require.InDelta(t, want.Value.Float64(), got, 1e-6, "%v, steps %v", reg, steps)
		}
	}
}
