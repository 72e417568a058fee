package smooth_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/smooth"
)

// A smoothed knapsack: value, relaxed selection and its VJP.
func Example() {
	// Items 2 and 3 fit together (score 3.2), item 1 only alone (score 3).
	// The last decision compares 3 with 3.2: Δ = 0.2 < γ, so Gini picks
	// item 3 with q = ½ + Δ/(2γ) = 0.7, and the value is
	// 3.2 + (γ/4)(1 − Δ/γ)² = 3.245.
	p := smooth.NewKnapsack([]int{3, 2, 2}, 4)
	theta := []float64{3, 1.6, 1.6}
	tab, err := p.Forward(smooth.Gini, 0.5, theta)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("value %.4f\n", tab.Value())
	fmt.Printf("y %.4f\n", tab.Marginals())
	g, _ := tab.VJP([]float64{1, 0, 0})
	fmt.Printf("d y / d θ1 %.4f\n", g)
	// Output:
	// value 3.2450
	// y [0.3000 0.7000 0.7000]
	// d y / d θ1 [1.0000 -1.0000 -1.0000]
}

func ExampleMax2() {
	for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
		v, q, dq := smooth.Max2(reg, 1, 0, 0)
		fmt.Printf("%-7v max_Ω(0, 0) = %.4f  q = %.2f  dq/db = %.4f\n", reg, v, q, dq)
	}
	v, q, _ := smooth.Max2(smooth.Gini, 1, 0, 3) // |b − a| ≥ γ: the hard max
	fmt.Printf("gini    max_Ω(0, 3) = %.4f  q = %.2f\n", v, q)
	// Output:
	// shannon max_Ω(0, 0) = 0.6931  q = 0.50  dq/db = 0.2500
	// gini    max_Ω(0, 0) = 0.2500  q = 0.50  dq/db = 0.5000
	// tsallis max_Ω(0, 0) = 0.3905  q = 0.50  dq/db = 0.3536
	// gini    max_Ω(0, 3) = 3.0000  q = 1.00
}

func ExampleTables_Sample() {
	p := smooth.NewTopK(4, 2)
	tab, _ := p.Forward(smooth.Gini, 1, []float64{5, 0.2, 4, 0.1})
	fmt.Printf("y %.2f\n", tab.Marginals())
	for _, s := range tab.Sample(rand.New(rand.NewPCG(1, 2)), 3) {
		fmt.Println(s)
	}
	// Output:
	// y [1.00 0.00 1.00 0.00]
	// [true false true false]
	// [true false true false]
	// [true false true false]
}

func ExampleProblem_MarginalsBatch() {
	p := smooth.NewTopK(3, 1)
	theta := [][]float64{{0, 0, 0}, {2, 0, 0}}
	values, y, err := p.MarginalsBatch(smooth.Shannon, 1, theta, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for b := range theta {
		fmt.Printf("value %.4f  y %.4f\n", values[b], y[b])
	}
	// Output:
	// value 1.0986  y [0.3333 0.3333 0.3333]
	// value 2.2395  y [0.7870 0.1065 0.1065]
}

func ExampleParseReg() {
	reg, err := smooth.ParseReg("Tsallis")
	fmt.Println(reg, err, reg.Range())
	_, err = smooth.ParseReg("hinge")
	fmt.Println(err)
	// Output:
	// tsallis <nil> 0.39052429175126996
	// smooth: unknown regulariser "hinge" (want shannon, gini or tsallis)
}

func ExampleProblem_Forward_badInput() {
	p := smooth.NewTopK(2, 3)
	_, err := p.Forward(smooth.Shannon, 0, []float64{1, 2})
	for _, e := range err.(smooth.ErrorList) {
		fmt.Println(e)
	}
	// Output:
	// Capacity: top-k with k = 3 > n = 2 items has no feasible selection
	// gamma: temperature γ = 0 must be finite and at least MinGamma = 2^-1022
}
