package truth_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
)

// The longest common subsequence of x = 1 2 3 1 and y = 2 3 1 is 2 3 1.
// Data go in per m.Data (x, then y), row-major.
func ExampleRunDPData() {
	f, _ := repo.ReadProgram("examples/lcs.dp")
	m, _ := dsl.Check(f, map[string]int64{"m": 4, "n": 3, "a": 3})
	trace, err := truth.RunDPData(m, nil, [][]float64{{1, 2, 3, 1}, {2, 3, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	answer, _ := trace.Answer()
	fmt.Println(trace.Steps(), "steps, LCS length", answer)
	// Output: 6 steps, LCS length 3
}

// A negative cycle 2 → 3 → 2 makes the extra step of "require fixpoint"
// change a distance: the run fails with the program's message.
func ExampleFixpointError() {
	f, _ := repo.ReadProgram("examples/bellmanford.dp")
	m, _ := dsl.Check(f, map[string]int64{"n": 3, "s": 1, "cmax": 5})
	inf := math.Inf(1)
	costs := []float64{
		inf, 2, inf,
		inf, inf, -1,
		inf, -2, inf,
	}
	_, err := truth.RunDPData(m, nil, [][]float64{costs})
	var fe *truth.FixpointError
	if errors.As(err, &fe) {
		fmt.Printf("%s: %s from %v to %v\n", fe.Msg, fe.Cell, fe.Before, fe.After)
	}
	// Output: a negative cycle is reachable from the source: d[v=2] from 2 to -1
}
