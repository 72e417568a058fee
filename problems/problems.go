package problems

import (
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// uniformSteps draws between lo and hi steps (uniformly), each from
// Uniform.
func uniformSteps(lo, hi int) func(*rand.Rand, *dsl.Model) [][]float64 {
	return func(rng *rand.Rand, m *dsl.Model) [][]float64 {
		return instance.Uniform(rng, m, lo+rng.IntN(hi-lo+1))
	}
}

// appendixDDraws says whether AppendixD can draw for m: profits summing to
// pmax over at least two items need pmax >= 2.
func appendixDDraws(m *dsl.Model) bool {
	pmax, ok := m.Param("pmax")
	return ok && pmax >= instance.AppendixDMinPmax
}

// appendixDSteps draws an AppendixD instance with pmax from m.
func appendixDSteps(rng *rand.Rand, m *dsl.Model) [][]float64 {
	pmax, ok := m.Param("pmax")
	if !ok {
		panic("verify: appendixDSteps: " + m.Name + " has no param pmax")
	}
	steps, err := instance.Bind(m, instance.AppendixD(rng, int(pmax)))
	if err != nil {
		// AppendixD draws inside knapsack.dp's input ranges by construction.
		panic("verify: appendixDSteps: " + err.Error())
	}
	return steps
}

// column returns the values of the named input over steps, as integers
// when integer is set (they are, inside the declared ranges).
func column(steps [][]float64, m *dsl.Model, name string) ([]float64, error) {
	for _, in := range m.Inputs {
		if in.Name == name {
			col := make([]float64, len(steps))
			for k, s := range steps {
				col[k] = s[in.Index]
			}
			return col, nil
		}
	}
	return nil, fmt.Errorf("verify: %s has no input %s", m.Name, name)
}

func intColumn(steps [][]float64, m *dsl.Model, name string) ([]int64, error) {
	col, err := column(steps, m, name)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(col))
	for k, v := range col {
		out[k] = int64(v)
		if float64(out[k]) != v {
			return nil, fmt.Errorf("verify: step %d: %s = %v is not an integer", k+1, name, v)
		}
	}
	return out, nil
}

func param(m *dsl.Model, name string) (int64, error) {
	v, ok := m.Param(name)
	if !ok {
		return 0, fmt.Errorf("verify: %s has no param %s", m.Name, name)
	}
	return v, nil
}

// knapsackExact is the answer of knapsack.dp, "max p where f[p] <= 1":
// min(pmax, OPT), where OPT is the best profit of a subset of total size at
// most 1. The sizes are reals, so OPT is found over every subset with the
// sizes as exact rationals (each float64 exactly), not by scaling them to
// integers, which could round.
func knapsackExact(steps [][]float64, m *dsl.Model) (float64, error) {
	profits, err := intColumn(steps, m, "profit")
	if err != nil {
		return 0, err
	}
	sizes, err := column(steps, m, "size")
	if err != nil {
		return 0, err
	}
	pmax, err := param(m, "pmax")
	if err != nil {
		return 0, err
	}
	exact := make([]*big.Rat, len(sizes))
	for i, s := range sizes {
		exact[i] = new(big.Rat).SetFloat64(s)
	}
	best, err := bestSubsetRat(profits, exact, big.NewRat(1, 1))
	return float64(min(pmax, best)), err
}

// bestSubsetRat returns the largest total profit of a subset whose total
// size is at most capacity, trying every subset (sizes are non-negative,
// so a branch stops once it is over capacity).
func bestSubsetRat(profits []int64, sizes []*big.Rat, capacity *big.Rat) (int64, error) {
	if len(profits) > 20 {
		return 0, fmt.Errorf("verify: brute force over %d items, at most 20", len(profits))
	}
	var best int64
	var walk func(i int, profit int64, size *big.Rat)
	walk = func(i int, profit int64, size *big.Rat) {
		if size.Cmp(capacity) > 0 {
			return
		}
		if i == len(profits) {
			best = max(best, profit)
			return
		}
		walk(i+1, profit, size)
		walk(i+1, profit+profits[i], new(big.Rat).Add(size, sizes[i]))
	}
	walk(0, 0, new(big.Rat))
	return best, nil
}

// knapsackIntExact is the answer of knapsack_int.dp, "max p where
// f[p] <= capacity": min(pmax, OPT) with integer weights.
func knapsackIntExact(steps [][]float64, m *dsl.Model) (float64, error) {
	profits, err := intColumn(steps, m, "profit")
	if err != nil {
		return 0, err
	}
	weights, err := intColumn(steps, m, "weight")
	if err != nil {
		return 0, err
	}
	pmax, err := param(m, "pmax")
	if err != nil {
		return 0, err
	}
	capacity, err := param(m, "capacity")
	if err != nil {
		return 0, err
	}
	best, _, err := knapsack.BruteForce(profits, weights, capacity)
	return float64(min(pmax, best)), err
}

// subsetSumExact is the answer of subsetsum.dp, "max s where r[s] >= 1":
// the largest subset sum of the weights that is at most capacity (0 for
// the empty subset), i.e. a knapsack whose profits are the weights.
func subsetSumExact(steps [][]float64, m *dsl.Model) (float64, error) {
	weights, err := intColumn(steps, m, "weight")
	if err != nil {
		return 0, err
	}
	capacity, err := param(m, "capacity")
	if err != nil {
		return 0, err
	}
	best, _, err := knapsack.BruteForce(weights, weights, capacity)
	return float64(best), err
}

// changeExact is the answer of change.dp, "c[amax]": the fewest coins of a
// subset summing to exactly amax, or K when no subset does (K is above the
// number of coins, so the DP never caps a real count).
func changeExact(steps [][]float64, m *dsl.Model) (float64, error) {
	coins, err := intColumn(steps, m, "coin")
	if err != nil {
		return 0, err
	}
	amax, err := param(m, "amax")
	if err != nil {
		return 0, err
	}
	k, err := param(m, "K")
	if err != nil {
		return 0, err
	}
	if len(coins) > 25 {
		return 0, fmt.Errorf("verify: brute force over %d coins, at most 25", len(coins))
	}
	best := k
	for mask := range 1 << len(coins) {
		var sum, count int64
		for i, c := range coins {
			if mask&(1<<i) != 0 {
				sum += c
				count++
			}
		}
		if sum == amax {
			best = min(best, count)
		}
	}
	return float64(best), nil
}

// exactCostExact is the least total cost of a subset of the items whose
// weights sum to exactly capacity, or K when none does (or when the least
// is above K): brute force over the subsets.
func exactCostExact(steps [][]float64, m *dsl.Model) (float64, error) {
	weights, err := intColumn(steps, m, "weight")
	if err != nil {
		return 0, err
	}
	costs, err := intColumn(steps, m, "cost")
	if err != nil {
		return 0, err
	}
	capacity, err := param(m, "capacity")
	if err != nil {
		return 0, err
	}
	k, err := param(m, "K")
	if err != nil {
		return 0, err
	}
	if len(weights) > 25 {
		return 0, fmt.Errorf("verify: brute force over %d items, at most 25", len(weights))
	}
	best := k
	for mask := range 1 << len(weights) {
		var w, c int64
		for i := range weights {
			if mask&(1<<i) != 0 {
				w += weights[i]
				c += costs[i]
			}
		}
		if w == capacity {
			best = min(best, c)
		}
	}
	return float64(best), nil
}
