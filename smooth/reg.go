package smooth

import (
	"fmt"
	"math"
	"strings"
)

// Reg names the regulariser Ω that smooths max(a, b) into
//
//	max_Ω(a, b) = max over q ∈ [0, 1] of (1−q)·a + q·b + γ·H(q),
//
// where H is a concave entropy on the 2-simplex (q = probability of b) with
// H(0) = H(1) = 0. The maximiser q is the probability of "pick".
type Reg int

const (
	// Shannon: H(q) = −q log q − (1−q) log(1−q). max_Ω is γ·logsumexp(a/γ, b/γ)
	// and q = sigmoid((b−a)/γ), strictly inside (0, 1) in exact arithmetic
	// (in float64, q rounds to 1 once b − a ≳ 37γ and to 0 once a − b ≳ 745γ).
	Shannon Reg = iota
	// Gini: H(q) = q(1−q). q = clip(½ + (b−a)/(2γ), 0, 1) is exactly 0 or 1
	// once |b−a| ≥ γ.
	Gini
	// Tsallis with α = 1.5: H(q) = (4/3)(1 − q^{3/2} − (1−q)^{3/2}).
	// q is exactly 0 or 1 once |b−a| ≥ 2γ.
	Tsallis
)

var regNames = [...]string{Shannon: "shannon", Gini: "gini", Tsallis: "tsallis"}

func (r Reg) String() string {
	if r.valid() {
		return regNames[r]
	}
	return fmt.Sprintf("Reg(%d)", int(r))
}

func (r Reg) valid() bool { return r >= Shannon && r <= Tsallis }

// ParseReg returns the regulariser named s ("shannon", "gini" or
// "tsallis", any case).
func ParseReg(s string) (Reg, error) {
	for r, name := range regNames {
		if strings.EqualFold(s, name) {
			return Reg(r), nil
		}
	}
	return 0, fmt.Errorf("smooth: unknown regulariser %q (want shannon, gini or tsallis)", s)
}

// Range is the largest value of H on the 2-simplex, reached at q = ½:
// log 2 (Shannon), 1/4 (Gini), (4/3)(1 − 2^{−1/2}) ≈ 0.3905 (Tsallis).
// max(a, b) ≤ max_Ω(a, b) ≤ max(a, b) + γ·Range, with equality on the
// right at a = b. It is NaN for an unknown Reg.
func (r Reg) Range() float64 {
	switch r {
	case Shannon:
		return math.Ln2
	case Gini:
		return 0.25
	case Tsallis:
		return 4.0 / 3.0 * (1 - math.Sqrt2/2)
	}
	return math.NaN()
}

// Max2 returns max_Ω(a, b) for γ = gamma, the probability q ∈ [0, 1] of b
// (the maximiser; q = ∂value/∂b and 1−q = ∂value/∂a) and dq/db = −dq/da.
//
// a and b may be −∞: if only one is finite, value is that one exactly and
// q ∈ {0, 1} with dq/db = 0; if both are −∞, value = −∞ and q = 0.
// Like the functions of package math, Max2 returns NaN in all three
// results for arguments outside its domain (gamma not in [MinGamma, +∞),
// a or b NaN or +∞, or an unknown Reg) rather than an error; the DP entry
// points validate their inputs and return errors instead.
func Max2(reg Reg, gamma, a, b float64) (value, q, dqdb float64) {
	if !validGamma(gamma) || math.IsNaN(a) || math.IsNaN(b) ||
		math.IsInf(a, 1) || math.IsInf(b, 1) || !reg.valid() {
		nan := math.NaN()
		return nan, nan, nan
	}
	inv := 1 / gamma
	switch reg {
	case Shannon:
		value, q, dqdb = shannon2(a, b, gamma, inv)
	case Gini:
		value, q, dqdb = gini2(a, b, gamma, inv)
	default:
		value, q, dqdb = tsallis2(a, b, gamma, inv)
	}
	return value, q, dqdb
}

var negInf = math.Inf(-1)

// third is 1/3 rounded: the Tsallis bonus multiplies by it rather than
// dividing by 3, one division fewer per cell.
const third = 1.0 / 3

// MinGamma is the smallest temperature accepted, the smallest normal
// float64 (2^−1022 ≈ 2.2e−308): the kernels multiply by 1/γ, which must be
// finite.
const MinGamma = 0x1p-1022

func validGamma(gamma float64) bool { return gamma >= MinGamma && !math.IsInf(gamma, 1) }

// The three kernels below are the whole numerical content of the package:
// the DP loops call them per cell. Each works with the larger operand
// m = max(a, b) and the gap d = |b − a| so that nothing overflows or
// cancels: value = m + γ·r(d/γ) with 0 ≤ r ≤ Range, and p ∈ [½, 1] is the
// probability of the larger operand. inv is 1/gamma, hoisted by callers.
//
// An operand equal to −∞ is an infeasible option; hard handles it.

// hard is max_Ω when a or b is −∞: the finite one wins with certainty.
func hard(a, b float64) (value, q float64) {
	if b == negInf {
		return a, 0 // also covers a = b = −∞
	}
	return b, 1
}

// shannon2: value = m + γ·log1p(t) with t = e^{−d/γ} ∈ (0, 1], p = 1/(1+t),
// the smaller operand gets t·p (computed this way, not as 1−p, so it keeps
// its relative precision), dq/db = q(1−q)/γ.
func shannon2(a, b, gamma, inv float64) (value, q, dqdb float64) {
	if a == negInf || b == negInf {
		value, q = hard(a, b)
		return value, q, 0
	}
	d := b - a
	t := expNeg(math.Abs(d) * inv)
	p := 1 / (1 + t)
	lo := t * p
	q = p
	if d < 0 {
		q = lo
	}
	return max(a, b) + gamma*log1pUnit(t), q, p * lo * inv
}

// gini2: with q = clip(½ + Δ/(2γ), 0, 1), the textbook value
// a + qΔ + γq(1−q) equals m + (γ/4)·s² with s = max(0, 1 − d/γ)
// (substitute q; both sides are (γ/4)(1 + Δ/γ)² − max(0, Δ) inside the
// clip, and the larger operand outside it). The right side never forms
// 0·∞ when Δ overflows. fastRow repeats these operations verbatim.
func gini2(a, b, gamma, inv float64) (value, q, dqdb float64) {
	if a == negInf || b == negInf {
		value, q = hard(a, b)
		return value, q, 0
	}
	d := b - a
	half := 0.5 * inv
	q = min(max(0.5+half*d, 0), 1)
	s := max(1-math.Abs(d)*inv, 0)
	return max(a, b) + 0.25*gamma*s*s, q, giniSlope(d, inv)
}

// giniSlope is dq/db = 1/(2γ) inside the clip (0 < q < 1), 0 outside.
func giniSlope(d, inv float64) float64 {
	if 1-math.Abs(d)*inv > 0 {
		return 0.5 * inv
	}
	return 0
}

// tsallis2: the stationarity condition √q − √(1−q) = Δ/(2γ) gives, with
// x = min(d/(2γ), 1) and r = √(2 − x²), √p = s = (r+x)/2 and √(1−p) =
// t = (r−x)/2 (s² = ½(1 + x·r), t² = ½(1 − x·r), s + t = r,
// s·t = (1−x²)/2). Then value = m − (1−p)·2γx + (4γ/3)(1 − s³ − t³), and
// since s³ + t³ = (s+t)(1 − st) = r(1+x²)/2 and r² = 2 − x², the bonus
// (value − m)/γ simplifies to (4 − 3x − r³)/3: 0.3905… at x = 0, 0 at
// x = 1. It is ≥ 0 in exact arithmetic and clamped at 0 so rounding near
// x = 1 cannot push value below m. fastRow repeats these operations
// verbatim.
func tsallis2(a, b, gamma, inv float64) (value, q, dqdb float64) {
	if a == negInf || b == negInf {
		value, q = hard(a, b)
		return value, q, 0
	}
	d := b - a
	half := 0.5 * inv
	x := min(math.Abs(d)*half, 1)
	r2 := 2 - x*x
	r := math.Sqrt(r2)
	xr := x * r
	q = 0.5 * (1 + xr) // = s², exactly ½ at x = 0
	if d < 0 {
		q = 0.5 * (1 - xr) // = t²
	}
	bonus := max((4-3*x-r*r2)*third, 0)
	return max(a, b) + gamma*bonus, q, tsallisSlope(d, inv)
}

// tsallisSlope is dq/db = (1/γ)/(q^{−½} + (1−q)^{−½}) = (1/γ)·s·t/(s+t)
// = (1−x²)/(2γr), which is 0 once the clip is reached (x = 1).
func tsallisSlope(d, inv float64) float64 {
	half := 0.5 * inv
	x := min(math.Abs(d)*half, 1)
	r := math.Sqrt(2 - x*x)
	return (1 - x*x) * half / r
}
