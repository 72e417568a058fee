package smoothdp

import (
	"math"
	"testing"
)

// FuzzMax2: for γ ∈ [MinGamma, +∞) and a, b finite or −∞, Max2 never returns
// NaN, q ∈ [0, 1], dq/db ≥ 0, and value ≥ max(a, b) (exactly: the kernels
// add a nonnegative bonus to the larger operand). The upper bound
// value ≤ max + γ·Range holds up to the rounding of that addition, so it
// is checked with 4 ulps of slack, and only when it does not overflow.
func FuzzMax2(f *testing.F) {
	inf := math.Inf(-1)
	for _, seed := range []struct {
		reg         uint8
		gamma, a, b float64
	}{
		{0, 1, 0, 0}, {1, 1, 0, 0}, {2, 1, 0, 0},
		{0, 1e-6, 1, 1 + 1e-6}, {1, 0.5, -3, -3.4}, {2, 2, 7, 10.999},
		{0, 1, inf, 2}, {1, 1, 2, inf}, {2, 1, inf, inf},
		{0, 1, math.MaxFloat64, -math.MaxFloat64}, {1, 1e-300, 1e300, -1e300},
		{2, math.MaxFloat64, 1, 2}, {1, MinGamma, 0, 5e-324}, {0, MinGamma, -1e-300, 1e-300},
	} {
		f.Add(seed.reg, seed.gamma, seed.a, seed.b)
	}
	f.Fuzz(func(t *testing.T, r uint8, gamma, a, b float64) {
		reg := Reg(r % 3)
		if !(gamma >= MinGamma) || math.IsInf(gamma, 1) || math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 1) || math.IsInf(b, 1) {
			t.Skip()
		}
		v, q, dq := Max2(reg, gamma, a, b)
		if math.IsNaN(v) || math.IsNaN(q) || math.IsNaN(dq) {
			t.Fatalf("Max2(%v, %v, %v, %v) = %v, %v, %v", reg, gamma, a, b, v, q, dq)
		}
		if q < 0 || q > 1 || dq < 0 {
			t.Fatalf("Max2(%v, %v, %v, %v): q = %v, dq/db = %v", reg, gamma, a, b, q, dq)
		}
		m := max(a, b)
		if v < m {
			t.Fatalf("Max2(%v, %v, %v, %v) = %v < max %v", reg, gamma, a, b, v, m)
		}
		if upper := m + gamma*reg.Range(); !math.IsInf(upper, 0) && !math.IsInf(m, 0) {
			if slack := 4 * ulp(upper); v > upper+slack {
				t.Fatalf("Max2(%v, %v, %v, %v) = %v > max + γ·Range = %v", reg, gamma, a, b, v, upper)
			}
		}
		if (a == inf) != (b == inf) && q != 0 && q != 1 {
			t.Fatalf("Max2(%v, %v, %v, %v): one option infeasible but q = %v", reg, gamma, a, b, q)
		}
	})
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}
