package compile_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

var regs = []struct {
	act relu.Activation
	ref smooth.Reg
}{{relu.Shannon, smooth.Shannon}, {relu.Gini, smooth.Gini}, {relu.Tsallis, smooth.Tsallis}}

func lowerSmooth(t testing.TB, path string, params map[string]int64, opt compile.Options) *compile.Network {
	t.Helper()
	f, err := repo.ReadProgram(path)
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)
	opt.Scheme = compile.Smooth
	net, err := compile.Lower(m, opt)
	require.NoError(t, err)
	return net
}

// The smooth network's value equals the smoothed DP of smooth
// (an independent implementation of Algorithm 1) for knapsack and top-k,
// every regulariser, several γ. Tolerance 1e-9 relative: the two evaluate
// the same recursion with different but stable formulas for φ (the network
// as a + γφ((b−a)/γ) neuron by neuron, the reference in scaled or log
// form), each step rounding a few ulps of values of size up to Σ|θ|.
func TestSmoothValueMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, r := range regs {
		for _, gamma := range []float64{0.1, 1, 5} {
			t.Run(fmt.Sprintf("%v/gamma=%g", r.act, gamma), func(t *testing.T) {
				for i := 0; i < 30; i++ {
					n := 1 + rng.IntN(7)
					C := 1 + rng.IntN(12)
					weights := make([]float64, n)
					iw := make([]int, n)
					theta := make([]float64, n)
					steps := make([][]float64, n)
					for j := range weights {
						iw[j] = 1 + rng.IntN(C)
						weights[j] = float64(iw[j])
						theta[j] = rng.NormFloat64() * 3
						steps[j] = []float64{weights[j], theta[j]}
					}
					net := lowerSmooth(t, "examples/knapsack_value.dp", map[string]int64{"C": int64(C)},
						compile.Options{Reg: r.act, Gamma: gamma, Steps: n, Fixed: map[string][]float64{"weight": weights}})
					got, err := net.SmoothValue(steps)
					require.NoError(t, err)
					tab, err := smooth.NewKnapsack(iw, C).Forward(r.ref, gamma, theta)
					require.NoError(t, err)
					assert.InDelta(t, tab.Value(), got, 1e-9*(1+math.Abs(tab.Value())), "knapsack w=%v C=%d θ=%v", iw, C, theta)

					k := 1 + rng.IntN(n)
					top := lowerSmooth(t, "examples/topk.dp", map[string]int64{"k": int64(k)}, compile.Options{Reg: r.act, Gamma: gamma, Steps: n})
					tsteps := make([][]float64, n)
					for j := range tsteps {
						tsteps[j] = []float64{theta[j]}
					}
					got, err = top.SmoothValue(tsteps)
					require.NoError(t, err)
					ref, err := smooth.NewTopK(n, k).Forward(r.ref, gamma, theta)
					require.NoError(t, err)
					assert.InDelta(t, ref.Value(), got, 1e-9*(1+math.Abs(ref.Value())), "top-%d θ=%v", k, theta)
				}
			})
		}
	}
}

// Cells that are −∞ for every input (top-k's v[c] before c items) are
// constants, not neurons: the network has one smooth neuron per cell that
// has two feasible options.
func TestSmoothInfinityIsConstant(t *testing.T) {
	net := lowerSmooth(t, "examples/topk.dp", map[string]int64{"k": 2}, compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 3})
	// step 1: v1 = θ1 (no neuron); step 2: v1 = max(θ1, θ2) (1), v2 = θ1+θ2
	// (no neuron); step 3: v1 (1), v2 (1): 3 neurons.
	assert.Equal(t, 3, net.Cell.Stats().Size)
}

func TestSmoothErrors(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack_value.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, nil)
	require.NoError(t, err)
	cases := []struct {
		opt  compile.Options
		want string
	}{
		{compile.Options{Reg: relu.Gini, Gamma: 0, Steps: 2, Fixed: map[string][]float64{"weight": {1, 2}}}, "γ must be a positive number"},
		{compile.Options{Reg: relu.Gini, Gamma: math.NaN(), Steps: 2, Fixed: map[string][]float64{"weight": {1, 2}}}, "γ must be a positive number"},
		{compile.Options{Reg: relu.ReLU, Gamma: 1, Steps: 2}, "regulariser"},
		{compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 2}, "needs it fixed"},
		{compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 2, Fixed: map[string][]float64{"weight": {1}}}, "1 values for 2 steps"},
		{compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 2, Fixed: map[string][]float64{"weight": {1, 0}}}, "outside its declared int range"},
		{compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 2, Fixed: map[string][]float64{"weight": {1, 1.5}}}, "outside its declared int range"},
		{compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 2, Fixed: map[string][]float64{"size": {1, 1}}}, "not an input"},
		{compile.Options{Reg: relu.Gini, Gamma: 1, Steps: 0}, "1..10000 steps"},
	}
	for _, c := range cases {
		c.opt.Scheme = compile.Smooth
		_, err := compile.Lower(m, c.opt)
		assert.ErrorContains(t, err, c.want)
	}
	// top-k with k > n: no feasible choice.
	f, err = repo.ReadProgram("examples/topk.dp")
	require.NoError(t, err)
	m, err = dsl.Check(f, map[string]int64{"k": 4})
	require.NoError(t, err)
	_, err = compile.Lower(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 1, Steps: 3})
	assert.ErrorContains(t, err, "no feasible choice")
}

// The gradient of the smooth network's value with respect to the scores
// (relu.VJP) is the relaxed selection y of Algorithm 2 in smooth:
// equal to 1e-9 (both are exact derivatives of the same function, computed
// along different paths), summing to k for top-k, and with Σ w_i y_i ≤ C
// for knapsack.
func TestSmoothMarginalsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, r := range regs {
		for i := 0; i < 40; i++ {
			n, C := 1+rng.IntN(7), 1+rng.IntN(10)
			gamma := 0.3 + rng.Float64()
			iw := make([]int, n)
			weights := make([]float64, n)
			theta := make([]float64, n)
			steps := make([][]float64, n)
			for j := range iw {
				iw[j] = 1 + rng.IntN(C)
				weights[j], theta[j] = float64(iw[j]), rng.NormFloat64()*gamma
				steps[j] = []float64{weights[j], theta[j]}
			}
			net := lowerSmooth(t, "examples/knapsack_value.dp", map[string]int64{"C": int64(C)},
				compile.Options{Reg: r.act, Gamma: gamma, Steps: n, Fixed: map[string][]float64{"weight": weights}})
			in, err := net.SmoothInputs(steps)
			require.NoError(t, err)
			grad, _, err := relu.VJP(net.Cell, in, []float64{1})
			require.NoError(t, err)
			tab, err := smooth.NewKnapsack(iw, C).Forward(r.ref, gamma, theta)
			require.NoError(t, err)
			y := tab.Marginals()
			assert.InDeltaSlice(t, y, grad, 1e-9, "%v knapsack w=%v C=%d θ=%v", r.act, iw, C, theta)
			used := 0.0
			for j := range y {
				used += weights[j] * grad[j]
			}
			assert.LessOrEqual(t, used, float64(C)+1e-9)

			k := 1 + rng.IntN(n)
			top := lowerSmooth(t, "examples/topk.dp", map[string]int64{"k": int64(k)}, compile.Options{Reg: r.act, Gamma: gamma, Steps: n})
			tsteps := make([][]float64, n)
			for j := range tsteps {
				tsteps[j] = []float64{theta[j]}
			}
			in, err = top.SmoothInputs(tsteps)
			require.NoError(t, err)
			grad, _, err = relu.VJP(top.Cell, in, []float64{1})
			require.NoError(t, err)
			ref, err := smooth.NewTopK(n, k).Forward(r.ref, gamma, theta)
			require.NoError(t, err)
			assert.InDeltaSlice(t, ref.Marginals(), grad, 1e-9)
			sum := 0.0
			for _, g := range grad {
				sum += g
			}
			assert.InDelta(t, float64(k), sum, 1e-9, "top-%d marginals sum to k", k)
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

// The network starts from a per-cell initial value ("= if c == 0 then 0
// else -inf", testdata/programs/exactsum.dp), not from 0 in every cell
// (which answered the ≤ C knapsack, "value 5 (hard DP: 3)"): with Shannon
// its value is γ·log Σ exp(score/γ) over the subsets of weight exactly C
// (brute force; 1e-9 relative, as TestSmoothValueMatchesReference), and
// with no such subset the program is refused (the answer is −∞ for every
// score). The integer row of problems.Table with a per-cell initial value
// (testdata/programs/exactcost.dp) gives the brute-force least cost as
// γ → 0, with every regulariser.
func TestSmoothPerCellInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	infeasible := 0
	for i := 0; i < 100; i++ {
		C := rng.IntN(7)
		steps := make([][]float64, 1+rng.IntN(6))
		weights := make([]float64, len(steps))
		for j := range steps {
			weights[j] = float64(rng.IntN(C + 1))
			steps[j] = []float64{weights[j], math.Round(rng.NormFloat64()*300) / 100}
		}
		gamma := 0.1 + rng.Float64()
		f, err := repo.ReadProgram("testdata/programs/exactsum.dp")
		require.NoError(t, err)
		m, err := dsl.Check(f, map[string]int64{"C": int64(C)})
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: gamma, Steps: len(steps), Fixed: map[string][]float64{"weight": weights}})
		scores := exactSumScores(steps, C)
		if len(scores) == 0 {
			infeasible++
			assert.ErrorContains(t, err, "no feasible choice", "C = %d, steps %v", C, steps)
			continue
		}
		require.NoError(t, err)
		got, err := net.SmoothValue(steps)
		require.NoError(t, err)
		hard := scores[0]
		for _, s := range scores {
			hard = math.Max(hard, s)
		}
		lse := 0.0
		for _, s := range scores {
			lse += math.Exp((s - hard) / gamma)
		}
		want := hard + gamma*math.Log(lse)
		require.InDelta(t, want, got, 1e-9*(1+math.Abs(want)), "γ = %g, C = %d, steps %v", gamma, C, steps)
	}
	assert.Greater(t, infeasible, 5, "the instances include infeasible ones")
	assert.Less(t, infeasible, 75, "and feasible ones")

	for i := 0; i < 30; i++ {
		steps := make([][]float64, 1+rng.IntN(6))
		weights := make([]float64, len(steps))
		for j := range steps {
			weights[j] = float64(1 + rng.IntN(9))
			steps[j] = []float64{weights[j], float64(rng.IntN(10))}
		}
		want := 100.0 // K: no subset weighs exactly 9
		for _, s := range exactSumScores(steps, 9) {
			want = math.Min(want, s)
		}
		for _, r := range regs {
			net := lowerSmooth(t, "testdata/programs/exactcost.dp", map[string]int64{"capacity": 9},
				compile.Options{Reg: r.act, Gamma: 1e-9, Steps: len(steps), Fixed: map[string][]float64{"weight": weights}})
			got, err := net.SmoothValue(steps)
			require.NoError(t, err)
			require.InDelta(t, want, got, 1e-6, "%v, steps %v", r.act, steps)
		}
	}
}

// Every program of the shared problem table with per-step inputs and a
// value answer (change, exactcost with its per-cell initial value, ...),
// in the smooth scheme with each regulariser: the network's value equals
// the smoothed-DP interpreter (truth.RunSmoothDP, 1e-9 relative) at γ = 1,
// and as γ → 0 (1e-9) the problem's brute-force answer (1e-6: Gini and
// Tsallis are exact once the gaps between options exceed γ's range;
// Shannon is within γ·log(options)).
func TestSmoothProblemsTable(t *testing.T) {
	ran := 0
	for _, p := range problems.StepCases() {
		m, err := p.Model()
		require.NoError(t, err)
		if m.Answer == nil || m.Answer.Kind != dsl.AnswerValue {
			continue // the smooth scheme outputs the answer's value
		}
		ran++
		t.Run(p.Name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(4, 4))
			for i := 0; i < 20; i++ {
				steps := p.Random(rng, m)
				want, err := p.Exact(steps, m)
				require.NoError(t, err)
				for _, r := range regs {
					for _, gamma := range []float64{1, 1e-9} {
						opt := compile.Options{Scheme: compile.Smooth, Reg: r.act, Gamma: gamma}.SmoothInstance(m, steps)
						net, err := compile.Lower(m, opt)
						require.NoError(t, err)
						got, err := net.SmoothValue(steps)
						require.NoError(t, err)
						ref, err := truth.RunSmoothDP(m, steps, r.ref, gamma)
						require.NoError(t, err)
						require.InDelta(t, ref, got, 1e-9*(1+math.Abs(ref)), "%v γ = %g, steps %v", r.act, gamma, steps)
						if gamma < 1 {
							require.InDelta(t, want, got, 1e-6, "%v γ = %g, steps %v", r.act, gamma, steps)
						}
					}
				}
			}
		})
	}
	assert.GreaterOrEqual(t, ran, 2, "the table has programs with a value answer")
}

// The loop form's refusals name what is not one state of one index
// dimension: the number of states, or the state and its dimensions (a
// two-dimensional state was reported as "1 states").
func TestRecurrenceRefusals(t *testing.T) {
	const head = "dp t\nparam C int = 4\ninput w int in 1..C\ninput x real in -1..1\n"
	for _, tc := range []struct{ name, src, want string }{
		{"two states", head + `state v[c in 0..C] real in -inf..inf = 0
state u[c in 0..C] real in -inf..inf = 0
v[c < 0] = -inf
u[c < 0] = -inf
step v[c] = max(v[c], v[c - w] + x)
step u[c] = max(u[c], v[c] + x)
answer v[C]
`, "t.dp:1:1: the loop form of the smooth scheme vectorises one state of one index dimension; this program has 2 states (use -form unrolled)"},
		{"two dimensions", head + `state v[c in 0..C, k in 0..2] real in -inf..inf = 0
v[c < 0] = -inf
v[k < 0] = -inf
step v[c, k] = max(v[c, k], v[c - w, k - 1] + x)
answer v[C, 2]
`, "t.dp:5:1: the loop form of the smooth scheme vectorises one state of one index dimension; state v has 2 index dimensions (use -form unrolled)"},
		{"subsets", head + `state v[S in subsets(1..3)] real in -10..10 = 0
step v[S] = max(v[S], x)
answer v[{1, 2}]
`, "the dimension of state v is a subsets dimension (use -form unrolled)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := repo.Source("t.dp", tc.src, nil)
			require.NoError(t, err)
			_, err = compile.LowerRecurrence(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 1, Steps: 2, Fixed: map[string][]float64{"w": {1, 2}}})
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
