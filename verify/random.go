package verify

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/dp2nn/dp2nn/dsl"
)

// NewRand returns a generator seeded with seed (PCG), so every random
// instance can be drawn again from its seed.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// AppendixD draws a knapsack instance the way Hertrich & Skutella
// (AAAI 2021, Appendix D) draw their test instances: integer profits >= 1
// that sum to exactly pmax, and sizes normalised so that the items
// together overfill the knapsack (capacity 1) by a random amount.
//
//   - The number of items n is uniform in 2..min(pmax, 10): our choice, as
//     the paper fixes no n. At most 10 keeps brute force instant; at least
//     2 because a single item of size at most 1 cannot overfill.
//   - Profits: a uniformly random composition of pmax into n positive
//     parts (n-1 distinct cut points in 1..pmax-1).
//   - Sizes: u_i uniform in (0, 1], scaled by T/Σu with the target sum T
//     uniform in (1, 2); the draw is repeated until every size lies in
//     (0, 1] and the float64 sum lies in (1, 2).
//
// Each step has profit, size and weight = size (capacity 1); the scalars
// are capacity = 1 and n. AppendixD panics when pmax < 2.
func AppendixD(rng *rand.Rand, pmax int) *Instance {
	if pmax < 2 {
		panic(fmt.Sprintf("verify: AppendixD needs pmax >= 2, got %d", pmax))
	}
	n := 2 + rng.IntN(min(pmax, 10)-1)
	cuts := rng.Perm(pmax - 1)[:n-1] // distinct values in 0..pmax-2
	for i := range cuts {
		cuts[i]++
	}
	slices.Sort(cuts)
	profits := make([]int, n)
	prev := 0
	for i, c := range append(cuts, pmax) {
		profits[i] = c - prev
		prev = c
	}
	sizes := make([]float64, n)
	for {
		target := 1 + rng.Float64()
		if target == 1 {
			continue
		}
		var sum float64
		for i := range sizes {
			sizes[i] = 1 - rng.Float64() // (0, 1]
			sum += sizes[i]
		}
		ok := true
		var total float64
		for i := range sizes {
			sizes[i] *= target / sum
			total += sizes[i]
			ok = ok && sizes[i] > 0 && sizes[i] <= 1
		}
		if ok && total > 1 && total < 2 {
			break
		}
	}
	in := &Instance{
		Name:     fmt.Sprintf("appendixD_pmax%d_n%d", pmax, n),
		Source:   "AppendixD",
		StepNoun: "item",
		Scalars:  map[string]float64{"capacity": 1, "n": float64(n)},
	}
	for i := range n {
		in.Steps = append(in.Steps, map[string]float64{"profit": float64(profits[i]), "size": sizes[i], "weight": sizes[i]})
		in.StepLines = append(in.StepLines, 0)
	}
	return in
}

// Uniform draws n steps of inputs for m, each input uniform over its
// declared range: integers in Lo..Hi for int inputs, reals in [Lo, Hi)
// for real ones.
func Uniform(rng *rand.Rand, m *dsl.Model, n int) [][]float64 {
	steps := make([][]float64, n)
	for k := range steps {
		steps[k] = make([]float64, len(m.Inputs))
		for i, in := range m.Inputs {
			if in.Type == dsl.Int {
				steps[k][i] = in.Lo + float64(rng.Int64N(int64(in.Hi-in.Lo)+1))
			} else {
				// min: Lo + (Hi-Lo)·u may round up past Hi.
				steps[k][i] = min(in.Lo+(in.Hi-in.Lo)*rng.Float64(), in.Hi)
			}
		}
	}
	return steps
}
