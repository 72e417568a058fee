package relu_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
)

// buildSmoothMax3 is max_Ω(max_Ω(a, b), c) as a tree of two smooth
// neurons: h1 = φ((b − a)/γ), m = a + γ·h1, h2 = φ((c − m)/γ) and the
// output m + γ·h2. The second neuron reads m as a + γ·h1 expanded.
func buildSmoothMax3(t testing.TB, act relu.Activation, gamma float64) *relu.Graph {
	b := relu.NewBuilder()
	in := b.Input("abc", 3)
	a, bb, c := relu.Var(in[0]), relu.Var(in[1]), relu.Var(in[2])
	g := b.Group(relu.GroupInfo{Name: "smooth max", Rule: "smoothed max"})
	inv := 1 / gamma
	h1 := b.Neuron(g, act, bb.Minus(a).Scale(inv))
	m := a.PlusScaled(gamma, relu.Var(h1))
	h2 := b.Neuron(g, act, c.Minus(m).Scale(inv))
	b.Output("max", nil, g, []relu.Affine{m.PlusScaled(gamma, relu.Var(h2))})
	net, err := b.Build()
	require.NoError(t, err)
	require.NoError(t, net.Validate())
	require.Equal(t, 3, net.Depth())
	return net
}

// The evaluator runs each hidden neuron's own activation: the smooth
// max-of-three tree equals two nested smooth.Max2 calls, in batch 1, in
// batched tiles (200 rows: several tiles, the last partial) and in Trace,
// in float64 and float32.
//
// γ is a power of two, so 1/γ is exact. Tolerances: in float64 each
// neuron rounds a few sums, products and φ, each off by at most
// eps·S with S = |a| + |b| + |c| + γ (every intermediate is bounded by
// it), and the error of h1 reaches the output with a factor ≤ 2 (φ' ≤ 1):
// 32·eps·S. In float32 the same count with u = 2^−23 and the inputs
// themselves rounded to float32 (another u·S): 32·u·S.
func TestEvalSmoothMax3MatchesMax2(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tc := range smoothCases {
		for _, gamma := range []float64{1, 0.25, 4} {
			net := buildSmoothMax3(t, tc.act, gamma)
			const batch = 200
			in := make([]float64, 0, 3*batch)
			for range batch {
				for range 3 {
					in = append(in, 3*gamma*rng.NormFloat64()) // gaps of a few γ: inside and outside the clips
				}
			}
			copy(in, []float64{1, 1, 1, -5, 0, 5}) // a tie, and a row far apart
			want := make([]float64, batch)
			for r := range batch {
				x := in[3*r : 3*r+3]
				m, _, _ := smooth.Max2(tc.reg, gamma, x[0], x[1])
				want[r], _, _ = smooth.Max2(tc.reg, gamma, m, x[2])
			}
			scale := func(r int) float64 {
				return math.Abs(in[3*r]) + math.Abs(in[3*r+1]) + math.Abs(in[3*r+2]) + gamma
			}

			out64, err := relu.Eval(net, in, batch)
			require.NoError(t, err)
			in32 := make([]float32, len(in))
			for i, x := range in {
				in32[i] = float32(x)
			}
			out32, err := relu.Eval(net, in32, batch)
			require.NoError(t, err)
			for r := range batch {
				one64, err := relu.Eval(net, in[3*r:3*r+3], 1)
				require.NoError(t, err)
				tr64, err := relu.Trace(net, in[3*r:3*r+3])
				require.NoError(t, err)
				one32, err := relu.Eval(net, in32[3*r:3*r+3], 1)
				require.NoError(t, err)
				tr32, err := relu.Trace(net, in32[3*r:3*r+3])
				require.NoError(t, err)

				assert.InDelta(t, want[r], out64[r], 32*eps*scale(r), "%v γ=%g float64 row %d %v", tc.act, gamma, r, in[3*r:3*r+3])
				assert.InDelta(t, want[r], float64(out32[r]), 32*0x1p-23*scale(r), "%v γ=%g float32 row %d", tc.act, gamma, r)
				// Batch 1, tiles and Trace do the same operations in the same order.
				assert.Equal(t, out64[r], one64[0], "float64 batch 1 row %d", r)
				assert.Equal(t, out64[r], tr64[2], "float64 trace row %d", r)
				assert.Equal(t, out32[r], one32[0], "float32 batch 1 row %d", r)
				assert.Equal(t, out32[r], tr32[2], "float32 trace row %d", r)
			}
		}
	}
}

// Far-apart inputs make every Gini and Tsallis neuron saturate (gaps ≥ 2γ),
// where φ(x) = max(x, 0) exactly, so the tree is the hard max exactly.
func TestEvalSmoothMax3Saturated(t *testing.T) {
	for _, act := range []relu.Activation{relu.Gini, relu.Tsallis} {
		net := buildSmoothMax3(t, act, 1)
		for _, x := range [][]float64{{1, 5, 9}, {9, 5, 1}, {5, 9, 1}, {-7, -3, -11}} {
			out, err := relu.Eval(net, x, 1)
			require.NoError(t, err)
			assert.Equal(t, max(x[0], x[1], x[2]), out[0], "%v %v", act, x)
		}
	}
}

// float32 evaluation rounds every affine operation in float32 with smooth
// neurons too: h = φ(a + b) with a = 1e8, b = 1 is a + b in float64 (the
// bonus underflows or is clipped away) but 1e8 in float32, so h − a is 1
// in float64 and 0 in float32.
func TestEvalSmoothRoundsInElementType(t *testing.T) {
	for _, tc := range smoothCases {
		b := relu.NewBuilder()
		in := b.Input("ab", 2)
		g := b.Group(relu.GroupInfo{Name: "sum"})
		h := b.Neuron(g, tc.act, relu.Var(in[0]).Plus(relu.Var(in[1])))
		b.Output("out", nil, g, []relu.Affine{relu.Var(h).Minus(relu.Var(in[0]))})
		net, err := b.Build()
		require.NoError(t, err)
		out32, err := relu.Eval(net, []float32{1e8, 1}, 1)
		require.NoError(t, err)
		out64, err := relu.Eval(net, []float64{1e8, 1}, 1)
		require.NoError(t, err)
		assert.Equal(t, []float32{0}, out32, "%v", tc.act)
		assert.Equal(t, []float64{1}, out64, "%v", tc.act)
	}
}
