package problems

import (
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
)

// RandomFor returns the random-instance generator for a program with
// per-step inputs and its name: the generator of its problem in Table
// when m is one (the paper's Appendix D instances for the knapsack DP)
// and otherwise steps inputs drawn uniformly from their declared ranges
// (also for params the problem's generator cannot draw for: Appendix D
// with pmax = 1).
func RandomFor(m *dsl.Model, steps int) (func(*rand.Rand) [][]float64, string) {
	if p, ok := Identify(m); ok && !p.HasData() && p.Random != nil && (p.Draws == nil || p.Draws(m)) {
		return func(rng *rand.Rand) [][]float64 { return p.Random(rng, m) }, p.RandomName
	}
	return func(rng *rand.Rand) [][]float64 { return instance.Uniform(rng, m, steps) }, "uniform"
}
