package sensitivity

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// simpleInstances are subset-sum instances (p = w) and scaled copies
// (p = 3w), with a few items heavier than the capacity.
func simpleInstances() []knapsack.Instance {
	var out []knapsack.Instance
	for _, c := range []struct {
		n int
		R int64
	}{{8, 20}, {15, 100}, {40, 100}, {120, 1000}} {
		for k := range 3 {
			in := knapsack.Generate(knapsack.Spec{Family: knapsack.SubsetSum, N: c.n, R: c.R, Fraction: 0.5}, uint64(k+1))
			out = append(out, in)
			sc := knapsack.Instance{Name: in.Name + "-x3", Weights: append([]int64{in.Capacity + 1}, in.Weights...), Capacity: in.Capacity}
			for _, w := range sc.Weights {
				sc.Profits = append(sc.Profits, 3*w)
			}
			sc.Profits[0] = 1 // too heavy: does not count for proportionality
			out = append(out, sc)
		}
	}
	// Many tiny items after a few large ones: greedy-like fills are
	// unstable here, the lightest-first prefix is not.
	tiny := knapsack.Instance{Name: "tiny-tail", Capacity: 1000}
	for _, w := range []int64{400, 350, 300, 280} {
		tiny.Weights = append(tiny.Weights, w)
	}
	for range 60 {
		tiny.Weights = append(tiny.Weights, 1)
	}
	for range 20 {
		tiny.Weights = append(tiny.Weights, 50)
	}
	tiny.Profits = append([]int64(nil), tiny.Weights...)
	return append(out, tiny)
}

// The guarantees proved in docs/sensitivity.md: value ≥ (1 − ε)·OPT and
// exact average sensitivity ≤ 2 + 2/ε, on every instance and ε tried.
func TestSimpleKnapsackGuarantees(t *testing.T) {
	for _, in := range simpleInstances() {
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		for _, eps := range []float64{0.5, 0.25, 0.1, 0.05} {
			sel := SimpleKnapsack(eps)
			s, err := sel(in)
			require.NoError(t, err, in.Name)
			require.NoError(t, CheckFeasible(in, s), in.Name)
			v := Profit(in, s)
			assert.GreaterOrEqual(t, float64(v), (1-eps)*float64(opt), "%s ε=%v: %d vs OPT %d", in.Name, eps, v, opt)
			r, err := Deterministic(in, sel)
			require.NoError(t, err)
			assert.LessOrEqual(t, r.Sensitivity, 2+2/eps, "%s ε=%v", in.Name, eps)
			// the per-deletion bounds of the proof: deleting an item
			// outside the output changes nothing, a deleted small item
			// moves at most 2 items
			for i, d := range r.PerItem {
				if !containsSorted(s, i) {
					assert.Zero(t, d, "%s ε=%v, item %d outside the output", in.Name, eps, i)
				}
				if in.Weights[i] <= in.Capacity && float64(in.Weights[i]) <= eps*float64(in.Capacity) {
					assert.LessOrEqual(t, d, 2.0, "%s ε=%v, small item %d", in.Name, eps, i)
				}
			}
		}
	}
}

// A simple twin: n items of weight n+1 and n+1 of weight n, capacity
// n(n+1), profit = weight. Either group fills the knapsack exactly and no
// mix does, so every exact algorithm picks one group and switches to the
// other whenever one of its items is deleted: sensitivity ≥ n. The
// simple-knapsack algorithm stays within its bound 2 + 2/ε, independent
// of n.
func TestSimpleKnapsackOnTwin(t *testing.T) {
	for _, n := range []int{5, 20, 60} {
		N := int64(n)
		in := knapsack.Instance{Name: fmt.Sprintf("simple-twin-%d", n), Capacity: N * (N + 1)}
		for range n {
			in.Weights = append(in.Weights, N+1)
		}
		for range n + 1 {
			in.Weights = append(in.Weights, N)
		}
		in.Profits = append([]int64(nil), in.Weights...)
		ex, err := Deterministic(in, Exact)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, ex.Sensitivity, float64(n), "exact on %s", in.Name)
		for _, eps := range []float64{0.5, 0.1} {
			sk, err := Deterministic(in, SimpleKnapsack(eps))
			require.NoError(t, err)
			assert.LessOrEqual(t, sk.Sensitivity, 2+2/eps)
			assert.GreaterOrEqual(t, sk.Value, (1-eps)*ex.Value)
		}
	}
}

// heaviestFirstInOrder against enumeration of every subset: the heaviest
// weight, and the first such subset in index order.
func TestHeaviestFirstInOrder(t *testing.T) {
	for seed := range uint64(40) {
		in := knapsack.Generate(knapsack.Spec{Family: knapsack.SubsetSum, N: 10, R: 70 + int64(seed), Fraction: 0.4}, seed+1)
		items := []int{}
		for i := range in.Len() {
			if seed%3 != 0 || i%2 == 0 { // a subset of the items, sometimes
				items = append(items, i)
			}
		}
		bestW, bestMask := int64(-1), 0
		for mask := range 1 << len(items) {
			var w int64
			for k := range items {
				if mask>>k&1 == 1 {
					w += in.Weights[items[k]]
				}
			}
			if w > in.Capacity {
				continue
			}
			// first in index order: compare from the first item, 1 before 0
			if w > bestW || (w == bestW && firstInOrder(mask, bestMask, len(items))) {
				bestW, bestMask = w, mask
			}
		}
		var want []int
		for k := range items {
			if bestMask>>k&1 == 1 {
				want = append(want, items[k])
			}
		}
		got := heaviestFirstInOrder(in, items)
		assert.Equal(t, fmt.Sprint(want), fmt.Sprint(got), "seed %d", seed)
	}
}

func firstInOrder(a, b, n int) bool {
	for k := range n {
		if x, y := a>>k&1, b>>k&1; x != y {
			return x == 1
		}
	}
	return false
}

func TestSimpleKnapsackRefuses(t *testing.T) {
	in := knapsack.Instance{Name: "x", Profits: []int64{3, 4}, Weights: []int64{3, 3}, Capacity: 4}
	_, err := SimpleKnapsack(0.5)(in)
	assert.ErrorContains(t, err, "x is not a simple knapsack instance: item 1 has profit/weight 4/3")
	ok, _ := IsSimple(knapsack.Instance{Profits: []int64{2, 4, 1}, Weights: []int64{1, 2, 9}, Capacity: 5})
	assert.True(t, ok)
	ok, i := IsSimple(knapsack.Instance{Profits: []int64{1}, Weights: []int64{0}, Capacity: 5})
	assert.False(t, ok)
	assert.Equal(t, 0, i)
	simple := knapsack.Instance{Profits: []int64{3, 3}, Weights: []int64{3, 3}, Capacity: 4}
	for _, eps := range []float64{0, 1, -1, math.NaN()} {
		_, err := SimpleKnapsack(eps)(simple)
		assert.ErrorContains(t, err, "want 0 < ε < 1")
	}
	big := knapsack.Instance{Name: "big", Capacity: 1 << 40}
	for range 10 {
		big.Profits, big.Weights = append(big.Profits, 1<<39), append(big.Weights, 1<<39)
	}
	_, err = SimpleKnapsack(0.1)(big)
	assert.ErrorContains(t, err, "bits of reachability table")
}
