package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// Where Sides says an output is never below (above) the exact value, it is
// not, at random θ and several γ, for every example program; and every
// output is within γ·Bound of the exact value (docs/smooth.md, Bound).
func TestGraphSides(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 14))
	sided := map[string]string{}
	for name, g := range allGraphs(t, rng) {
		above, below := g.Sides()
		for k := range g.Outputs {
			switch {
			case above[k] && !below[k]:
				sided[name] = "above"
			case below[k] && !above[k]:
				sided[name] = "below"
			}
		}
		for trial := 0; trial < 3; trial++ {
			theta, _ := noisy(t, g, rng)
			hard, err := g.Hard(theta)
			require.NoError(t, err)
			for _, reg := range regs {
				bound := g.Bound(reg)
				for _, gamma := range []float64{0.3, 1, 3} {
					r, err := g.Forward(reg, gamma, theta)
					require.NoError(t, err)
					for k, v := range r.Values() {
						if math.IsInf(hard[k], 0) {
							continue
						}
						tol := 1e-12 * (1 + math.Abs(hard[k])) // rounding
						require.LessOrEqual(t, math.Abs(v-hard[k]), gamma*bound[k]+tol, "%s %v γ=%g %s", name, reg, gamma, g.Outputs[k])
						if above[k] {
							require.GreaterOrEqual(t, v, hard[k]-tol, "%s %v γ=%g %s: never below, says Sides", name, reg, gamma, g.Outputs[k])
						}
						if below[k] {
							require.LessOrEqual(t, v, hard[k]+tol, "%s %v γ=%g %s: never above, says Sides", name, reg, gamma, g.Outputs[k])
						}
					}
				}
			}
		}
	}
	// The claim is not empty: max programs with coefficient-1 reads are
	// above, min programs below.
	assert.Equal(t, "above", sided["lcs"])
	assert.Equal(t, "above", sided["knapsack_value"])
	assert.Equal(t, "below", sided["bellmanford"])
	assert.Equal(t, "below", sided["editdistance"])
}

// A max that reads maxes negated (the two-player game f[i, j] = max(a[i] −
// f[i + 1, j], a[j] − f[i, j − 1])) falls below the exact value: on
// a = [8, −2, −3] the first player's best margin is 7 (by hand: take 8;
// the opponent's best is −2, leaving −3: 8 − (−2) + (−3) = 7), and Shannon at
// γ = 1 gives less than 7 (the adversarial tester's 6.873). Sides says
// neither side; the two-sided bound γ·B holds.
func TestGraphSidesNegatedReads(t *testing.T) {
	const src = `dp game
param n int = 3
data a[i in 1..n] int in -9..9
state f[i in 1..n, j in 1..n] int in -9 * n..9 * n = 0
steps n
step f[i, j] = if i > j then 0
               else if i == j then a[i]
               else max(a[i] - f[i + 1, j], a[j] - f[i, j - 1])
answer f[1, n]
`
	m := testprog.Source(t, src, nil)
	g, err := NewGraph(m, [][]float64{{8, -2, -3}}, nil, GraphLimits{})
	require.NoError(t, err)
	hard, err := g.Hard(nil)
	require.NoError(t, err)
	require.Equal(t, []float64{7}, hard)
	above, below := g.Sides()
	assert.Equal(t, []bool{false}, above)
	assert.Equal(t, []bool{false}, below)
	r, err := g.Forward(Shannon, 1, nil)
	require.NoError(t, err)
	v := r.Values()[0]
	assert.Less(t, v, 7.0, "below the exact value")
	assert.LessOrEqual(t, math.Abs(v-7), g.Bound(Shannon)[0])
	t.Logf("Shannon γ = 1: %.4f (exact 7, bound %.4f)", v, g.Bound(Shannon)[0])
}
