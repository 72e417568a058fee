package instance

import (
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/dsl"
)

// RandomFor returns the random-instance generator used for m and its name:
// the paper's Appendix D generator for a program with integer input
// "profit" and real input "size" and a param "pmax" (the knapsack DP), and
// otherwise steps inputs drawn uniformly from their declared ranges.
func RandomFor(m *dsl.Model, steps int) (func(*rand.Rand) [][]float64, string) {
	if pmax, ok := m.Param("pmax"); ok && hasInput(m, "profit", dsl.Int) && hasInput(m, "size", dsl.Real) {
		return func(rng *rand.Rand) [][]float64 {
			inst := AppendixD(rng, int(pmax))
			out, err := Bind(m, inst)
			if err != nil {
				panic("verify: Appendix D instance does not bind: " + err.Error())
			}
			return out
		}, "Appendix D"
	}
	return func(rng *rand.Rand) [][]float64 { return Uniform(rng, m, steps) }, "uniform"
}

func hasInput(m *dsl.Model, name string, t dsl.Type) bool {
	for _, in := range m.Inputs {
		if in.Name == name && in.Type == t {
			return true
		}
	}
	return false
}
