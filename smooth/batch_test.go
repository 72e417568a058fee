package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchMatchesOneByOne(t *testing.T) {
	// The batch runs the same arithmetic per row, so results are equal
	// bit for bit whatever goroutine ran the row.
	rng := rand.New(rand.NewPCG(9, 9))
	p := NewKnapsack([]int{2, 3, 1, 4, 2, 5, 1}, 9)
	theta := make([][]float64, 13)
	z := make([][]float64, 13)
	for b := range theta {
		theta[b] = scores(p.N(), rng.NormFloat64)
		z[b] = scores(p.N(), rng.NormFloat64)
	}
	for _, reg := range regs {
		values, y, err := p.MarginalsBatch(reg, 0.6, theta, nil, nil)
		require.NoError(t, err)
		vjp, err := p.VJPBatch(reg, 0.6, theta, z, nil)
		require.NoError(t, err)
		for b := range theta {
			tab := mustForward(t, p, reg, 0.6, theta[b])
			assert.Equal(t, tab.Value(), values[b])
			assert.Equal(t, tab.Marginals(), y[b])
			want, err := tab.VJP(z[b])
			require.NoError(t, err)
			assert.Equal(t, want, vjp[b])
		}
		// Reuse: the same buffers come back, rewritten.
		for b := range y {
			clear(y[b])
		}
		values2, y2, err := p.MarginalsBatch(reg, 0.6, theta, values, y)
		require.NoError(t, err)
		assert.Same(t, &values[0], &values2[0])
		assert.Same(t, &y[0][0], &y2[0][0])
		assert.Equal(t, mustForward(t, p, reg, 0.6, theta[3]).Marginals(), y2[3])
	}
}

func TestBatchBadInput(t *testing.T) {
	p := NewTopK(3, 1)
	theta := [][]float64{{1, 2, 3}, {1, 2}, {0, 0, math.NaN()}}
	_, _, err := p.MarginalsBatch(Shannon, 1, theta, nil, nil)
	assert.EqualError(t, err, "theta[1]: has 2 entries, want n = 3\ntheta[2][2]: score NaN is not finite")
	var list ErrorList
	require.ErrorAs(t, err, &list)
	assert.Equal(t, "theta[2][2]", list[1].Pos.File)

	_, err = p.VJPBatch(Shannon, 1, [][]float64{{1, 2, 3}}, nil, nil)
	assert.EqualError(t, err, "z: has 0 rows, want 1 (one per row of theta)")
	_, _, err = p.MarginalsBatch(Shannon, -1, theta, nil, nil)
	assert.EqualError(t, err, "gamma: temperature γ = -1 must be finite and at least MinGamma = 2^-1022")

	huge := [][]float64{{1, 2, 3}, {0x1p1000, -0x1p999, 0}}
	_, _, err = NewKnapsack([]int{1, 1, 1}, 3).MarginalsBatch(Gini, 1, huge, nil, nil)
	assert.EqualError(t, err, "theta[1]: scores too large: Σ|θ| + n·γ = 1.607262910779401e+301 exceeds 2^1000, the DP values could overflow float64")

	values, y, err := p.MarginalsBatch(Gini, 1, nil, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, values)
	assert.Empty(t, y)
}
