package compile_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// The FPTAS-NN has a table of P cells whatever the profits: an instance
// whose profits sum to about 1.2·10^8, above the 2^26 cells an exact
// state may have, compiles at once with the same widths, and the
// network's p_NN is the rounded DP's and within the guarantee of the
// optimum. (The selection gadget's sums grow with the profits and the
// weights together; with a small capacity they stay below 2^53.)
func TestFPTASLargeProfitSums(t *testing.T) {
	profits, weights, sum := largeInstance(1e7, 1)
	const capacity = int64(10)
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	const n, P = 8, 400
	m, err := dsl.CheckWith(f, map[string]int64{"pmax": sum, "capacity": capacity}, dsl.Limits{MaxCount: 1 << 53})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: P})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 2*P*P + 2*P, P*P + P, P}, net.Cell.Stats().Widths, "the FPTAS-NN's widths, whatever the profits")

	steps := make([][]float64, n)
	for i := range n {
		steps[i] = []float64{float64(profits[i]), float64(weights[i])}
	}
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	states, err := r.Run(steps)
	require.NoError(t, err)
	ans, err := net.Decode(states[len(states)-1], net.RunTolerance(states, compile.Float64Roundoff))
	require.NoError(t, err)
	require.True(t, ans.Found)

	rounded, err := truth.RunRoundedDP(m, steps, P)
	require.NoError(t, err)
	want, found, err := rounded.Answer(m)
	require.NoError(t, err)
	require.True(t, found)
	wantF, _ := want.Float64()
	assert.Equal(t, wantF, ans.Value, "p_NN is the rounded DP's %s, rounded once", want.RatString())

	opt, err := knapsack.Optimum(profits, weights, capacity)
	require.NoError(t, err)
	assert.NoError(t, knapsack.CheckGuarantee(want, opt, n, P))
}

// Jooken-style profits near 10^11 with a capacity of 10^10 would push the
// paper's two-neuron masks' products past 2^53: the rule gates each term
// with one neuron instead (layer 2 has P² + P neurons, half the paper's),
// float64 is proven exact on the instance, and the network's answer is
// the rounded DP's, within the guarantee. float32 is refused.
func TestFPTASJookenScale(t *testing.T) {
	profits, weights, sum := largeInstance(1e11, 1e9)
	const P, capacity = 50, int64(1e10)
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	m, err := dsl.CheckWith(f, map[string]int64{"pmax": sum, "capacity": capacity}, dsl.Limits{MaxCount: 1 << 53})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: P})
	require.NoError(t, err)
	assert.Contains(t, net.Rounding.Gates, "2^53")
	assert.Equal(t, []int{2, P*P + P, P*P + P, P}, net.Cell.Stats().Widths, "one-neuron gates")
	p := net.Precision(compile.Float64Roundoff, len(profits))
	require.True(t, p.Exact, p.Why)
	assert.False(t, net.Precision(compile.Float32Roundoff, len(profits)).Integers, "float32 cannot hold the index arithmetic")

	steps := make([][]float64, len(profits))
	for i := range profits {
		steps[i] = []float64{float64(profits[i]), float64(weights[i])}
	}
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	states, err := r.Run(steps)
	require.NoError(t, err)
	ans, err := net.Decode(states[len(states)-1], net.RunTolerance(states, compile.Float64Roundoff))
	require.NoError(t, err)
	require.True(t, ans.Found)
	rounded, err := truth.RunRoundedDP(m, steps, P)
	require.NoError(t, err)
	want, found, err := rounded.Answer(m)
	require.NoError(t, err)
	require.True(t, found)
	wantF, _ := want.Float64()
	assert.Equal(t, wantF, ans.Value, "p_NN is the rounded DP's %s", want.RatString())
	opt, err := knapsack.Optimum(profits, weights, capacity)
	require.NoError(t, err)
	assert.NoError(t, knapsack.CheckGuarantee(want, opt, len(profits), P))
}

// Small instances keep the paper's two-neuron masks.
func TestFPTASPaperMasksWhenExact(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	m, err := dsl.CheckWith(f, map[string]int64{"pmax": 1 << 20, "capacity": 1 << 20}, dsl.Limits{})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 10})
	require.NoError(t, err)
	assert.Empty(t, net.Rounding.Gates)
	assert.Equal(t, []int{2, 220, 110, 10}, net.Cell.Stats().Widths)
}

// Profits near 2·10^14 put even the gates' index arithmetic, P·(P + Σp),
// past 2^53: the network is built (its table has P cells) but float64
// cannot be proven exact on it, so its answer is refused as undecidable,
// never given wrong.
func TestFPTASBeyondFloat64Refused(t *testing.T) {
	profits, weights, sum := largeInstance(2e14, 1e9)
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	m, err := dsl.CheckWith(f, map[string]int64{"pmax": sum, "capacity": 1e10}, dsl.Limits{MaxCount: 1 << 53})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 50})
	require.NoError(t, err)
	p := net.Precision(compile.Float64Roundoff, len(profits))
	assert.False(t, p.Exact)
	assert.Contains(t, p.Why, "2^53")
	steps := make([][]float64, len(profits))
	for i := range profits {
		steps[i] = []float64{float64(profits[i]), float64(weights[i])}
	}
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	states, err := r.Run(steps)
	require.NoError(t, err)
	_, err = net.Decode(states[len(states)-1], net.RunTolerance(states, compile.Float64Roundoff))
	require.Error(t, err)
	assert.True(t, compile.IsUndecidable(err), "%v", err)
}

// largeInstance draws 8 items with profits in [p, 2p) and weights in
// [w, 5w).
func largeInstance(p, w int64) (profits, weights []int64, sum int64) {
	rng := rand.New(rand.NewPCG(7, 7))
	profits, weights = make([]int64, 8), make([]int64, 8)
	for i := range profits {
		profits[i] = p + rng.Int64N(p)
		weights[i] = w + rng.Int64N(4*w)
		sum += profits[i]
	}
	return profits, weights, sum
}
