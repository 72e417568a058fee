package truth_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
	"github.com/dp2nn/dp2nn/truth/graphs"
)

// BenchmarkRunDP measures the exact interpreter on knapsack.dp: its cost
// grows with pmax · items, every cell an exact rational.
func BenchmarkRunDP(b *testing.B) {
	for _, pmax := range []int{20, 100, 1000} {
		b.Run(fmt.Sprintf("knapsack/pmax=%d/items=20", pmax), func(b *testing.B) {
			m := testprog.Load(b, "examples/knapsack.dp", map[string]int64{"pmax": int64(pmax)})
			steps := instance.Uniform(instance.NewRand(1), m, 20)
			b.ResetTimer()
			for b.Loop() {
				tr, err := truth.RunDP(m, steps)
				require.NoError(b, err)
				_, err = tr.Answer()
				require.NoError(b, err)
			}
		})
	}
}

// BenchmarkRunDPData measures the exact interpreter on the programs with
// data at sizes beyond the tests', to say which real instances it can
// run: Held–Karp has 2^(n−1)·(n−1) cells, each a min over up to n−2
// terms, for n−1 steps; the constrained shortest path (cmax+1)·n cells,
// each a min over n terms, for cmax+1 steps.
func BenchmarkRunDPData(b *testing.B) {
	for _, tt := range []struct {
		name    string
		program string
		params  map[string]int64
		random  func(*rand.Rand, *dsl.Model) [][]float64
	}{
		{"heldkarp/n=10", "examples/heldkarp.dp", map[string]int64{"n": 10, "cmax": 100}, randomOf("heldkarp/")},
		{"heldkarp/n=12", "examples/heldkarp.dp", map[string]int64{"n": 12, "cmax": 100}, randomOf("heldkarp/")},
		{"csp/n=20,lmax=5", "examples/csp.dp", map[string]int64{"n": 20, "s": 1, "t": 20, "lmax": 5, "rmax": 10}, randomOf("csp/")},
		{"apsp/n=30", "examples/apsp.dp", map[string]int64{"n": 30, "cmax": 10}, randomOf("apsp/")},
	} {
		b.Run(tt.name, func(b *testing.B) {
			m := testprog.Load(b, tt.program, tt.params)
			data := tt.random(instance.NewRand(1), m)
			b.ResetTimer()
			for b.Loop() {
				tr, err := truth.RunDPData(m, nil, data)
				var fe *truth.FixpointError
				if !errors.As(err, &fe) {
					require.NoError(b, err)
				}
				_, err = tr.Answer()
				require.NoError(b, err)
			}
		})
	}
}

// BenchmarkRunDPDataBr17 runs heldkarp.dp on TSPLIB's br17 (n = 17:
// 2^16·16 cells over 16 steps) through the exact interpreter and checks
// the published optimum 39. Too slow and too large (about half a
// gigabyte for the trace) for a test.
func BenchmarkRunDPDataBr17(b *testing.B) {
	tsp, err := graphs.ReadTSPLIBFile("../testdata/graphs/br17.atsp")
	require.NoError(b, err)
	inst, err := instance.TSPLIBInstance(tsp)
	require.NoError(b, err)
	m := testprog.Load(b, "examples/heldkarp.dp", map[string]int64{"n": 17, "cmax": int64(inst.Scalars["cmax"])})
	data, err := instance.BindData(m, inst)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		tr, err := truth.RunDPData(m, nil, data)
		require.NoError(b, err)
		a, err := tr.Answer()
		require.NoError(b, err)
		require.Equal(b, "39", a.String())
	}
}

// randomOf is the generator of the first problems.DataCases() entry named
// prefix*.
func randomOf(prefix string) func(*rand.Rand, *dsl.Model) [][]float64 {
	for _, p := range problems.DataCases() {
		if strings.HasPrefix(p.Name, prefix) {
			return p.Random
		}
	}
	panic("no data problem " + prefix)
}
