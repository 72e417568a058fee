package verify_test

import (
	"fmt"
	"os"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/verify"
)

// The DP-NN of the knapsack DP at p* = 6 against the exact DP on 50
// random instances of the paper's Appendix D, in float64 and float32:
// "dp2nn verify examples/knapsack.dp -set pmax=6 -random 50 -seed 3".
func ExampleRandom() {
	f, _ := repo.ReadProgram("examples/knapsack.dp")
	m, _ := dsl.Check(f, map[string]int64{"pmax": 6})
	net, _ := compile.Lower(m, compile.Options{})
	dtypes := []engine.DType{engine.Float64, engine.Float32}
	rep := &verify.Report{Program: "examples/knapsack.dp", Scheme: "exact"}
	if err := verify.Random(rep, net, dtypes, 50, 3, 10); err != nil {
		fmt.Println(err)
		return
	}
	rep.WriteText(os.Stdout, dtypes)
	// Output:
	// verify examples/knapsack.dp (scheme exact): network vs exact DP (exact rational arithmetic), every state of every step
	// source                     params  cases  steps  max|err| float64  tol float64  max|err| float32  tol float32  answer  known  mismatches
	// random Appendix D, seed 3  pmax=6  50     142    3.05e-16          1.2e-13      2.15e-07          6.47e-05     -       -      0
	// tolerance: a state may differ from the truth by tol, derived from the dtype's unit roundoff, the steps and the magnitude of the values (0: exact)
	// 50 cases checked, 0 mismatches
}
