package problems

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth"
)

// programCase is a program outside the table, a param set, a generator
// of its random instances and its exact solver.
type programCase struct {
	path   string
	params map[string]int64
	random func(*rand.Rand, *dsl.Model) [][]float64
	exact  func(*dsl.Model, [][]float64) (DataAnswer, error)
}

// TestBranchVariants runs programs outside the table that write a table
// problem's base cases another way (testdata/programs: the grid path
// with an or) in the exact interpreter on random instances, against the
// table problem's solver: the answer and the whole final state, exactly.
func TestBranchVariants(t *testing.T) {
	checkPrograms(t, []programCase{
		{"../testdata/programs/gridpath_or.dp", map[string]int64{"m": 4, "n": 5, "cmax": 9}, randomGrid, gridPathExact},
		{"../testdata/programs/gridpath_or.dp", map[string]int64{"m": 1, "n": 3, "cmax": 4}, randomGrid, gridPathExact},
		{"../testdata/programs/gridpath_or.dp", map[string]int64{"m": 3, "n": 1, "cmax": 4}, randomGrid, gridPathExact},
	})
}

// TestClosurePrograms runs programs outside the table that the checker
// admits only by closing difference bounds over three variables
// (testdata/programs/triangulation.dp reads side[j - i] where i < k < j)
// in the exact interpreter on random instances, against their solvers in
// truth/graphs: the answer and the whole final state, exactly.
func TestClosurePrograms(t *testing.T) {
	checkPrograms(t, []programCase{
		{"../testdata/programs/triangulation.dp", map[string]int64{"n": 6, "lmax": 20}, randomSides, triangulationExact},
		{"../testdata/programs/triangulation.dp", map[string]int64{"n": 9, "lmax": 5}, randomSides, triangulationExact},
		{"../testdata/programs/triangulation.dp", map[string]int64{"n": 2, "lmax": 3}, randomSides, triangulationExact},
	})
	// The pentagon of graphs' test, by hand: each side is in one triangle
	// and each diagonal in two, and the best two diagonals have spans 2
	// and 3: 4·1 + 7 + 2·(3 + 5) = 27.
	src, err := os.ReadFile("../testdata/programs/triangulation.dp")
	require.NoError(t, err)
	f, err := dsl.Parse("triangulation.dp", src)
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"n": 4, "lmax": 7})
	require.NoError(t, err)
	tr, err := truth.RunDPData(m, nil, [][]float64{{1, 3, 5, 7}})
	require.NoError(t, err)
	a, err := tr.Answer()
	require.NoError(t, err)
	require.Equal(t, 27.0, answerFloat(a))
}

// checkPrograms runs each case on 200 seeded random instances.
func checkPrograms(t *testing.T, cases []programCase) {
	for _, c := range cases {
		src, err := os.ReadFile(c.path)
		require.NoError(t, err)
		f, err := dsl.Parse(c.path, src)
		require.NoError(t, err)
		m, err := dsl.Check(f, c.params)
		require.NoError(t, err)
		rng := instance.NewRand(11)
		for k := range 200 {
			data := c.random(rng, m)
			want, err := c.exact(m, data)
			require.NoError(t, err)
			tr, err := truth.RunDPData(m, nil, data)
			require.NoError(t, err)
			require.Equal(t, want.Final, tr.Final(0), "%s %v, instance %d: the final state", c.path, c.params, k)
			a, err := tr.Answer()
			require.NoError(t, err)
			require.Equal(t, want.Value, answerFloat(a), "%s %v, instance %d: the answer", c.path, c.params, k)
		}
	}
}
