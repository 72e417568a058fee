package knapsack

import (
	"fmt"
	"math/big"
)

func ExampleSolve() {
	// f4 of testdata/lowdim.
	s, _ := Solve([]int64{6, 10, 12, 13}, []int64{2, 4, 6, 7}, 11)
	fmt.Println(s.Value, s.Weight, s.Items)
	// Output: 23 11 [1 3]
}

func ExampleFPTASWeights_guarantee() {
	// The package overview: a generated instance, its optimum, the FPTAS
	// reference at P = 1000 and the guarantee 1 − 20²/1000 = 0.6.
	in := Generate(Spec{Family: StronglyCorrelated, N: 20, R: 100, Fraction: 0.5}, 1)
	opt, _ := Optimum(in.Profits, in.Weights, in.Capacity)
	tr, _ := FPTASWeights(in.Profits, in.Weights, in.Capacity, 1000)
	fmt.Println(CheckGuarantee(tr.Value(), opt, in.Len(), 1000))
	fmt.Println(tr.Value().Cmp(big.NewRat(opt, 1)) <= 0)
	// Output:
	// <nil>
	// true
}

func ExampleProximity() {
	// Greedy by profit/weight takes items 0 and 1 (value 160, weight 30);
	// the optimum exchanges item 0 for item 2.
	s, _ := Proximity([]int64{60, 100, 120}, []int64{10, 20, 30}, 50)
	fmt.Println(s.Value, s.Weight, s.Items, s.Method)
	// Output: 220 50 [1 2] proximity
}
