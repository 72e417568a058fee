package sensitivity_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/sensitivity"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Exact optimisation on the twin instance changes n of its 2n+1 items on
// average when one item is deleted; greedy fewer than one.
func Example() {
	in, _ := sensitivity.Twin(5) // 11 items
	exact, _ := sensitivity.Deterministic(in, sensitivity.Exact)
	greedy, _ := sensitivity.Deterministic(in, sensitivity.Greedy)
	fmt.Printf("exact:  %.3f items, value %v\n", exact.Sensitivity, exact.Value)
	fmt.Printf("greedy: %.3f items, value %v\n", greedy.Sensitivity, greedy.Value)
	k, _ := sensitivity.NewKY(in, 0.5, 1)
	r, _ := sensitivity.Coupled(in, k, 64)
	fmt.Println("Kumabe–Yoshida below exact:", r.Sensitivity+r.CI < exact.Sensitivity)
	// Output:
	// exact:  5.000 items, value 155
	// greedy: 0.909 items, value 155
	// Kumabe–Yoshida below exact: true
}

// On a simple instance (profit = weight) the deterministic algorithm
// fills at least (1 − ε) of the capacity and moves few items per
// deletion; exact optimisation moves more.
func ExampleSimpleKnapsack() {
	in := knapsack.Instance{Name: "simple", Capacity: 20,
		Weights: []int64{9, 8, 7, 4, 3, 3, 2, 1},
		Profits: []int64{9, 8, 7, 4, 3, 3, 2, 1}}
	sk, _ := sensitivity.Deterministic(in, sensitivity.SimpleKnapsack(0.25))
	exact, _ := sensitivity.Deterministic(in, sensitivity.Exact)
	fmt.Printf("simple: value %v, %.3f items\n", sk.Value, sk.Sensitivity)
	fmt.Printf("exact:  value %v, %.3f items\n", exact.Value, exact.Sensitivity)
	// Output:
	// simple: value 17, 0.500 items
	// exact:  value 20, 1.375 items
}
