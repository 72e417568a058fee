package instance

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/dsl"
)

// AppendixDMinPmax is the smallest pmax AppendixD draws for: its profits
// sum to pmax over at least two items.
const AppendixDMinPmax = 2

// NewRand returns a generator seeded with seed (PCG), so every random
// instance can be drawn again from its seed.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// AppendixD draws a knapsack instance the way Hertrich & Skutella
// (AAAI 2021, Appendix D) draw their test instances, following the
// generator published with the paper's code:
//
//   - Profits: draw a profit uniformly from 1..remaining, subtract it, and
//     repeat until pmax is used up; then shuffle. So the profits are
//     integers >= 1 summing to exactly pmax, and n is random.
//   - Sizes: u_i uniform, scaled by T/Σu with the overload factor T uniform
//     in (1, 2), so the items together overfill the knapsack (capacity 1).
//
// Our one departure: knapsack.dp declares sizes in 0..1, so draws with a
// size above 1 are repeated (the paper's generator keeps them; such an item
// never fits), and so are profit draws with a single item, which could
// only have a size above 1.
//
// Each step has profit, size and weight = size (capacity 1); the scalars
// are capacity = 1 and n. AppendixD panics when pmax < AppendixDMinPmax
// (callers check first: problems.RandomFor draws uniformly then).
func AppendixD(rng *rand.Rand, pmax int) *Instance {
	profits, sizes := AppendixDItems(rng, pmax, nil, nil)
	n := len(profits)
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

// AppendixDItems draws the items of one AppendixD instance, the same
// draws from rng as AppendixD, into profits and sizes (reused, their
// contents replaced), without building an Instance: for streams of many
// instances. It panics when pmax < 2.
func AppendixDItems(rng *rand.Rand, pmax int, profits []int, sizes []float64) ([]int, []float64) {
	if pmax < AppendixDMinPmax {
		panic(fmt.Sprintf("instance: AppendixD needs pmax >= %d, got %d", AppendixDMinPmax, pmax))
	}
	profits = profits[:0]
	for len(profits) < 2 {
		profits = AppendixDProfits(rng, pmax, profits)
	}
	n := len(profits)
	if cap(sizes) < n {
		sizes = make([]float64, n)
	}
	sizes = sizes[:n]
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
	return profits, sizes
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
				r := rng.Float64()
				if math.IsInf(in.Hi-in.Lo, 0) { // a range past the largest float64: no overflow
					steps[k][i] = min(max(in.Lo*(1-r)+in.Hi*r, in.Lo), in.Hi)
				} else {
					steps[k][i] = min(in.Lo+(in.Hi-in.Lo)*r, in.Hi)
				}
			}
		}
	}
	return steps
}

// AppendixDProfits draws the profits of one instance of Appendix D into
// profits (reused): each uniform in 1..remaining until they sum to pmax,
// then shuffled.
func AppendixDProfits(rng *rand.Rand, pmax int, profits []int) []int {
	profits = profits[:0]
	for remaining := pmax; remaining > 0; {
		p := 1 + rng.IntN(remaining)
		remaining -= p
		profits = append(profits, p)
	}
	rng.Shuffle(len(profits), func(i, j int) { profits[i], profits[j] = profits[j], profits[i] })
	return profits
}
