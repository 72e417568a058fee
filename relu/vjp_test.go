package relu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var smoothActs = []Activation{Shannon, Gini, Tsallis}

// kinks are the points where φ is not C^∞.
var kinks = map[Activation][]float64{ReLU: {0}, Gini: {-1, 1}, Tsallis: {-2, 2}}

// Hand-computed gradients of buildSkip, out = h3 + x + h1 with h1 =
// relu(x), h2 = relu(h1 − 1), h3 = relu(h2 + y): all ReLUs active gives
// ∂out/∂x = 3, ∂out/∂y = 1; at x = 0 the slope of h1 at its kink is taken
// as 0, so only the direct x term is left. Exact: the weights are ±1.
func TestVJPSkipByHand(t *testing.T) {
	g := buildSkip(t)
	for _, tc := range []struct {
		in, cot, grad []float64
		out           float64
	}{
		{[]float64{3, -1}, []float64{2}, []float64{6, 2}, 7},
		{[]float64{0, 0.5}, []float64{1}, []float64{1, 1}, 0.5},
		{[]float64{0.5, -1}, []float64{1}, []float64{2, 0}, 1}, // h3 inactive
	} {
		grad, out, err := VJP(g, tc.in, tc.cot)
		require.NoError(t, err)
		assert.Equal(t, tc.grad, grad, "at %v", tc.in)
		assert.Equal(t, []float64{tc.out}, out, "at %v", tc.in)
	}
}

// jvp is the forward-mode derivative of g at in along dir, ∂out/∂in·dir,
// written independently of VJP (a tangent per unit, pushed forward).
func jvp(g *Graph, in, dir []float64) []float64 {
	val := append([]float64(nil), in...)
	tan := append([]float64(nil), dir...)
	for j := range g.NumNeurons() {
		s, ds := g.Bias[j], 0.0
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			s += g.W[r] * val[g.Src[r]]
			ds += g.W[r] * tan[g.Src[r]]
		}
		val = append(val, g.Act[j].Apply(s))
		tan = append(tan, g.Act[j].Slope(s)*ds)
	}
	return tan[len(tan)-g.NumOutputs():]
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Reverse mode against forward mode: cotᵀ·(J·e_i) must be grad_i.
//
// Integer ReLU cells (weights ±1, integer biases, inputs and cotangents)
// make every product and sum of both modes an integer far below 2^53, so
// the two agree exactly, kinks included (both take slope 0 at 0).
//
// On real cells mixing ReLU and smooth neurons the two sum the same path
// products in different orders, so they differ by a few eps times the sum
// of |path products|; for these small cells with N(0, 1) weights the
// gradients stay below about 20 (measured: 14 over 300 cells) and the
// differences below 2e-15 relative. Tolerance 1e-12·max(1, |grad|); a
// wrong slope or a lost term is off by O(1).
func TestVJPMatchesForwardMode(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, tc := range []struct {
		name    string
		integer bool
		acts    []Activation
	}{
		{"relu integer", true, nil},
		{"relu real", false, nil},
		{"mixed real", false, []Activation{ReLU, Shannon, Gini, Tsallis}},
		{"smooth real", false, smoothActs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for trial := range 20 {
				o := cellOptions{state: 3, stepX: 2, stepY: 2, depth: 2 + trial%3, width: 6, fanIn: 2, integer: tc.integer, acts: tc.acts}
				g := randomCell(t, rng, o)
				in := randomValues(rng, g.NumInputs, tc.integer)
				cot := randomValues(rng, g.NumOutputs(), tc.integer)
				grad, out, err := VJP(g, in, cot)
				require.NoError(t, err)
				want, err := Eval(g, in, 1)
				require.NoError(t, err)
				require.Equal(t, want, out, "VJP's outputs are Eval[float64]'s bit for bit")
				require.Len(t, grad, g.NumInputs)
				for i := range g.NumInputs {
					dir := make([]float64, g.NumInputs)
					dir[i] = 1
					fwd := dot(cot, jvp(g, in, dir))
					if tc.integer {
						require.Equal(t, fwd, grad[i], "trial %d input %d", trial, i)
					} else {
						require.InDelta(t, fwd, grad[i], 1e-12*max(1, math.Abs(fwd)), "trial %d input %d", trial, i)
					}
				}
			}
		})
	}
}

// Reverse mode against central finite differences, with h = 1e-5, at
// inputs where every neuron is at least 1e-2 away from a point where its φ
// is not smooth (ReLU at 0, Gini at ±1, Tsallis at ±2: the edges of the
// clip, where φ” jumps). Under the perturbation a pre-activation moves
// by at most h·(sum of |path weights|) < 1e-3, so the output is C^∞ on
// the whole stencil and the truncation error is h²/6·|f”'| ≈ 1e-11·|f”'|;
// the rounding error of the two evaluations is about eps·|f|/h ≈ 1e-10
// for |f| ≈ 10. Tolerance 1e-6·max(1, |grad|), far above both (measured:
// 1.2e-9 over 300 cells) and far below the O(1) error of a wrong slope or
// a lost term. Inputs too close to a non-smooth point are redrawn, and the
// test requires enough checked inputs.
func TestVJPMatchesFiniteDifferences(t *testing.T) {
	const h = 1e-5
	rng := rand.New(rand.NewPCG(41, 42))
	for _, tc := range []struct {
		name string
		acts []Activation
	}{
		{"smooth", smoothActs},
		{"shannon", []Activation{Shannon}},
		{"gini", []Activation{Gini}},
		{"tsallis", []Activation{Tsallis}},
		{"mixed", []Activation{ReLU, Shannon, Gini, Tsallis}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checked := 0
			for trial := range 30 {
				o := cellOptions{state: 3, stepX: 2, stepY: 2, depth: 2 + trial%3, width: 6, fanIn: 2, acts: tc.acts}
				g := randomCell(t, rng, o)
				in := randomValues(rng, g.NumInputs, false)
				if nearKink(t, g, in, 1e-2) {
					continue
				}
				checked++
				cot := randomValues(rng, g.NumOutputs(), false)
				grad, _, err := VJP(g, in, cot)
				require.NoError(t, err)
				for i := range g.NumInputs {
					plus := append([]float64(nil), in...)
					minus := append([]float64(nil), in...)
					plus[i] += h
					minus[i] -= h
					fp, err := Eval(g, plus, 1)
					require.NoError(t, err)
					fm, err := Eval(g, minus, 1)
					require.NoError(t, err)
					fd := (dot(cot, fp) - dot(cot, fm)) / (plus[i] - minus[i])
					require.InDelta(t, fd, grad[i], 1e-6*max(1, math.Abs(fd)), "trial %d input %d", trial, i)
				}
			}
			require.GreaterOrEqual(t, checked, 10, "too few inputs away from ReLU kinks")
		})
	}
}

// nearKink reports whether some hidden neuron of g has a pre-activation
// within margin of a point where its φ is not C^∞ (its kinks).
func nearKink(t *testing.T, g *Graph, in []float64, margin float64) bool {
	tr, err := Trace(g, in)
	require.NoError(t, err)
	val := append(append([]float64(nil), in...), tr...)
	for j := range g.NumNeurons() {
		s := g.Bias[j]
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			s += g.W[r] * val[g.Src[r]]
		}
		for _, k := range kinks[g.Act[j]] {
			if math.Abs(s-k) < margin {
				return true
			}
		}
	}
	return false
}

func TestVJPErrors(t *testing.T) {
	g := buildSkip(t) // 2 inputs, 1 output
	_, _, err := VJP(g, []float64{1}, []float64{1})
	assert.ErrorContains(t, err, "VJP got 1 inputs, want 2")
	_, _, err = VJP(g, []float64{1, 2}, []float64{1, 2})
	assert.ErrorContains(t, err, "VJP got 2 cotangents, want 1")
	broken := buildSkip(t)
	broken.Act[len(broken.Act)-1] = Gini
	_, _, err = VJP(broken, []float64{1, 2}, []float64{1})
	assert.ErrorContains(t, err, "has activation gini")
}
