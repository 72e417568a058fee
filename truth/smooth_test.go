package truth_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// The generic smoothed-DP interpreter agrees with the knapsack/top-k
// reference of package smooth on the example programs (tolerance 1e-12
// relative: the same recursion, the same Max2, summed in another order),
// and with the hard DP as γ → 0.
func TestRunSmoothDPMatchesReference(t *testing.T) {
	rng := instance.NewRand(12)
	for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
		for i := 0; i < 100; i++ {
			n, C := 1+rng.IntN(6), 1+rng.IntN(9)
			m := testprog.Load(t, "examples/knapsack_value.dp", map[string]int64{"C": int64(C)})
			w := make([]int, n)
			theta := make([]float64, n)
			steps := make([][]float64, n)
			for j := range w {
				w[j], theta[j] = 1+rng.IntN(C), rng.NormFloat64()
				steps[j] = []float64{float64(w[j]), theta[j]}
			}
			gamma := 0.2 + rng.Float64()
			got, err := truth.RunSmoothDP(m, steps, reg, gamma)
			require.NoError(t, err)
			tab, err := smooth.NewKnapsack(w, C).Forward(reg, gamma, theta)
			require.NoError(t, err)
			assert.InDelta(t, tab.Value(), got, 1e-12*(1+math.Abs(got)))
		}
	}
	m := testprog.Load(t, "examples/topk.dp", map[string]int64{"k": 2})
	steps := [][]float64{{1}, {3}, {2}}
	got, err := truth.RunSmoothDP(m, steps, smooth.Gini, 1e-9)
	require.NoError(t, err)
	assert.InDelta(t, 5, got, 1e-8, "γ → 0 gives the hard top-2 sum")
	_, err = truth.RunSmoothDP(testprog.Load(t, "examples/knapsack.dp", nil), [][]float64{{1, 0.5}}, smooth.Gini, 1)
	assert.ErrorContains(t, err, "answer EXPR")
}

// Reads whose index is not Var + offset (a reversed n + 1 − p, a read
// offset by an input past a boundary), Iverson brackets and clamps: as
// γ → 0 the smoothed interpreter gives the exact DP's answer (Gini and
// Tsallis are exact once every gap between options exceeds γ's range; the
// inputs are integers and halves, so gaps are at least 1/2 apart from
// ties, which every regulariser keeps).
func TestRunSmoothDPGeneralIndices(t *testing.T) {
	const src = `dp tricky
param n int = 6
input x int in -3..3
input y real in -1..1
state f[p in 1..n] int in -100..100 = 0
state g[p in 1..n] real in -1000..1000 = 0
f[p <= 0] = 7
f[p <= -2] = -5
f[p > n] = 3
step f[p] = clamp(f[n + 1 - p] + f[p + x] - [x >= p - 3] + 2 * [x == 0], -100, 100)
step g[p] = clamp(max(g[p] - y, 2 * f[p] + y / 2, min(g[p], f[1] * 3)), -1000, 1000)
answer g[2]
`
	m := testprog.Source(t, src, nil)
	rng := instance.NewRand(5)
	for i := 0; i < 50; i++ {
		steps := make([][]float64, 1+rng.IntN(8))
		for j := range steps {
			steps[j] = []float64{float64(rng.IntN(7) - 3), float64(rng.IntN(5)-2) / 2}
		}
		tr, err := truth.RunDP(m, steps)
		require.NoError(t, err)
		want, err := tr.Answer()
		require.NoError(t, err)
		for _, reg := range []smooth.Reg{smooth.Gini, smooth.Tsallis} {
			got, err := truth.RunSmoothDP(m, steps, reg, 1e-9)
			require.NoError(t, err)
			require.InDelta(t, want.Value.Float64(), got, 1e-6, "%v, steps %v", reg, steps)
		}
	}
}

// exactSumScores returns the total score of every subset of the items
// (weight, score) whose weights sum to exactly c: brute force over the
// subsets, no dynamic program.
func exactSumScores(steps [][]float64, c int) []float64 {
	var out []float64
	for mask := 0; mask < 1<<len(steps); mask++ {
		w, s := 0, 0.0
		for i, st := range steps {
			if mask&(1<<i) != 0 {
				w += int(st[0])
				s += st[1]
			}
		}
		if w == c {
			out = append(out, s)
		}
	}
	return out
}

// A state whose initial value is per cell ("= if c == 0 then 0 else
// -inf", testdata/programs/exactsum.dp) starts from those values, not
// from 0 everywhere (which answered the ≤ C knapsack): the Shannon
// smoothed DP is γ·log Σ exp(score/γ) over the subsets of weight exactly
// C (log-sum-exp is associative, so pairwise smoothing gives it exactly;
// 1e-12 relative), −∞ when there is none; every regulariser gives the
// brute-force best score as γ → 0. The integer program with a per-cell
// initial value of problems.Table (testdata/programs/exactcost.dp) gives
// the brute-force least cost as γ → 0.
func TestRunSmoothDPPerCellInit(t *testing.T) {
	rng := instance.NewRand(31)
	infeasible := 0
	for i := 0; i < 200; i++ {
		C := rng.IntN(7)
		m := testprog.Load(t, "testdata/programs/exactsum.dp", map[string]int64{"C": int64(C)})
		steps := make([][]float64, 1+rng.IntN(6))
		for j := range steps {
			steps[j] = []float64{float64(rng.IntN(C + 1)), math.Round(rng.NormFloat64()*300) / 100}
		}
		scores := exactSumScores(steps, C)
		gamma := 0.1 + rng.Float64()
		got, err := truth.RunSmoothDP(m, steps, smooth.Shannon, gamma)
		require.NoError(t, err)
		if len(scores) == 0 {
			infeasible++
			assert.True(t, math.IsInf(got, -1), "no subset of weight %d: want -Inf, got %v (steps %v)", C, got, steps)
			continue
		}
		hard := slices.Max(scores)
		lse := 0.0
		for _, s := range scores {
			lse += math.Exp((s - hard) / gamma)
		}
		want := hard + gamma*math.Log(lse)
		require.InDelta(t, want, got, 1e-12*(1+math.Abs(want)), "Shannon γ = %g, C = %d, steps %v", gamma, C, steps)
		for _, reg := range []smooth.Reg{smooth.Gini, smooth.Tsallis} {
			got, err := truth.RunSmoothDP(m, steps, reg, 1e-9)
			require.NoError(t, err)
			require.InDelta(t, hard, got, 1e-6, "%v, C = %d, steps %v", reg, C, steps)
		}
	}
	assert.Greater(t, infeasible, 10, "the instances include infeasible ones")
	assert.Less(t, infeasible, 150, "and feasible ones")

	m := testprog.Load(t, "testdata/programs/exactcost.dp", map[string]int64{"capacity": 9})
	for i := 0; i < 100; i++ {
		steps := make([][]float64, 1+rng.IntN(6))
		for j := range steps {
			steps[j] = []float64{float64(1 + rng.IntN(9)), float64(rng.IntN(10))}
		}
		want := 100.0 // K: no subset weighs exactly 9
		for _, s := range exactSumScores(steps, 9) {
			want = min(want, s)
		}
		for _, reg := range []smooth.Reg{smooth.Gini, smooth.Tsallis} {
			got, err := truth.RunSmoothDP(m, steps, reg, 1e-9)
			require.NoError(t, err)
			require.InDelta(t, want, got, 1e-6, "%v, steps %v", reg, steps)
		}
	}
}

// |RunSmoothDP − the exact DP's answer| ≤ γ·B for the bound B of
// RunSmoothDPBound, on every value-answer program of problems.Table and
// the exact-sum program with its −∞ cells, every regulariser and γ from
// 0.01 to 10 (1e-9 relative for rounding). B is finite for them (no
// bracket reads a smoothed value) and at most the steps times RangeN(2)
// per smoothed max along a path, here ≤ steps·RangeN(2) since every
// option reads one cell with coefficient 1. A bracket on a smoothed value
// has no bound (+Inf).
func TestRunSmoothDPBound(t *testing.T) {
	type prog struct {
		name  string
		m     *dsl.Model
		steps func(*rand.Rand) [][]float64
	}
	var progs []prog
	for _, p := range problems.StepCases() {
		m, err := p.Model()
		require.NoError(t, err)
		if m.Answer.Kind == dsl.AnswerValue {
			progs = append(progs, prog{p.Name, m, func(rng *rand.Rand) [][]float64 { return p.Random(rng, m) }})
		}
	}
	es := testprog.Load(t, "testdata/programs/exactsum.dp", map[string]int64{"C": 5})
	progs = append(progs, prog{"exactsum", es, func(rng *rand.Rand) [][]float64 {
		steps := make([][]float64, 1+rng.IntN(6))
		for j := range steps {
			steps[j] = []float64{float64(1 + rng.IntN(5)), rng.NormFloat64()}
		}
		return steps
	}})
	require.GreaterOrEqual(t, len(progs), 3)
	rng := instance.NewRand(17)
	for _, p := range progs {
		for i := 0; i < 40; i++ {
			steps := p.steps(rng)
			tr, err := truth.RunDP(p.m, steps)
			require.NoError(t, err)
			a, err := tr.Answer()
			require.NoError(t, err)
			hard := a.Float64()
			for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
				for _, gamma := range []float64{0.01, 0.5, 10} {
					v, b, err := truth.RunSmoothDPBound(p.m, steps, reg, gamma)
					require.NoError(t, err)
					if math.IsInf(hard, 0) {
						require.Equal(t, hard, v, "%s: an infinite answer stays infinite", p.name)
						continue
					}
					require.LessOrEqual(t, b, float64(len(steps))*reg.RangeN(2)+1e-12, "%s %v", p.name, reg)
					require.LessOrEqual(t, math.Abs(v-hard), gamma*b+1e-9*(1+math.Abs(hard)), "%s %v γ=%g steps %v", p.name, reg, gamma, steps)
				}
			}
		}
	}
	m := testprog.Source(t, "dp t\ninput x int in -1..1\nstate f[i in 1..1] int in -10..10 = 0\nstep f[i] = clamp(max(f[i], x) + [f[i] >= 1], -10, 10)\nanswer f[1]\n", nil)
	_, b, err := truth.RunSmoothDPBound(m, [][]float64{{1}, {1}}, smooth.Shannon, 1)
	require.NoError(t, err)
	assert.True(t, math.IsInf(b, 1), "a bracket on a smoothed value: no bound, got %v", b)
}

// An absorbing infinity — min(−∞, b) = −∞, max(+∞, b) = +∞ — is exact in
// the smoothed DP, as in the hard DP and the compiled network (it was
// "smoothed min ... is undefined": Max2 takes no +∞): a read of a −∞
// boundary under a min gives −∞, which the outer max then drops.
func TestRunSmoothDPAbsorbingInfinity(t *testing.T) {
	m := testprog.Source(t, "dp t\nparam C int = 5\ninput w int in 1..C\ninput x real in -3..3\nstate v[c in 0..C] real in -inf..inf = 0\nv[c < 0] = -inf\nstep v[c] = max(v[c], min(v[c - w] + x, 3)) + 0.5 * x\nanswer v[C]\n", nil)
	rng := instance.NewRand(8)
	for i := 0; i < 50; i++ {
		steps := instance.Uniform(rng, m, 1+rng.IntN(5))
		tr, err := truth.RunDP(m, steps)
		require.NoError(t, err)
		a, err := tr.Answer()
		require.NoError(t, err)
		for _, reg := range []smooth.Reg{smooth.Gini, smooth.Tsallis} {
			v, b, err := truth.RunSmoothDPBound(m, steps, reg, 1e-9)
			require.NoError(t, err, "steps %v", steps)
			require.InDelta(t, a.Float64(), v, 1e-6, "%v steps %v", reg, steps)
			require.False(t, math.IsInf(b, 0))
		}
	}
	v, err := truth.RunSmoothDP(m, [][]float64{{5, 1}}, smooth.Shannon, 1)
	require.NoError(t, err)
	inner := 1 - math.Log(1+math.Exp(-2)) // min_Ω(v[0] + 1, 3), v[0] = 0
	assert.InDelta(t, math.Log(1+math.Exp(inner))+0.5, v, 1e-12, "v[5] = max_Ω(0, min_Ω(v[0] + 1, 3)) + 0.5")
}
