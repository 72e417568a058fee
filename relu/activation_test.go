package relu_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
)

// smoothCases pairs each smoothed ReLU with the regulariser of the
// independent reference implementation in verify/smooth.
var smoothCases = []struct {
	act relu.Activation
	reg smooth.Reg
}{
	{relu.Shannon, smooth.Shannon},
	{relu.Gini, smooth.Gini},
	{relu.Tsallis, smooth.Tsallis},
}

const eps = 0x1p-52 // float64 spacing at 1

// max_Ω(a, b) = a + γ·φ((b − a)/γ) and q = φ'((b − a)/γ), checked against
// smooth.Max2 on a grid of gaps x = (b − a)/γ covering the inside of the
// clip (|x| < 1 for Gini, < 2 for Tsallis), its edges, Shannon's
// saturation (q rounds to 1 near x ≈ 37 and e^x underflows near −745) and
// huge |x|.
//
// Tolerances: both sides compute max(a, b) plus γ times a bonus in [0, 0.7]
// with a handful of roundings each of at most eps·(|a| + |b| + γ), so the
// values agree to 8·eps·(|a| + |b| + γ). The reference computes q from
// |b − a|·(1/(2γ)) and we from (b − a)/γ: the gaps differ by an ulp or
// two relative, and |dq/dx| ≤ 1/2, so q agrees to 8·eps·max(1, |x|) for
// |x| ≤ 2; beyond that q is saturated (Gini, Tsallis) or within e^{−2} of
// saturation with a slope that shrinks like e^{−|x|} (Shannon), and 8·eps
// absolute covers it.
func TestApplySlopeMatchMax2(t *testing.T) {
	xs := []float64{0, 1e-300, 1e-12, 0.1, 0.3, 0.5, 0.999, 1, 1.0000001, 1.5, 1.999, 2, 2.0000001, 3,
		5, 10, 36, 37, 40, 700, 745, 800, 1e10, 1e100, 1e300}
	for _, tc := range smoothCases {
		for _, gamma := range []float64{1, 0.5, 3, 1e-3} {
			for _, a := range []float64{0, -2.5, 1e3} {
				for _, x0 := range xs {
					for _, x := range []float64{x0, -x0} {
						b := a + gamma*x
						if math.IsInf(b, 0) {
							continue
						}
						name := fmt.Sprintf("%v γ=%g a=%g b=%g", tc.act, gamma, a, b)
						wantV, wantQ, _ := smooth.Max2(tc.reg, gamma, a, b)
						require.False(t, math.IsNaN(wantV), name)
						d := (b - a) / gamma
						gotV := a + gamma*tc.act.Apply(d)
						assert.InDelta(t, wantV, gotV, 8*eps*(math.Abs(a)+math.Abs(b)+gamma), name)
						assert.InDelta(t, wantQ, tc.act.Slope(d), 8*eps*max(1, min(math.Abs(d), 2)), name)
					}
				}
			}
		}
	}
}

// At ±∞ the smoothed ReLUs are the hard max: φ(−∞) = 0 with q = 0 (Max2
// with b = −∞ returns a and q = 0) and φ(+∞) = +∞ with q = 1 (Max2 with
// a = −∞ returns b and q = 1). Exact: no rounding is involved.
func TestApplySlopeInfinite(t *testing.T) {
	for _, tc := range smoothCases {
		v, q, _ := smooth.Max2(tc.reg, 1, 2, math.Inf(-1))
		assert.Equal(t, 2+tc.act.Apply(math.Inf(-1)), v, "%v at −∞", tc.act)
		assert.Equal(t, q, tc.act.Slope(math.Inf(-1)), "%v at −∞", tc.act)
		_, q, _ = smooth.Max2(tc.reg, 1, math.Inf(-1), 2)
		assert.Equal(t, math.Inf(1), tc.act.Apply(math.Inf(1)), "%v at +∞", tc.act)
		assert.Equal(t, q, tc.act.Slope(math.Inf(1)), "%v at +∞", tc.act)
		assert.True(t, math.IsNaN(tc.act.Apply(math.NaN())), "%v at NaN", tc.act)
	}
	for _, tc := range []struct {
		act        relu.Activation
		x, phi, dx float64
	}{
		{relu.ReLU, math.Inf(-1), 0, 0},
		{relu.ReLU, math.Inf(1), math.Inf(1), 1},
		{relu.Identity, math.Inf(-1), math.Inf(-1), 1},
		{relu.Identity, math.Inf(1), math.Inf(1), 1},
	} {
		assert.Equal(t, tc.phi, tc.act.Apply(tc.x), "%v(%v)", tc.act, tc.x)
		assert.Equal(t, tc.dx, tc.act.Slope(tc.x), "%v'(%v)", tc.act, tc.x)
	}
}

// Known values, written from the definitions rather than the code: at 0
// the bonus is the entropy's largest value H(½), q = ½ exactly, and ReLU
// and Identity are exact. The smooth values are computed through exp,
// log1p and sqrt, so they may be off by an ulp or two: 4·eps.
func TestActivationKnownValues(t *testing.T) {
	tsallisQ := (4 + math.Sqrt(7)) / 8
	for _, tc := range []struct {
		act       relu.Activation
		x, phi, q float64
	}{
		{relu.Shannon, 0, math.Log(2), 0.5},
		{relu.Gini, 0, 0.25, 0.5},
		{relu.Tsallis, 0, 4.0 / 3 * (1 - 1/math.Sqrt(2)), 0.5},
		{relu.Shannon, 1, math.Log(1 + math.E), math.E / (1 + math.E)},
		{relu.Gini, 0.5, 0.5*0.75 + 0.75*0.25, 0.75}, // q = 3/4: q·x + q(1 − q)
		{relu.Gini, -3, 0, 0},                        // outside the clip: the hard max
		{relu.Tsallis, 2, 2, 1},                      // edge of the clip
		{relu.Tsallis, -2.5, 0, 0},                   // beyond it
		{relu.Shannon, -800, 0, 0},                   // e^{−800} underflows
		{relu.Shannon, 800, 800, 1},                  // log1p(e^{−800}) = 0
		{relu.ReLU, -1.5, 0, 0},                      // exact
		{relu.ReLU, 0, 0, 0},                         // slope at the kink taken as 0
		{relu.ReLU, 1.5, 1.5, 1},                     // exact
		{relu.Identity, -1.5, -1.5, 1},               // exact
		// c = x/2 = ½: q = (1 + ½·√(7/4))/2 = (4 + √7)/8.
		{relu.Tsallis, 1, tsallisQ + 4.0/3*(1-math.Pow(tsallisQ, 1.5)-math.Pow(1-tsallisQ, 1.5)), tsallisQ},
	} {
		assert.InDelta(t, tc.phi, tc.act.Apply(tc.x), 4*eps*max(1, math.Abs(tc.phi)), "%v(%g)", tc.act, tc.x)
		assert.InDelta(t, tc.q, tc.act.Slope(tc.x), 4*eps, "%v'(%g)", tc.act, tc.x)
	}
	assert.InDelta(t, 0.3905, relu.Tsallis.Apply(0), 5e-5, "the value quoted in the docs")
}

// φ(x) − φ(−x) = x, since max_Ω is symmetric: a + φ(b − a) = b + φ(a − b).
// It checks the smooth branch of each formula against its mirror image
// (the codes for x and −x share nothing but max(x, 0) and the bonus);
// 4·eps·max(1, |x|) covers the rounding of two sums.
func TestApplySymmetry(t *testing.T) {
	for _, tc := range smoothCases {
		for x := -3.0; x <= 3; x += 0.0625 {
			assert.InDelta(t, x, tc.act.Apply(x)-tc.act.Apply(-x), 4*eps*max(1, math.Abs(x)), "%v at %g", tc.act, x)
		}
	}
}

func TestApplyUnknownPanics(t *testing.T) {
	assert.PanicsWithValue(t, "relu: Apply of unknown activation Activation(9)", func() { relu.Activation(9).Apply(0) })
	assert.PanicsWithValue(t, "relu: Slope of unknown activation Activation(9)", func() { relu.Activation(9).Slope(0) })
}
