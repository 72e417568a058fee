package compile_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
)

func lowerProgram(t testing.TB, path string, params map[string]int64) *compile.Network {
	t.Helper()
	f, err := repo.ReadProgram(path)
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	return net
}

func lowerSource(t testing.TB, src string, params map[string]int64) (*compile.Network, error) {
	t.Helper()
	f, err := dsl.Parse("test.dp", []byte(src))
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)
	return compile.Lower(m, compile.Options{})
}

// The knapsack program must come out as exactly the DP-NN of Hertrich &
// Skutella: depth 4, widths 2p*, p*(p*-1)/2, p*.
func TestKnapsackWidthsMatchPaper(t *testing.T) {
	for _, p := range []int{2, 3, 5, 10, 20, 37, 60, 100, 250} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			net := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": int64(p)})
			st := net.Cell.Stats()
			assert.Equal(t, 4, st.Depth)
			assert.Equal(t, []int{2 * p, p * (p - 1) / 2, p}, st.Widths)
			assert.Equal(t, p, st.Outputs)
		})
	}
	// p* = 1: the paper's layer 2 has p*(p*-1)/2 = 0 neurons, so there is
	// no such layer and the min neuron moves down next to the indicators.
	st := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": 1}).Cell.Stats()
	assert.Equal(t, 2, st.Depth)
	assert.Equal(t, []int{3}, st.Widths)
}

// Layer 2 of the knapsack cell: o2(p,k) = relu(f(p-k) - 2·(o1+(k) + o1-(k))).
// Check one neuron's weights against the paper's formula.
func TestKnapsackSelectNeuronWeights(t *testing.T) {
	net := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": 4})
	g := net.Cell
	f, ok := g.Input("f")
	require.True(t, ok)
	var found int
	for j := 0; j < g.NumNeurons(); j++ {
		if g.Layer[j] != 2 {
			continue
		}
		found++
		var stateW, indW []float64
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			if s := int(g.Src[r]); s >= f.Start && s < f.Start+f.Len {
				stateW = append(stateW, g.W[r])
			} else {
				indW = append(indW, g.W[r])
			}
		}
		assert.Equal(t, []float64{1}, stateW, "neuron %d reads one state cell with weight 1", j)
		assert.Equal(t, []float64{-2, -2}, indW, "neuron %d subtracts M=2 times its indicator pair", j)
		assert.Equal(t, 0.0, g.Bias[j])
	}
	assert.Equal(t, 6, found)
}

// Every program of the shared problem table: the network equals the exact
// DP in every cell of every step (float64 and float32) and the decoded
// answer equals both the exact DP's and an independent brute force.
func TestNetworksMatchExactDP(t *testing.T) {
	for _, p := range problems.StepCases() {
		t.Run(p.Name, func(t *testing.T) {
			m, err := p.Model()
			require.NoError(t, err)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(7, 11))
			for i := 0; i < 200; i++ {
				steps := p.Random(rng, m)
				c, err := verify.AgainstDP(net, fmt.Sprintf("case %d", i), steps, []engine.DType{engine.Float64, engine.Float32}, nil)
				require.NoError(t, err)
				require.Empty(t, c.Mismatch, "case %d: steps %v", i, steps)
				if p.Exact != nil && m.Answer != nil {
					want, err := p.Exact(steps, m)
					require.NoError(t, err)
					for _, r := range c.Runs {
						require.Equal(t, fmt.Sprint(want), r.Answer, "case %d (%s): steps %v", i, r.DType, steps)
					}
				}
			}
		})
	}
}

// Integer programs are exact in float32: every state of every step equals
// the exact DP bit for bit.
func TestIntegerProgramsExactInFloat32(t *testing.T) {
	for _, p := range problems.StepCases() {
		m, err := p.Model()
		require.NoError(t, err)
		if m.States[0].Type != dsl.Int {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(3, 5))
			for i := 0; i < 100; i++ {
				steps := p.Random(rng, m)
				c, err := verify.AgainstDP(net, "int", steps, []engine.DType{engine.Float32}, nil)
				require.NoError(t, err)
				require.Zero(t, c.Runs[0].MaxErr, "steps %v", steps)
			}
		})
	}
}

func TestRuleCosts(t *testing.T) {
	cases := []struct {
		name   string
		src    string
		widths []int
		depth  int
	}{
		{"min of two inputs: one neuron", `dp t
input a real in 0..1
input b real in 0..1
state s[i in 1..1] real in 0..1 = 0
step s[i] = min(a, b)`, []int{1}, 2},
		{"max of four: a balanced tree of depth 2", `dp t
input a real in 0..1
input b real in 0..1
input c real in 0..1
input d real in 0..1
state s[i in 1..1] real in 0..1 = 0
step s[i] = max(a, b, c, d)`, []int{2, 1}, 3},
		{"clamp: two neurons side by side", `dp t
input a real in -5..5
state s[i in 1..1] real in 0..1 = 0
step s[i] = clamp(a, 0, 1)`, []int{2}, 2},
		{"clamp of an in-range value: free", `dp t
input a real in 0.2..0.8
state s[i in 1..1] real in 0..1 = 0
step s[i] = clamp(a, 0, 1)`, nil, 1},
		{"min decided by intervals: free", `dp t
input a real in 0..1
state s[i in 1..1] real in 0..3 = 0
step s[i] = min(a, a + 2)`, nil, 1},
		{"affine step: no hidden layer", `dp t
input a real in 0..1
state s[i in 1..3] real in 0..100 = 0
step s[i] = s[i] / 2 + a`, nil, 1},
		{"offset read: indicators per offset value, one select neuron per cell and value", `dp t
input u int in 0..2
state s[i in 1..3] real in 0..1 = 0
s[i > 3] = 1
step s[i] = s[i + u]`, []int{6, 9}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, err := lowerSource(t, c.src, nil)
			require.NoError(t, err)
			st := net.Cell.Stats()
			assert.Equal(t, c.depth, st.Depth)
			if c.widths == nil {
				assert.Empty(t, st.Widths)
			} else {
				assert.Equal(t, c.widths, st.Widths)
			}
		})
	}
}

// The rules compute what they claim on a grid of inputs.
func TestRuleValues(t *testing.T) {
	src := `dp t
input a real in -3..3
input b real in -3..3
input u int in 0..3
state s[i in 1..4] real in -10..10 = 0
s[i > 4] = 7
step s[i] = max(min(a, b), clamp(a - b, -1, 1)) + s[i + u] / 10 + i`
	net, err := lowerSource(t, src, nil)
	require.NoError(t, err)
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	for _, a := range []float64{-3, -1.5, 0, 0.25, 3} {
		for _, b := range []float64{-3, -0.5, 0, 2, 3} {
			for u := 0; u <= 3; u++ {
				states, err := r.Run([][]float64{{a, b, float64(u)}})
				require.NoError(t, err)
				for i := 1; i <= 4; i++ {
					read := 0.0 // the initial state
					if i+u > 4 {
						read = 7
					}
					want := max(min(a, b), min(max(a-b, -1), 1)) + read/10 + float64(i)
					assert.InDelta(t, want, states[1][0][i-1], 1e-12, "a=%g b=%g u=%d i=%d", a, b, u, i)
				}
			}
		}
	}
}

func TestLowerErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"offset read of an unbounded state", `dp t
input u int in 0..2
state s[i in 1..3] real in 0..inf = 0
s[i > 3] = 0
step s[i] = s[i + u] + 1`, "needs a finite value range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := lowerSource(t, c.src, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), "test.dp:"), "error %q names the position", err)
		})
	}
}

// The unrolled network equals the cell applied step by step.
func TestUnrolledEqualsCell(t *testing.T) {
	net := lowerProgram(t, "examples/knapsack_int.dp", map[string]int64{"pmax": 8, "capacity": 20})
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 5
	g, err := net.Unrolled(n)
	require.NoError(t, err)
	// Composing n cells of depth d gives depth at most n(d-1)+1; here less,
	// because each step's indicators depend on its inputs only and run in
	// parallel with earlier steps: select and min per step, 2n+2 in all.
	st := g.Stats()
	assert.LessOrEqual(t, st.Depth, n*(net.Cell.Depth()-1)+1)
	assert.Equal(t, 2*n+2, st.Depth)
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	for i := 0; i < 50; i++ {
		steps := make([][]float64, n)
		in := make([]float64, g.NumInputs)
		for t := range steps {
			steps[t] = []float64{float64(1 + rng.IntN(8)), float64(rng.IntN(21))}
		}
		for _, blk := range g.Inputs {
			col := map[string]int{"profit": 0, "weight": 1}[blk.Name]
			for t := 0; t < n; t++ {
				in[blk.Start+t] = steps[t][col]
			}
		}
		out, err := relu.Eval[float64](g, in, 1)
		require.NoError(t, err)
		states, err := r.Run(steps)
		require.NoError(t, err)
		assert.Equal(t, states[n][0], out, "steps %v", steps)
	}
}

func TestDecodeAndBacktrack(t *testing.T) {
	net := lowerProgram(t, "examples/knapsack_int.dp", map[string]int64{"pmax": 12, "capacity": 10})
	// profit, weight: the best is items 1 and 3 (profit 9, weight 10).
	steps := [][]float64{{5, 6}, {3, 5}, {4, 4}, {1, 9}}
	r, err := compile.NewRunner[float64](net)
	require.NoError(t, err)
	states, err := r.Run(steps)
	require.NoError(t, err)
	ans, err := net.Decode(states[len(states)-1], 0)
	require.NoError(t, err)
	assert.Equal(t, compile.Answer{Kind: dsl.AnswerMaxIndex, Found: true, Index: 9, Value: 9}, ans)
	taken, err := net.Backtrack(states, steps, ans)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true, false}, taken)

	s, ok := net.Search()
	require.True(t, ok)
	assert.Equal(t, compile.Search{State: "f", Max: true, Op: dsl.LE, Threshold: 10, Lo: 1, Hi: 12, Fallback: 0, HasFallback: true}, s)
}

func TestDecodeFallbackAndValue(t *testing.T) {
	net := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": 3})
	// Nothing fits: the answer is the boundary index 0.
	ans, err := net.Decode([][]float64{{2, 2, 2}}, 0)
	require.NoError(t, err)
	assert.Equal(t, 0, ans.Index)
	assert.True(t, ans.Found)

	change := lowerProgram(t, "examples/change.dp", map[string]int64{"amax": 4, "K": 9})
	ans, err = change.Decode([][]float64{{9, 1, 2, 3}}, 0)
	require.NoError(t, err)
	assert.Equal(t, compile.Answer{Kind: dsl.AnswerValue, Found: true, Value: 3}, ans)
}

func TestParseScheme(t *testing.T) {
	s, err := compile.ParseScheme("exact")
	require.NoError(t, err)
	assert.Equal(t, compile.Exact, s)
	_, err = compile.ParseScheme("fuzzy")
	assert.ErrorContains(t, err, `unknown scheme "fuzzy"`)
}
