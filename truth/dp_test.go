package truth_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
)

func valueStrings(vs []truth.Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.String()
	}
	return strings.Join(s, " ")
}

const gridProgram = `dp grid
state g[i in 1..3, j in 1..2] int in 0..inf = 1
step g[i, j] = g[i, j] + g[1, j] + i + 10*j
answer g[3, 2]
`

const infProgram = `dp infs
input x real in -1..1
state f[p in 1..3] real in -inf..inf = inf
f[p <= 0] = -inf
step f[p] = min(f[p], f[p-1] + x)
answer min p where f[p] >= 0
`

const clampProgram = `dp clamps
input x real in 0..2
state f[p in 1..3] real in -inf..inf = 1
f[p <= 0] = 0
step f[p] = clamp(f[p] + x, -1, 2) * 3 - f[p]/2
answer f[1]
`

const minFallbackProgram = `dp minfallback
state f[p in 1..3] int in 0..10 = 0
f[p > 3] = 10
f[p <= 0] = 0
step f[p] = f[p]
answer min p where f[p] >= 5
`

const noneProgram = `dp none
input weight int in 1..3
state r[s in 1..3] int in 0..1 = 0
r[s == 0] = 1
r[s < 0] = 0
step r[s] = max(r[s], r[s - weight])
answer max s where r[s] >= 2
`

func TestRunDP(t *testing.T) {
	// Every want below was worked out by hand from the program's text.
	tests := []struct {
		name   string
		model  func(t testing.TB) *dsl.Model
		steps  [][]float64
		final  string // exact cells of state 0 after the last step
		answer string
	}{
		{
			// Step 1: g = 1+1+i+10j. Step 2: g[1,1] = 13+13+1+10 = 37,
			// g[3,2] = 25+23+3+20 = 71. Row-major: g[1,1] g[1,2] g[2,1] ...
			name:  "two-dimensional state, row-major",
			model: func(t testing.TB) *dsl.Model { return testprog.Source(t, gridProgram, nil) },
			steps: [][]float64{{}, {}}, final: "37 67 39 69 41 71", answer: "71",
		},
		{
			// -inf from the boundary spreads one index per step; f[3]
			// stays inf, the only cell >= 0.
			name:  "infinite values and a min search",
			model: func(t testing.TB) *dsl.Model { return testprog.Source(t, infProgram, nil) },
			steps: [][]float64{{0.5}, {-1}}, final: "-inf -inf inf", answer: "3",
		},
		{
			// x = 0: 1 -> clamp(1)·3 - 1/2 = 5/2 -> clamp(5/2)·3 - 5/4 = 19/4.
			name:  "clamp, scale and division",
			model: func(t testing.TB) *dsl.Model { return testprog.Source(t, clampProgram, nil) },
			steps: [][]float64{{0}, {0}}, final: "19/4 19/4 19/4", answer: "19/4",
		},
		{
			// Items (profit, size) (2, 1/2), (3, 3/4), (1, 1/4): the
			// smallest size reaching profit p is 1/4, 1/2, 3/4 ({1,3}
			// or {2}), 1 ({2,3}), 5/4 ({1,2}); the best p with size <= 1 is 4.
			name: "knapsack",
			model: func(t testing.TB) *dsl.Model {
				return testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 5})
			},
			steps: [][]float64{{2, 0.5}, {3, 0.75}, {1, 0.25}}, final: "1/4 1/2 3/4 1 5/4", answer: "4",
		},
		{
			// No items: every f[p] is 2 > 1, so the search falls back to
			// p = 0, where the boundary gives 0 <= 1.
			name: "max search falls back to Lo-1",
			model: func(t testing.TB) *dsl.Model {
				return testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 3})
			},
			steps: nil, final: "2 2 2", answer: "0",
		},
		{
			name:  "min search falls back to Hi+1",
			model: func(t testing.TB) *dsl.Model { return testprog.Source(t, minFallbackProgram, nil) },
			steps: [][]float64{{}}, final: "0 0 0", answer: "4",
		},
		{
			// r only holds 0 and 1 and the boundary at s = 0 is 1: no s
			// has r[s] >= 2.
			name:  "no index satisfies",
			model: func(t testing.TB) *dsl.Model { return testprog.Source(t, noneProgram, nil) },
			steps: [][]float64{{2}}, final: "0 1 0", answer: "none",
		},
		{
			// Both states read the previous step: a and b swap. Updated
			// one after the other, b would end at 2.
			name: "states update simultaneously",
			model: func(t testing.TB) *dsl.Model {
				return testprog.Source(t, `dp swap
state a[i in 1..1] int in 0..10 = 1
state b[i in 1..1] int in 0..10 = 2
step a[i] = b[i]
step b[i] = a[i]
answer b[1]
`, nil)
			},
			steps: [][]float64{{}}, final: "2", answer: "1",
		},
		{
			// Coins 3, 5, 2 toward 10: 3+5+2 is the only way, three coins.
			name: "change",
			model: func(t testing.TB) *dsl.Model {
				return testprog.Load(t, "examples/change.dp", map[string]int64{"amax": 10})
			},
			steps: [][]float64{{3}, {5}, {2}}, final: "100 1 1 100 1 100 2 2 100 3", answer: "3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.model(t)
			tr, err := truth.RunDP(m, tt.steps)
			require.NoError(t, err)
			require.Equal(t, len(tt.steps), tr.Steps())
			assert.Equal(t, tt.final, valueStrings(tr.Exact(tr.Steps(), 0)))
			a, err := tr.Answer()
			require.NoError(t, err)
			assert.Equal(t, tt.answer, a.String())
			if a.Found {
				assert.Equal(t, a.Value.Float64(), a.Float64())
			} else {
				assert.True(t, math.IsNaN(a.Float64()))
			}
		})
	}
}

func TestRunDPErrors(t *testing.T) {
	knapsack := func(t testing.TB) *dsl.Model {
		return testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 5})
	}
	tests := []struct {
		name  string
		model func(t testing.TB) *dsl.Model
		steps [][]float64
		want  string
	}{
		{
			// Step 1 makes f[1] = -inf and leaves f[3] = inf; step 2 adds them.
			name: "inf + -inf",
			model: func(t testing.TB) *dsl.Model {
				return testprog.Source(t, `dp a
input x real in -1..1
state f[p in 1..3] real in -inf..inf = 0
f[p <= 0] = inf
f[p > 3] = -inf
step f[p] = f[p-1] + f[p+1] + x
answer f[1]
`, nil)
			},
			steps: [][]float64{{0}, {0}},
			want:  "step 2: f[p=2]: inf + -inf in f[p-1] + f[p+1] + x (t.dp:6:13)",
		},
		{
			name: "0 · inf",
			model: func(t testing.TB) *dsl.Model {
				return testprog.Source(t, `dp b
input x real in -1..1
state f[p in 1..3] real in -inf..inf = inf
f[p <= 0] = 0
step f[p] = 0 * f[p] + x
answer f[1]
`, nil)
			},
			steps: [][]float64{{0}},
			want:  "step 1: f[p=1]: 0 · inf is undefined in 0 * f[p]",
		},
		{
			// The checker proves every step stays in the declared range;
			// a model edited by hand need not.
			name: "state leaves its declared range",
			model: func(t testing.TB) *dsl.Model {
				m := knapsack(t)
				m.States[0].Lo = 1
				return m
			},
			steps: [][]float64{{1, 0.5}},
			want:  "step 1: f[p=1]: value 1/2 is outside the declared range 1..2 of f (examples/knapsack.dp:13:1)",
		},
		{
			name: "initial value outside the range",
			model: func(t testing.TB) *dsl.Model {
				m := knapsack(t)
				m.States[0].Init = 3
				return m
			},
			want: "examples/knapsack.dp:13:1: initial value of f: value 3 is outside the declared range 0..2",
		},
		{name: "too few inputs", model: knapsack, steps: [][]float64{{1}}, want: "step 1: 1 input values, want 2"},
		{name: "NaN input", model: knapsack, steps: [][]float64{{1, 0.5}, {1, math.NaN()}}, want: "step 2: input size is NaN"},
		{name: "non-integer int input", model: knapsack, steps: [][]float64{{1.5, 0.5}}, want: "step 1: input profit = 3/2 is not an integer (examples/knapsack.dp:10:1)"},
		{name: "input above its range", model: knapsack, steps: [][]float64{{6, 0.5}}, want: "step 1: input profit = 6 is outside 1..5"},
		{name: "input below its range", model: knapsack, steps: [][]float64{{1, -0.25}}, want: "step 1: input size = -1/4 is outside 0..1"},
		{name: "infinite input", model: knapsack, steps: [][]float64{{1, math.Inf(1)}}, want: "step 1: input size = inf is outside 0..1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := truth.RunDP(tt.model(t), tt.steps)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestTraceAccessors(t *testing.T) {
	m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 5})
	tr, err := truth.RunDP(m, [][]float64{{2, 0.5}, {3, 0.75}, {1, 0.25}})
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 2, 2, 2, 2}, tr.State(0, 0), "step 0 is the initial state")
	// After item 1 (profit 2, size 1/2): f[1] = f[2] = 1/2.
	assert.Equal(t, []float64{0.5, 0.5, 2, 2, 2}, tr.State(1, 0))
	assert.Equal(t, tr.State(3, 0), tr.Final(0))
	v, ok := tr.At(3, 0, 4)
	require.True(t, ok)
	assert.Equal(t, "1", v.String())
	_, ok = tr.At(3, 0, 6)
	assert.False(t, ok, "f[6] is out of range")
	_, ok = tr.At(3, 0, 1, 1)
	assert.False(t, ok, "f has one dimension")
}

func TestCompare(t *testing.T) {
	m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 5})
	tr, err := truth.RunDP(m, [][]float64{{2, 0.5}, {3, 0.75}, {1, 0.25}})
	require.NoError(t, err)
	exact := tr.Final(0) // 1/4 1/2 3/4 1 5/4, all exact in float64

	errMax, worst := tr.Compare(3, 0, exact)
	assert.Equal(t, 0.0, errMax)
	assert.Equal(t, 0, worst, "first cell attaining the maximum")

	got := append([]float64(nil), exact...)
	got[2] += 1e-3
	got[4] -= 1e-4
	errMax, worst = tr.Compare(3, 0, got)
	// The error is computed exactly from the float64 0.75+1e-3, which
	// differs from 0.751 by at most half an ulp of 0.751 (~5.6e-17).
	assert.InDelta(t, 1e-3, errMax, 1e-16)
	assert.Equal(t, 2, worst)

	got[1] = math.Inf(1)
	errMax, worst = tr.Compare(3, 0, got)
	assert.True(t, math.IsInf(errMax, 1))
	assert.Equal(t, 1, worst)

	got[1] = math.NaN()
	errMax, _ = tr.Compare(3, 0, got)
	assert.True(t, math.IsInf(errMax, 1), "NaN is infinitely wrong")

	assert.PanicsWithValue(t, "verify: Compare: 2 values for 5 cells of f", func() { tr.Compare(3, 0, []float64{1, 2}) })
}

func TestCompareInfinities(t *testing.T) {
	m := testprog.Source(t, infProgram, nil)
	tr, err := truth.RunDP(m, [][]float64{{0.5}, {-1}})
	require.NoError(t, err)
	errMax, worst := tr.Compare(2, 0, []float64{math.Inf(-1), math.Inf(-1), math.Inf(1)})
	assert.Equal(t, 0.0, errMax, "the same infinities match")
	assert.Equal(t, 0, worst)
	errMax, worst = tr.Compare(2, 0, []float64{math.Inf(-1), -1e300, math.Inf(1)})
	assert.True(t, math.IsInf(errMax, 1), "a finite value for -inf")
	assert.Equal(t, 1, worst)
}

func TestAnswerWithoutAnswerLine(t *testing.T) {
	m := testprog.Source(t, "dp noanswer\nstate f[p in 1..2] int in 0..1 = 0\nstep f[p] = f[p]\n", nil)
	tr, err := truth.RunDP(m, nil)
	require.NoError(t, err)
	_, err = tr.Answer()
	assert.EqualError(t, err, "noanswer has no answer line")
}

func TestRunDPExactSizes(t *testing.T) {
	// Sizes 1/5 and 4/5 fill the capacity exactly, but the float64 values
	// 0.2 and 0.8 sum to exactly 1 + 2^-54: only the exact run takes both.
	fifth, fourFifths := 0.2, 0.8
	sum, _ := truth.FloatValue(fifth)
	b, _ := truth.FloatValue(fourFifths)
	sum, _ = sum.Add(b)
	excess, _ := sum.Add(truth.IntValue(-1))
	require.Equal(t, "1/18014398509481984", excess.String(), "premise: the float64 sizes overfill by 2^-54")

	m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 2})
	tr, err := truth.RunDP(m, [][]float64{{1, fifth}, {1, fourFifths}})
	require.NoError(t, err)
	a, err := tr.Answer()
	require.NoError(t, err)
	assert.Equal(t, "1", a.String(), "float64 sizes: only one item fits")

	exact := [][]truth.Value{
		{truth.IntValue(1), truth.RatValue(bigRat(1, 5))},
		{truth.IntValue(1), truth.RatValue(bigRat(4, 5))},
	}
	tr, err = truth.RunDPExact(m, exact)
	require.NoError(t, err)
	a, err = tr.Answer()
	require.NoError(t, err)
	assert.Equal(t, "2", a.String(), "exact sizes: both fit")
}

// dataProblem is the first entry of problems.DataCases() whose name
// starts with prefix: its generator and independent solver.
func dataProblem(t testing.TB, prefix string) problems.DataCase {
	t.Helper()
	for _, p := range problems.DataCases() {
		if strings.HasPrefix(p.Name, prefix) {
			return p
		}
	}
	t.Fatalf("no data problem %s*", prefix)
	return problems.DataCase{}
}

// cellIndex is the index vector of cell c (row-major) of s.
func cellIndex(s *dsl.State, c int) []int {
	idx := make([]int, len(s.Dims))
	for d := len(s.Dims) - 1; d >= 0; d-- {
		size := s.Dims[d].Size()
		idx[d] = s.Dims[d].Lo + c%size
		c /= size
	}
	return idx
}
