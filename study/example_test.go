package study_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/study"
)

// The DP-NN of the knapsack DP at p* = 10 has the widths of Hertrich &
// Skutella's construction.
func ExampleWidths() {
	f, _ := repo.ReadProgram("examples/knapsack.dp")
	m, _ := dsl.Check(f, map[string]int64{"pmax": 10})
	net, _ := compile.Lower(m, compile.Options{})
	r := study.Widths("examples/knapsack.dp", net, net.Cell, "cell", 0)
	r.Paper = study.Paper(net)
	fmt.Println("depth", r.Depth, "widths", r.Widths)
	fmt.Println(r.Paper.Formulas, "agree:", r.Paper.Agree)
	// Output:
	// depth 4 widths [20 45 10]
	// [2p* p*(p*-1)/2 p*] agree: true
}

// The FPTAS-NN at P = 50 on four subset-sum instances of 5 items: n²/P =
// 1/2, so p_NN is at least half the optimum.
func ExampleFPTAS() {
	program, _ := repo.RepoPath("examples/knapsack_int.dp")
	rep, err := study.FPTAS(study.FPTASConfig{Program: program, Families: []string{"subset-sum"},
		N: []int{5}, P: []int{50}, Per: 4, Seed: 1, R: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rep.Rows[0]
	fmt.Printf("%s n=%d P=%d: width %d, bound %.2f, worst %.4f, mean %.4f, violations %d\n", r.Family, r.N, r.P, r.Width, r.Bound, r.Worst, r.Mean, rep.Violations)
	// Output:
	// subset-sum n=5 P=50: width 5100, bound 0.50, worst 0.9331, mean 0.9491, violations 0
}
