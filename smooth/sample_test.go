package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSampleFrequenciesMatchMarginals(t *testing.T) {
	// 100 000 ancestral samples: every one feasible, and the frequency of
	// each item within 4σ of y_i, σ = sqrt(y(1−y)/N) (a binomial
	// proportion; 4σ fails with probability 6e-5 per item). Where y is
	// exactly 0 or 1, σ = 0 and the frequency must match exactly.
	const N = 100_000
	problems := []struct {
		name string
		p    *Problem
	}{
		{"knapsack", NewKnapsack([]int{3, 1, 4, 1, 5, 2, 6, 2}, 11)},
		{"topk", NewTopK(9, 4)},
	}
	rng := rand.New(rand.NewPCG(6, 6))
	for _, pr := range problems {
		theta := scores(pr.p.N(), rng.NormFloat64)
		for _, reg := range regs {
			tab := mustForward(t, pr.p, reg, 0.7, theta)
			y := tab.Marginals()
			samples := tab.Sample(rand.New(rand.NewPCG(7, uint64(reg))), N)
			require.Len(t, samples, N)
			count := make([]float64, len(y))
			for _, s := range samples {
				weight, k := 0, 0
				for i, picked := range s {
					if picked {
						count[i]++
						weight += pr.p.Weights[i]
						k++
					}
				}
				if pr.p.Kind == TopK {
					require.Equal(t, pr.p.Capacity, k, "%s %v: sample picks %d items", pr.name, reg, k)
				} else {
					require.LessOrEqual(t, weight, pr.p.Capacity, "%s %v: sample overweight", pr.name, reg)
				}
			}
			for i := range y {
				sigma := math.Sqrt(y[i] * (1 - y[i]) / N)
				assert.InDelta(t, y[i], count[i]/N, 4*sigma, "%s %v item %d", pr.name, reg, i)
			}
		}
	}
}

func TestShannonSamplesAreGibbs(t *testing.T) {
	// For Shannon the sampler draws subsets with P(S) ∝ exp(θ(S)/γ). Check
	// every subset's frequency within 4σ of its enumerated probability.
	const N = 100_000
	p := NewKnapsack([]int{2, 1, 3, 2, 1}, 5)
	theta := []float64{0.4, -0.3, 1.1, 0.2, 0.5}
	gamma := 0.8
	tab := mustForward(t, p, Shannon, gamma, theta)
	count := map[uint32]float64{}
	for _, s := range tab.Sample(rand.New(rand.NewPCG(8, 8)), N) {
		var mask uint32
		for i, picked := range s {
			if picked {
				mask |= 1 << i
			}
		}
		count[mask]++
	}
	z := 0.0
	for mask := uint32(0); mask < 1<<5; mask++ {
		if feasible(p, mask) {
			z += math.Exp(subsetScore(theta, mask) / gamma)
		}
	}
	for mask := uint32(0); mask < 1<<5; mask++ {
		want := 0.0
		if feasible(p, mask) {
			want = math.Exp(subsetScore(theta, mask)/gamma) / z
		}
		sigma := math.Sqrt(want * (1 - want) / N)
		assert.InDelta(t, want, count[mask]/N, 4*sigma, "subset %05b", mask)
	}
}

func TestSampleDeterministicAndEmpty(t *testing.T) {
	tab := mustForward(t, NewTopK(5, 2), Gini, 1, []float64{0.1, 0.5, 0.3, 0.2, 0.4})
	a := tab.Sample(rand.New(rand.NewPCG(1, 2)), 50)
	b := tab.Sample(rand.New(rand.NewPCG(1, 2)), 50)
	assert.Equal(t, a, b, "same seed, same samples")
	assert.Nil(t, tab.Sample(rand.New(rand.NewPCG(1, 2)), 0))
}
