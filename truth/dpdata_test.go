package truth_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/truth"
)

// Programs with data, steps lines, reductions, sets and the fixpoint
// check, each worked out by hand.

const setsProgram = `dp sets
data w[i in 0..3] int in 0..9
state f[S in subsets(0..3)] int in 0..9 or inf = inf
steps 1
step f[S] = min(i in S where i != 0: w[i])
answer f[{0..3}]
`

const gridDataProgram = `dp griddata
data x[i in 1..3] int in 1..2
state f[i in 1..3, j in 1..2] int in 0..20 = 0
f[i == 0] = 1
f[j < 1] = 2
steps 2
step f[i, j] = f[i - 1, j] + f[i, j - x[i]] + [x[i] == j]
answer f[3, 2]
`

const relaxProgram = `dp relax
param n int = 3
data c[u in 1..n, v in 1..n] int in -5..5 or inf
state d[v in 1..n] int in -15..15 or inf = if v == 1 then 0 else inf
steps n - 1
require fixpoint "negative cycle"
step d[v] = min(d[v], min(u in 1..n: d[u] + c[u, v]))
answer d
`

const searchDataProgram = `dp searchdata
data R int in 0..10
data w[i in 1..3] int in 0..3
state f[c in 0..3] int in 0..9 = 0
steps 1
step f[c] = 3 * c
answer min c where f[c] >= R
`

const valueDataProgram = `dp valuedata
data w[i in 1..3] int in 0..3
state f[c in 1..3] int in 0..9 = 0
steps 1
step f[c] = 3 * c
answer max(i in 1..3 where i != 3: w[i] + f[i])
`

func TestRunDPData(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name    string
		program string
		data    [][]float64
		final   string // exact cells of state 0 after the last step
		answer  string
	}{
		{
			// f[S] = the least w[i] over i in S, i != 0; S row-major by
			// bitmask: {}, {0}, {1}, {0,1}, {2}, ..., {0,1,2,3}.
			name: "reduction over a set with a filter", program: setsProgram,
			data:  [][]float64{{1, 5, 3, 7}},
			final: "inf inf 5 5 3 3 3 3 7 7 5 5 3 3 3 3", answer: "3",
		},
		{
			// x = 1 2 1. Step 1 from zeros: f[1,1] = 1 (i = 0 boundary) +
			// 2 (j < 1 boundary) + [1 == 1] = 4, f[1,2] = 1 + f[1,1] + 0
			// = 1, f[2,1] = 0 + 2 + 0 = 2, f[2,2] = 0 + 2 + 1 = 3, f[3,1]
			// = 0 + 2 + 1 = 3, f[3,2] = 0 + 0 + 0 = 0. Step 2: 4, 1+4 = 5,
			// 4+2 = 6, 1+2+1 = 4, 2+2+1 = 5, 3+3 = 6.
			name: "boundaries on two dimensions, data offsets, Iverson brackets", program: gridDataProgram,
			data:  [][]float64{{1, 2, 1}},
			final: "4 5 6 4 5 6", answer: "6",
		},
		{
			// Arcs 1→2 (2), 2→3 (−1), 3→2 (4): d = 0 inf inf, 0 2 inf,
			// 0 2 1; the extra step changes nothing.
			name: "per-cell init, steps line, fixpoint holds", program: relaxProgram,
			data:  [][]float64{{inf, 2, inf, inf, inf, -1, inf, 4, inf}},
			final: "0 2 1", answer: "[0 2 1]",
		},
		{
			// f = 0 3 6 9: the first c with f[c] >= 5 is 2.
			name: "search against a scalar data", program: searchDataProgram,
			data:  [][]float64{{5}, {0, 0, 0}},
			final: "0 3 6 9", answer: "2",
		},
		{
			// No c in 0..3 has f[c] >= 10, and c = 4 has no boundary.
			name: "search finds none", program: searchDataProgram,
			data:  [][]float64{{10}, {0, 0, 0}},
			final: "0 3 6 9", answer: "none",
		},
		{
			// f = 3 6 9, w = 1 3 3: i = 1 gives 1 + 3 = 4, i = 2 gives
			// 3 + 6 = 9; i = 3 (3 + 9 = 12) is filtered out.
			name: "answer reduction over data with a filter", program: valueDataProgram,
			data:  [][]float64{{1, 3, 3}},
			final: "3 6 9", answer: "9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testprog.Source(t, tt.program, nil)
			tr, err := truth.RunDPData(m, nil, tt.data)
			require.NoError(t, err)
			require.Equal(t, m.Steps, tr.Steps())
			assert.Equal(t, tt.final, valueStrings(tr.Exact(tr.Steps(), 0)))
			a, err := tr.Answer()
			require.NoError(t, err)
			assert.Equal(t, tt.answer, a.String())
			if m.Answer.Kind == dsl.AnswerState {
				assert.True(t, math.IsNaN(a.Float64()), "a state answer has no single value")
			}
		})
	}
}

func TestRunDPDataFixpoint(t *testing.T) {
	// 3→2 costs −2: the cycle 2→3→2 costs −3. After the two steps d =
	// 0 2 1; a third would make d[2] = 1 − 2 = −1.
	m := testprog.Source(t, relaxProgram, nil)
	inf := math.Inf(1)
	tr, err := truth.RunDPData(m, nil, [][]float64{{inf, 2, inf, inf, inf, -1, inf, -2, inf}})
	var fe *truth.FixpointError
	require.True(t, errors.As(err, &fe), "got %v", err)
	assert.Equal(t, "t.dp:6:1: negative cycle: step 3 would change d[v=2] from 2 to -1", err.Error())
	assert.Equal(t, "negative cycle", fe.Msg)
	assert.Equal(t, []int{2}, fe.Index)
	assert.Equal(t, "d", fe.State.Name)
	require.NotNil(t, tr)
	assert.Equal(t, 2, tr.Steps(), "the trace holds the program's steps, not the extra one")
	assert.Equal(t, "0 2 1", valueStrings(tr.Exact(2, 0)))
}

func TestRunDPDataErrors(t *testing.T) {
	relax := testprog.Source(t, relaxProgram, nil)
	inf := math.Inf(1)
	ok := []float64{inf, 2, inf, inf, inf, -1, inf, 4, inf}
	tests := []struct {
		name  string
		run   func() (*truth.Trace, error)
		want  string
		exact bool
	}{
		{name: "no data", run: func() (*truth.Trace, error) { return truth.RunDP(relax, nil) },
			want: "relax declares data (its data: c): run it with RunDPData", exact: true},
		{name: "too many arrays", run: func() (*truth.Trace, error) { return truth.RunDPData(relax, nil, [][]float64{ok, ok}) },
			want: "2 data arrays for the 1 data of relax (its data: c)", exact: true},
		{name: "too few values", run: func() (*truth.Trace, error) { return truth.RunDPData(relax, nil, [][]float64{ok[:8]}) },
			want: "data c: 8 values for its 9 cells (c[u in 1..3, v in 1..3])", exact: true},
		{name: "out of range", run: func() (*truth.Trace, error) {
			return truth.RunDPData(relax, nil, [][]float64{{inf, 6, inf, inf, inf, -1, inf, 4, inf}})
		}, want: "data c[1, 2] = 6 is outside -5..5 (t.dp:3:1)", exact: true},
		{name: "not an integer", run: func() (*truth.Trace, error) {
			return truth.RunDPData(relax, nil, [][]float64{{inf, 0.5, inf, inf, inf, -1, inf, 4, inf}})
		}, want: "data c[1, 2] = 0.5 is not an integer (c is int) (t.dp:3:1)", exact: true},
		{name: "NaN", run: func() (*truth.Trace, error) {
			return truth.RunDPData(relax, nil, [][]float64{{inf, math.NaN(), inf, inf, inf, -1, inf, 4, inf}})
		}, want: "data c[1, 2] = NaN is not a number (t.dp:3:1)", exact: true},
		{name: "-inf", run: func() (*truth.Trace, error) {
			return truth.RunDPData(relax, nil, [][]float64{{inf, math.Inf(-1), inf, inf, inf, -1, inf, 4, inf}})
		}, want: "data c[1, 2] = -inf is outside -5..5 (t.dp:3:1)", exact: true},
		{name: "steps for a program with a steps line", run: func() (*truth.Trace, error) {
			return truth.RunDPData(relax, [][]float64{{1}}, [][]float64{ok})
		}, want: "relax runs 2 steps (its steps line) and takes no per-step inputs; got 1 steps, step 1 with 1 values", exact: true},
		{name: "data for a program without data", run: func() (*truth.Trace, error) {
			m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 5})
			return truth.RunDPData(m, [][]float64{{1, 0.5}}, [][]float64{{1}})
		}, want: "1 data arrays for the 0 data of knapsack (it declares no data)", exact: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.run()
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
	// Empty rows, one per step, are the same as no steps.
	tr, err := truth.RunDPData(relax, [][]float64{{}, {}}, [][]float64{ok})
	require.NoError(t, err)
	assert.Equal(t, "0 2 1", valueStrings(tr.Exact(2, 0)))
}

// TestInitAgreesWithInitAt checks the interpreter's exact evaluation of
// a per-cell init against the checker's State.InitAt.
func TestInitAgreesWithInitAt(t *testing.T) {
	m := testprog.Source(t, relaxProgram, nil)
	s := m.States[0]
	require.NotNil(t, s.InitTerm)
	tr, err := truth.RunDPData(m, nil, [][]float64{{0, 0, 0, 0, 0, 0, 0, 0, 0}})
	require.NoError(t, err)
	for c, v := range tr.State(0, 0) {
		assert.Equal(t, s.InitAt(cellIndex(s, c)), v)
	}
}

// TestAPSPHamiltonianNegativeCycle: on 5 vertices apsp.dp's 1 +
// ⌈log₂ 4⌉ = 3 steps reach L(4), walks of at most 4 arcs, which miss the
// only cycle 1→2→3→4→5→1 (cost 1+1+1+1−5 = −1). The distances look
// settled (d[1, 1] = 0), and only the extra step of the fixpoint check
// (L(8)) finds the cycle: d[1, 1] becomes −1.
func TestAPSPHamiltonianNegativeCycle(t *testing.T) {
	m := testprog.Load(t, "examples/apsp.dp", map[string]int64{"n": 5, "cmax": 5})
	inf := math.Inf(1)
	c := make([]float64, 25)
	for i := range c {
		c[i] = inf
	}
	for u := range 5 {
		c[u*5+(u+1)%5] = 1
	}
	c[4*5+0] = -5
	want, err := dataProblem(t, "apsp/").Exact(m, [][]float64{c})
	require.NoError(t, err)
	require.True(t, want.NegativeCycle, "FloydWarshall sees the cycle")

	tr, err := truth.RunDPData(m, nil, [][]float64{c})
	var fe *truth.FixpointError
	require.True(t, errors.As(err, &fe), "got %v", err)
	assert.Equal(t, "the graph has a negative cycle", fe.Msg)
	assert.Equal(t, "d[i=1, j=1]", fe.Cell)
	assert.Equal(t, "0", fe.Before.String())
	assert.Equal(t, "-1", fe.After.String())
	assert.Equal(t, 3, tr.Steps())
	assert.Equal(t, want.Final, tr.Final(0), "L(4)")
}
