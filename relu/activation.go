package relu

import (
	"fmt"
	"math"
)

// Apply returns φ(x) for activation a: x (Identity), max(0, x) (ReLU) or
// the smoothed ReLU of the regulariser (see the formulas at Shannon), so
// that max_Ω(a, b) = a + γ·Apply((b − a)/γ).
//
// The smoothed ReLUs are written as max(x, 0) plus a bounded bonus, which
// neither overflows nor cancels for large |x| and gives φ(−∞) = 0 and
// φ(+∞) = +∞. NaN gives NaN. Apply panics on an unknown activation (a
// Graph that passes Validate has none).
func (a Activation) Apply(x float64) float64 {
	switch a {
	case Identity:
		return x
	case ReLU:
		return max(x, 0)
	case Shannon:
		// log(1 + e^x) = max(x, 0) + log1p(e^{−|x|}).
		return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	case Gini:
		// q·x + q(1 − q) with q = clip((1 + x)/2, 0, 1) equals
		// max(x, 0) + s²/4 with s = max(0, 1 − |x|): both are (1 + x)²/4
		// for |x| < 1 and max(x, 0) outside. This form never computes 0·∞.
		s := max(1-math.Abs(x), 0)
		return max(x, 0) + 0.25*s*s
	case Tsallis:
		// With y = min(|x|/2, 1) and r = √(2 − y²), φ(x) − max(x, 0) =
		// (4 − 3y − r³)/3 (the simplification of smooth's
		// tsallis2 at γ = 1); it is ≥ 0 in exact arithmetic and clamped
		// so that rounding near y = 1 cannot make it negative.
		y := min(math.Abs(x)*0.5, 1)
		r2 := 2 - y*y
		r := math.Sqrt(r2)
		return max(x, 0) + max((4-3*y-r*r2)/3, 0)
	}
	panic(fmt.Sprintf("relu: Apply of unknown activation %v", a))
}

// Slope returns φ'(x) for activation a, which for the smoothed ReLUs is
// q ∈ [0, 1], the probability of the second option of max_Ω: 1 for
// Identity, the step [x > 0] for ReLU (so the slope at the kink x = 0 is
// taken as 0), sigmoid(x) for Shannon, clip((1 + x)/2, 0, 1) for Gini and
// (1 + c·√(2 − c²))/2 with c = clip(x/2, −1, 1) for Tsallis. Slope(±∞) is
// 1 or 0 (Identity: 1). Slope panics on an unknown activation.
func (a Activation) Slope(x float64) float64 {
	switch a {
	case Identity:
		return 1
	case ReLU:
		if x > 0 {
			return 1
		}
		return 0
	case Shannon:
		// Stable sigmoid: e^{−|x|} ∈ (0, 1] never overflows.
		t := math.Exp(-math.Abs(x))
		if x >= 0 {
			return 1 / (1 + t)
		}
		return t / (1 + t)
	case Gini:
		return min(max(0.5+0.5*x, 0), 1)
	case Tsallis:
		c := min(max(x*0.5, -1), 1)
		return 0.5 * (1 + c*math.Sqrt(2-c*c))
	}
	panic(fmt.Sprintf("relu: Slope of unknown activation %v", a))
}

// applyT is Apply in element type T, as the Evaluator uses it. Identity
// and ReLU are exact in any type. The smoothed ReLUs are computed in
// float64 and rounded once to T: for float32 this is at least as accurate
// as a float32 implementation, and every other operation of a float32
// evaluation still rounds in float32.
func applyT[T Float](a Activation, x T) T {
	switch a {
	case Identity:
		return x
	case ReLU:
		return max(x, 0)
	}
	return T(a.Apply(float64(x)))
}
