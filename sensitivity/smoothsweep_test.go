package sensitivity

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// bits is x's bit pattern, so that equality is bit for bit (and −0 ≠ 0).
func bitsOf(xs []float64) []uint64 {
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = math.Float64bits(x)
	}
	return out
}

// The padded deletion (weight C + 1, score 0) gives, bit for bit, the
// value, final row, marginals and pick probabilities of the instance
// without the item, for every regulariser, in Shannon's scaled and
// log-domain forms (γ = 1e−300 forces the latter), on every deletion;
// the padded item's marginal and picks are 0.
func TestPaddedDeletion(t *testing.T) {
	ins := append(randomInstances(7, 1, 12), knapsack.Instance{Name: "one heavy", Profits: []int64{5, 9, 1}, Weights: []int64{3, 9, 2}, Capacity: 9})
	for _, in := range ins {
		in = in.Fitting()
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
			for _, gamma := range []float64{1e-300, 0.05, 1, 40} {
				sm, err := NewSmoothed(in, reg, gamma, 3)
				require.NoError(t, err)
				pad := new(smooth.Tables)
				for del := range in.Len() {
					name := fmt.Sprintf("%s %v γ=%g without %d", in.Name, reg, gamma, del)
					require.NoError(t, sm.padded(pad, del), name)
					want, err := sm.forward(del)
					require.NoError(t, err, name)
					assert.Equal(t, math.Float64bits(want.Value()), math.Float64bits(pad.Value()), name)
					assert.Equal(t, bitsOf(want.FinalState()), bitsOf(pad.FinalState()), name)
					y := pad.Marginals()
					assert.Equal(t, 0.0, y[del], name)
					assert.Equal(t, bitsOf(want.Marginals()), bitsOf(append(append([]float64{}, y[:del]...), y[del+1:]...)), name)
					for i := 1; i <= in.Len(); i++ {
						for c := 0; c <= int(in.Capacity); c++ {
							switch {
							case i-1 == del:
								require.Equal(t, 0.0, pad.Pick(i, c), name)
							case i-1 < del:
								require.Equal(t, math.Float64bits(want.Pick(i, c)), math.Float64bits(pad.Pick(i, c)), "%s: q[%d, %d]", name, i, c)
							default:
								require.Equal(t, math.Float64bits(want.Pick(i-1, c)), math.Float64bits(pad.Pick(i, c)), "%s: q[%d, %d]", name, i, c)
							}
						}
					}
				}
			}
		}
	}
}

// Sweep gives the same relaxed and coupled estimates as one deletion at
// a time, bit for bit, including draws beyond the swept ones.
func TestSweepSameAsLazy(t *testing.T) {
	for _, in := range randomInstances(9, 1, 20) {
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
			name := fmt.Sprintf("%s %v", in.Name, reg)
			lazy, err := NewSmoothed(in, reg, 0.3, 5)
			require.NoError(t, err)
			swept, err := NewSmoothed(in, reg, 0.3, 5)
			require.NoError(t, err)
			require.NoError(t, swept.Sweep(6))
			for _, samples := range []int{6, 8} {
				a, err := Coupled(in, lazy, samples)
				require.NoError(t, err)
				b, err := Coupled(in, swept, samples)
				require.NoError(t, err)
				assert.Equal(t, a, b, "%s coupled, %d draws", name, samples)
			}
			a, err := Relaxed(in, lazy.Relax)
			require.NoError(t, err)
			b, err := Relaxed(in, swept.Relax)
			require.NoError(t, err)
			assert.Equal(t, a, b, name)
		}
	}
}

// Sweep refuses, before allocating, when its results would not fit.
func TestSweepTooLarge(t *testing.T) {
	in := randomInstances(5, 1, 10)[0]
	sm, err := NewSmoothed(in, smooth.Gini, 1, 1)
	require.NoError(t, err)
	samples := int(MaxSweepBytes / (8 * 25)) // SweepBytes(5, samples) > MaxSweepBytes
	require.Greater(t, SweepBytes(5, samples), float64(MaxSweepBytes))
	err = sm.Sweep(samples)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a sweep of 5 deletions × 1342177 draws would keep up to")
	assert.Empty(t, sm.u, "no draw made before refusing")
	require.NoError(t, sm.Sweep(16))
}
