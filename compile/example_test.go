package compile_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
)

func ExampleLower() {
	m := knapsackModel()
	net, err := compile.Lower(m, compile.Options{})
	if err != nil {
		panic(err)
	}
	st := net.Cell.Stats()
	fmt.Println("depth", st.Depth, "widths", st.Widths)

	// Two items: (profit 4, size 0.5) and (profit 7, size 0.75).
	r, err := compile.NewRunner[float64](net)
	if err != nil {
		panic(err)
	}
	states, err := r.Run([][]float64{{4, 0.5}, {7, 0.75}})
	if err != nil {
		panic(err)
	}
	ans, err := net.Decode(states[2], net.DecodeTolerance(compile.Float64Roundoff, 2))
	if err != nil {
		panic(err)
	}
	fmt.Println("f =", states[2][0])
	fmt.Println("best profit", ans)
	// Output:
	// depth 4 widths [20 45 10]
	// f = [0.5 0.5 0.5 0.5 0.75 0.75 0.75 1.25 1.25 1.25]
	// best profit 7
}

// knapsackSrc is the profit-indexed knapsack DP of Hertrich & Skutella,
// as examples/knapsack.dp writes it.
const knapsackSrc = `dp knapsack
param pmax int = 10
input profit int in 1..pmax
input size real in 0..1
state f[p in 1..pmax] real in 0..2 = 2
f[p <= 0] = 0
step f[p] = min(f[p], f[p - profit] + size)
answer max p where f[p] <= 1`

// knapsackModel parses and checks knapsackSrc with pmax = 10.
func knapsackModel() *dsl.Model {
	f, err := dsl.Parse("knapsack.dp", []byte(knapsackSrc))
	if err != nil {
		panic(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 10})
	if err != nil {
		panic(err)
	}
	return m
}
