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
