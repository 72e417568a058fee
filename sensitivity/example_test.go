package sensitivity_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/sensitivity"
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
