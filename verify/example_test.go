package verify_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/verify"
)

// Run knapsack.dp on three items and read the exact state and answer.
func ExampleRunDP() {
	f, err := verify.ReadProgram("examples/knapsack.dp")
	if err != nil {
		panic(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 5})
	if err != nil {
		panic(err)
	}
	// Per step: profit, size (the inputs of knapsack.dp in order).
	trace, err := verify.RunDP(m, [][]float64{{2, 0.5}, {3, 0.75}, {1, 0.25}})
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

// Solve a real instance: the params come from the instance, the answer is
// its known optimum.
func ExampleParams() {
	f, err := verify.ReadProgram("examples/knapsack_int.dp")
	if err != nil {
		panic(err)
	}
	inst, err := verify.ReadInstanceFile("../testdata/lowdim/f4_l-d_kp_4_11.txt")
	if err != nil {
		panic(err)
	}
	params, notes, err := verify.Params(f, inst, nil)
	if err != nil {
		panic(err)
	}
	for _, n := range notes {
		fmt.Println(n)
	}
	m, err := dsl.Check(f, params)
	if err != nil {
		panic(err)
	}
	steps, err := verify.Bind(m, inst)
	if err != nil {
		panic(err)
	}
	trace, err := verify.RunDP(m, steps)
	if err != nil {
		panic(err)
	}
	answer, err := trace.Answer()
	if err != nil {
		panic(err)
	}
	fmt.Println("optimum:", answer)
	// Output:
	// pmax not set: using 41 = sum of profit over the instance (an upper bound on every reachable index)
	// capacity = 11 from the instance ../testdata/lowdim/f4_l-d_kp_4_11.txt
	// optimum: 23
}

// Binding reports every value a program cannot take, with its place in the
// instance file and the input's declaration.
func ExampleBind() {
	f, err := verify.ReadProgram("examples/knapsack.dp")
	if err != nil {
		panic(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 10})
	if err != nil {
		panic(err)
	}
	inst, err := verify.ReadInstanceFile("../testdata/lowdim/f4_l-d_kp_4_11.txt")
	if err != nil {
		panic(err)
	}
	_, err = verify.Bind(m, inst)
	fmt.Println(err)
	// Output:
	// ../testdata/lowdim/f4_l-d_kp_4_11.txt:4: item 3: profit 12 is above 10, the upper end of input profit (examples/knapsack.dp:10:1) (and 1 more errors)
}

// Instance files report their mistakes with positions.
func ExampleReadInstance() {
	_, err := verify.ReadInstance("items.txt", []byte("2\n10 4\n7 0\n20\n"))
	fmt.Println(err)
	// Output:
	// items.txt:3:3: item 2: weight 0: size must be positive
}

// Exact values never round, and inf + -inf is refused rather than NaN.
func ExampleValue() {
	a, _ := verify.FloatValue(0.5)
	b := verify.IntValue(3)
	sum, _ := a.Add(b)
	_, ok := verify.Inf(1).Add(verify.Inf(-1))
	fmt.Println(sum, sum.Float64(), ok)
	// Output:
	// 7/2 3.5 false
}

// Random Appendix D instances are drawn from a seed.
func ExampleAppendixD() {
	inst := verify.AppendixD(verify.NewRand(1), 12)
	total := 0.0
	for _, step := range inst.Steps {
		total += step["profit"]
	}
	fmt.Println(len(inst.Steps) >= 2, total)
	// Output:
	// true 12
}
