package instance_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/testprog"
)

func TestAppendixD(t *testing.T) {
	for _, pmax := range []int{2, 3, 5, 20, 100} {
		rng := instance.NewRand(uint64(pmax))
		counts := make(map[int]int)
		for range 500 {
			in := instance.AppendixD(rng, pmax)
			n := len(in.Steps)
			counts[n]++
			require.GreaterOrEqual(t, n, 2)
			require.LessOrEqual(t, n, pmax)
			assert.Equal(t, float64(n), in.Scalars["n"])
			assert.Equal(t, 1.0, in.Scalars["capacity"])
			profit := 0
			sum := new(big.Rat) // the size sum, exactly
			for _, step := range in.Steps {
				p, s := step["profit"], step["size"]
				require.GreaterOrEqual(t, p, 1.0)
				require.Equal(t, float64(int(p)), p, "integer profit")
				require.True(t, s > 0 && s <= 1, "size %v in (0, 1]", s)
				require.Equal(t, s, step["weight"], "weight = size at capacity 1")
				profit += int(p)
				sum.Add(sum, new(big.Rat).SetFloat64(s))
			}
			require.Equal(t, pmax, profit, "profits sum to pmax")
			require.True(t, sum.Cmp(big.NewRat(1, 1)) > 0 && sum.Cmp(big.NewRat(2, 1)) < 0, "size sum %v in (1, 2)", sum.FloatString(6))
		}
		// The item count varies: for pmax = 2 only 1+1 is possible; for the
		// larger pmax here n = 2 and n = 3 each have probability at least
		// 0.05 per draw (0.052 for n = 2 at pmax 100, computed from the
		// draw process), so 500 draws miss one with probability below 1e-11.
		if pmax == 2 {
			assert.Equal(t, map[int]int{2: 500}, counts)
		} else {
			assert.Positive(t, counts[2], "pmax %d: n counts %v", pmax, counts)
			assert.Positive(t, counts[3], "pmax %d: n counts %v", pmax, counts)
		}
	}
}

func TestAppendixDSeeded(t *testing.T) {
	a := instance.AppendixD(instance.NewRand(42), 20)
	b := instance.AppendixD(instance.NewRand(42), 20)
	assert.Equal(t, a, b, "the same seed draws the same instance")
	assert.Panics(t, func() { instance.AppendixD(instance.NewRand(1), 1) })
}

func TestUniform(t *testing.T) {
	m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 4})
	steps := instance.Uniform(instance.NewRand(3), m, 2000)
	require.Len(t, steps, 2000)
	seen := make(map[float64]bool)
	var below, above int
	for _, s := range steps {
		require.Len(t, s, 2)
		p, size := s[0], s[1]
		require.True(t, p >= 1 && p <= 4 && p == float64(int(p)), "profit %v", p)
		require.True(t, size >= 0 && size <= 1, "size %v", size)
		seen[p] = true
		if size < 0.5 {
			below++
		} else {
			above++
		}
	}
	assert.Len(t, seen, 4, "every profit 1..4 occurs")
	// Uniform sizes: each half gets 1000 ± 3σ (σ = √(2000/4) ≈ 22).
	assert.InDelta(t, 1000, below, 70)
	assert.InDelta(t, 1000, above, 70)
}

// AppendixDItems draws what AppendixD draws, reusing its slices.
func TestAppendixDItems(t *testing.T) {
	a, b := instance.NewRand(3), instance.NewRand(3)
	var profits []int
	var sizes []float64
	for range 50 {
		in := instance.AppendixD(a, 7)
		profits, sizes = instance.AppendixDItems(b, 7, profits, sizes)
		require.Len(t, profits, len(in.Steps))
		for k, step := range in.Steps {
			assert.Equal(t, step["profit"], float64(profits[k]))
			assert.Equal(t, step["size"], sizes[k])
		}
	}
	assert.Panics(t, func() { instance.AppendixDItems(a, 1, nil, nil) })
}
