package instance_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
)

// Solve a real instance: the params come from the instance, the answer is
// its known optimum.
func ExampleParams() {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	if err != nil {
		panic(err)
	}
	inst, err := instance.ReadInstanceFile("../testdata/lowdim/f4_l-d_kp_4_11.txt")
	if err != nil {
		panic(err)
	}
	params, notes, err := instance.Params(f, inst, nil)
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
	steps, err := instance.Bind(m, inst)
	if err != nil {
		panic(err)
	}
	trace, err := truth.RunDP(m, steps)
	if err != nil {
		panic(err)
	}
	answer, err := trace.Answer()
	if err != nil {
		panic(err)
	}
	fmt.Println("optimum:", answer)
	// Output:
	// capacity = 11 from the instance ../testdata/lowdim/f4_l-d_kp_4_11.txt
	// pmax not set: using 41, the sum of input profit over the instance ../testdata/lowdim/f4_l-d_kp_4_11.txt, as its default 10 is below it (pmax only bounds index ranges: an upper bound on every reachable index)
	// optimum: 23
}

// Binding reports every value a program cannot take, with its place in the
// instance file and the input's declaration.
func ExampleBind() {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	if err != nil {
		panic(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 10})
	if err != nil {
		panic(err)
	}
	inst, err := instance.ReadInstanceFile("../testdata/lowdim/f4_l-d_kp_4_11.txt")
	if err != nil {
		panic(err)
	}
	_, err = instance.Bind(m, inst)
	fmt.Println(err)
	// Output:
	// ../testdata/lowdim/f4_l-d_kp_4_11.txt:4: item 3: profit 12 is above 10, the upper end of input profit (examples/knapsack.dp:10:1)
	// ../testdata/lowdim/f4_l-d_kp_4_11.txt:5: item 4: profit 13 is above 10, the upper end of input profit (examples/knapsack.dp:10:1)
}

// Instance files report their mistakes with positions.
func ExampleReadInstance() {
	_, err := instance.ReadInstance("items.txt", []byte("2\n10 4\n7 0\n20\n"))
	fmt.Println(err)
	// Output:
	// items.txt:3:3: item 2: weight 0: size must be positive
}

// Random Appendix D instances are drawn from a seed.
func ExampleAppendixD() {
	inst := instance.AppendixD(instance.NewRand(1), 12)
	total := 0.0
	for _, step := range inst.Steps {
		total += step["profit"]
	}
	fmt.Println(len(inst.Steps) >= 2, total)
	// Output:
	// true 12
}
