package truth_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
)

// Run knapsack.dp on three items and read the exact state and answer.
func ExampleRunDP() {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	if err != nil {
		panic(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 5})
	if err != nil {
		panic(err)
	}
	// Per step: profit, size (the inputs of knapsack.dp in order).
	trace, err := truth.RunDP(m, [][]float64{{2, 0.5}, {3, 0.75}, {1, 0.25}})
	if err != nil {
		panic(err)
	}
	fmt.Println("f after step 1:", trace.Exact(1, 0))
	fmt.Println("f at the end:  ", trace.Exact(3, 0))
	answer, err := trace.Answer()
	if err != nil {
		panic(err)
	}
	fmt.Println("answer:", answer)
	// Output:
	// f after step 1: [1/2 1/2 2 2 2]
	// f at the end:   [1/4 1/2 3/4 1 5/4]
	// answer: 4
}

// Exact values never round, and inf + -inf is refused rather than NaN.
func ExampleValue() {
	a, _ := truth.FloatValue(0.5)
	b := truth.IntValue(3)
	sum, _ := a.Add(b)
	_, ok := truth.Inf(1).Add(truth.Inf(-1))
	fmt.Println(sum, sum.Float64(), ok)
	// Output:
	// 7/2 3.5 false
}
