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
	const P = 400
	in := newLargeInstance(1e7, 1, 10)
	net := in.lower(t, P)
	assert.Empty(t, net.Rounding.Gates)
	assert.Equal(t, []int{2, 2*P*P + 2*P, P*P + P, P}, net.Cell.Stats().Widths, "the FPTAS-NN's widths, whatever the profits")
	in.checkAnswer(t, net)
}

// Jooken-style profits near 10^11 with a capacity of 10^10 would push the
// paper's two-neuron masks' products past 2^53: the rule gates each term
// with one neuron instead (layer 2 has P² + P neurons, half the paper's),
// float64 is proven exact on the instance, and the network's answer is
// the rounded DP's, within the guarantee. float32 is refused.
func TestFPTASJookenScale(t *testing.T) {
	const P = 50
	in := newLargeInstance(1e11, 1e9, 1e10)
	net := in.lower(t, P)
	assert.Contains(t, net.Rounding.Gates, "2^53")
	assert.Equal(t, []int{2, P*P + P, P*P + P, P}, net.Cell.Stats().Widths, "one-neuron gates")
	p := net.Precision(compile.Float64Roundoff, len(in.profits))
	require.True(t, p.Exact, p.Why)
	assert.False(t, net.Precision(compile.Float32Roundoff, len(in.profits)).Integers, "float32 cannot hold the index arithmetic")
	in.checkAnswer(t, net)
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
	in := newLargeInstance(2e14, 1e9, 1e10)
	net := in.lower(t, 50)
	p := net.Precision(compile.Float64Roundoff, len(in.profits))
	assert.False(t, p.Exact)
	assert.Contains(t, p.Why, "2^53")
	states := in.run(t, net)
	_, err := net.Decode(states[len(states)-1], net.RunTolerance(states, compile.Float64Roundoff))
	require.Error(t, err)
	assert.True(t, compile.IsUndecidable(err), "%v", err)
}

// largeInstance is a knapsack instance of 8 items with large numbers for
// examples/knapsack_int.dp.
type largeInstance struct {
	profits, weights []int64
	sum, capacity    int64
}

// newLargeInstance draws 8 items with profits in [p, 2p) and weights in
// [w, 5w).
func newLargeInstance(p, w, capacity int64) largeInstance {
	rng := rand.New(rand.NewPCG(7, 7))
	in := largeInstance{profits: make([]int64, 8), weights: make([]int64, 8), capacity: capacity}
	for i := range in.profits {
		in.profits[i] = p + rng.Int64N(p)
		in.weights[i] = w + rng.Int64N(4*w)
		in.sum += in.profits[i]
	}
	return in
}

func (in largeInstance) model(t *testing.T) *dsl.Model {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	opt := compile.Options{Scheme: compile.FPTAS}
	m, err := dsl.CheckWith(f, map[string]int64{"pmax": in.sum, "capacity": in.capacity}, opt.Limits())
	require.NoError(t, err)
	return m
}

func (in largeInstance) lower(t *testing.T, P int) *compile.Network {
	net, err := compile.Lower(in.model(t), compile.Options{Scheme: compile.FPTAS, P: P})
	require.NoError(t, err)
	return net
}

func (in largeInstance) steps() [][]float64 {
	steps := make([][]float64, len(in.profits))
	for i := range in.profits {
		steps[i] = []float64{float64(in.profits[i]), float64(in.weights[i])}
	}
	return steps
}

// run runs net over the instance in float64 and returns every state.
func (in largeInstance) run(t *testing.T, net *compile.Network) [][][]float64 {
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	states, err := r.Run(in.steps())
	require.NoError(t, err)
	return states
}

// checkAnswer asserts that net's p_NN is the rounded DP's and within the
// guarantee of the optimum.
func (in largeInstance) checkAnswer(t *testing.T, net *compile.Network) {
	states := in.run(t, net)
	ans, err := net.Decode(states[len(states)-1], net.RunTolerance(states, compile.Float64Roundoff))
	require.NoError(t, err)
	require.True(t, ans.Found)
	P := net.Rounding.P
	m := net.Model
	rounded, err := truth.RunRoundedDP(m, in.steps(), P)
	require.NoError(t, err)
	want, found, err := rounded.Answer(m)
	require.NoError(t, err)
	require.True(t, found)
	wantF, _ := want.Float64()
	assert.Equal(t, wantF, ans.Value, "p_NN is the rounded DP's %s, rounded once", want.RatString())
	opt, err := knapsack.Optimum(in.profits, in.weights, in.capacity)
	require.NoError(t, err)
	assert.NoError(t, knapsack.CheckGuarantee(want, opt, len(in.profits), P))
}
