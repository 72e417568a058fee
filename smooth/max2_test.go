package smooth

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var regs = []Reg{Shannon, Gini, Tsallis}

// entropy is H of each regulariser, written from its definition and not
// from the closed forms of reg.go.
func entropy(reg Reg, q float64) float64 {
	xlogx := func(x float64) float64 {
		if x == 0 {
			return 0
		}
		return x * math.Log(x)
	}
	switch reg {
	case Shannon:
		return -xlogx(q) - xlogx(1-q)
	case Gini:
		return q * (1 - q)
	case Tsallis:
		return 4.0 / 3.0 * (1 - math.Pow(q, 1.5) - math.Pow(1-q, 1.5))
	}
	panic("bad reg")
}

// argmaxSimplex maximises the concave f(q) = (1−q)a + qb + γH(q) over
// [0, 1] by golden-section search, independently of the closed forms.
func argmaxSimplex(reg Reg, gamma, a, b float64) (value, q float64) {
	f := func(q float64) float64 { return (1-q)*a + q*b + gamma*entropy(reg, q) }
	lo, hi := 0.0, 1.0
	phi := (math.Sqrt(5) - 1) / 2
	x1, x2 := hi-phi*(hi-lo), lo+phi*(hi-lo)
	f1, f2 := f(x1), f(x2)
	for range 200 {
		if f1 < f2 {
			lo, x1, f1 = x1, x2, f2
			x2 = lo + phi*(hi-lo)
			f2 = f(x2)
		} else {
			hi, x2, f2 = x2, x1, f1
			x1 = hi - phi*(hi-lo)
			f1 = f(x1)
		}
	}
	q = (lo + hi) / 2
	value = f(q)
	// The endpoints are candidates too (the clipped regimes of Gini/Tsallis).
	for _, e := range []float64{0, 1} {
		if fe := f(e); fe >= value {
			value, q = fe, e
		}
	}
	return value, q
}

func TestMax2KnownValues(t *testing.T) {
	// At a = b = 0, γ = 1 the value is H(½) = Range. The constants are
	// written out here from their definitions; 1e-15 is a few ulps.
	tests := []struct {
		reg  Reg
		want float64
	}{
		{Shannon, math.Log(2)},
		{Gini, 0.25},
		{Tsallis, 4.0 / 3.0 * (1 - 2*math.Pow(2, -1.5))}, // ≈ 0.390524
	}
	for _, tt := range tests {
		t.Run(tt.reg.String(), func(t *testing.T) {
			v, q, _ := Max2(tt.reg, 1, 0, 0)
			assert.InDelta(t, tt.want, v, 1e-15)
			assert.InDelta(t, tt.want, tt.reg.Range(), 1e-15)
			assert.Equal(t, 0.5, q)
		})
	}
	assert.InDelta(t, 0.3905242917512699, Tsallis.Range(), 1e-15)
}

func TestMax2PerStepBound(t *testing.T) {
	// max ≤ max_Ω ≤ max + γ·Range, with equality on the right at a = b (the
	// per-step bound that the DP bound composes). Rounding slack: 1e-12
	// relative to the operands' size.
	for _, reg := range regs {
		for _, gamma := range []float64{1e-3, 0.3, 1, 7} {
			for _, a := range []float64{-5, 0, 2.5, 100} {
				v, _, _ := Max2(reg, gamma, a, a)
				assert.InDelta(t, a+gamma*reg.Range(), v, 1e-12*(1+math.Abs(a)), "%v γ=%v a=b=%v", reg, gamma, a)
				for _, d := range []float64{-3, -1, -0.2, 0.01, 0.5, 1.9, 2, 40} {
					b := a + d*gamma
					v, _, _ := Max2(reg, gamma, a, b)
					m := max(a, b)
					assert.GreaterOrEqual(t, v, m)
					assert.LessOrEqual(t, v, m+gamma*reg.Range()+1e-12*(1+math.Abs(m)))
				}
			}
		}
	}
}

func TestMax2MatchesVariationalDefinition(t *testing.T) {
	// The closed forms against golden-section maximisation of
	// (1−q)a + qb + γH(q). Golden section on a concave function finds the
	// value to ~1e-15 but the maximiser only to ~sqrt(ε)·scale where the
	// function is flat, hence 1e-12 on values and 1e-6 on q.
	for _, reg := range regs {
		for _, gamma := range []float64{0.1, 1, 3} {
			for _, d := range []float64{-5, -2, -1.3, -1, -0.4, 0, 0.05, 0.7, 1, 1.99, 2.5, 6} {
				a := 0.3
				b := a + d*gamma
				v, q, _ := Max2(reg, gamma, a, b)
				wantV, wantQ := argmaxSimplex(reg, gamma, a, b)
				assert.InDelta(t, wantV, v, 1e-12, "%v γ=%v Δ/γ=%v value", reg, gamma, d)
				assert.InDelta(t, wantQ, q, 1e-6, "%v γ=%v Δ/γ=%v q", reg, gamma, d)
			}
		}
	}
}

func TestMax2Derivatives(t *testing.T) {
	// ∂value/∂b = q, ∂value/∂a = 1−q and dq/db by central differences with
	// h = 1e-6: truncation O(h²·f''') ≈ 1e-12/γ², rounding ≈ ε/h ≈ 1e-10,
	// so 1e-7 leaves room; Δ/γ stays ≥ 1e-2 away from the Gini (±1) and
	// Tsallis (±2) kinks, where dq/db jumps.
	const h, tol = 1e-6, 1e-7
	for _, reg := range regs {
		for _, gamma := range []float64{0.5, 1, 2} {
			for _, d := range []float64{-3, -1.5, -0.7, 0, 0.3, 0.98, 1.5, 2.5} {
				a := -0.2
				b := a + d*gamma
				_, q, dq := Max2(reg, gamma, a, b)
				vbp, qbp, _ := Max2(reg, gamma, a, b+h)
				vbm, qbm, _ := Max2(reg, gamma, a, b-h)
				vap, _, _ := Max2(reg, gamma, a+h, b)
				vam, _, _ := Max2(reg, gamma, a-h, b)
				assert.InDelta(t, (vbp-vbm)/(2*h), q, tol, "%v γ=%v Δ/γ=%v ∂v/∂b", reg, gamma, d)
				assert.InDelta(t, (vap-vam)/(2*h), 1-q, tol, "%v γ=%v Δ/γ=%v ∂v/∂a", reg, gamma, d)
				assert.InDelta(t, (qbp-qbm)/(2*h), dq, tol, "%v γ=%v Δ/γ=%v dq/db", reg, gamma, d)
			}
		}
	}
}

func TestMax2Infeasible(t *testing.T) {
	inf := math.Inf(-1)
	for _, reg := range regs {
		tests := []struct {
			a, b, value, q float64
		}{
			{inf, 3, 3, 1},
			{-2, inf, -2, 0},
			{inf, inf, inf, 0},
		}
		for _, tt := range tests {
			v, q, dq := Max2(reg, 0.7, tt.a, tt.b)
			assert.Equal(t, tt.value, v, "%v (%v, %v)", reg, tt.a, tt.b)
			assert.Equal(t, tt.q, q)
			assert.Equal(t, 0.0, dq)
		}
	}
}

func TestMax2OutsideDomain(t *testing.T) {
	for _, args := range [][3]float64{
		{0, 1, 2}, {-1, 1, 2}, {5e-324, 1, 2}, {math.NaN(), 1, 2}, {math.Inf(1), 1, 2},
		{1, math.NaN(), 2}, {1, 2, math.Inf(1)},
	} {
		v, q, dq := Max2(Gini, args[0], args[1], args[2])
		assert.True(t, math.IsNaN(v) && math.IsNaN(q) && math.IsNaN(dq), "Max2(γ=%v, %v, %v)", args[0], args[1], args[2])
	}
	v, _, _ := Max2(Reg(7), 1, 0, 0)
	assert.True(t, math.IsNaN(v))
}

func TestParseReg(t *testing.T) {
	for _, reg := range regs {
		got, err := ParseReg(reg.String())
		require.NoError(t, err)
		assert.Equal(t, reg, got)
	}
	got, err := ParseReg("Tsallis")
	require.NoError(t, err)
	assert.Equal(t, Tsallis, got)
	_, err = ParseReg("entropy")
	assert.EqualError(t, err, `smooth: unknown regulariser "entropy" (want shannon, gini or tsallis)`)
}
