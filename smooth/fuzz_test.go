package smooth

import (
	"math"
	"math/rand/v2"
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

// FuzzForward builds a small problem from the fuzzer's integers and checks
// the invariants that hold for every valid input: the value lies within
// Proposition 2's bounds of the hard DP, y is finite with 0 ≤ y ≤ 1 and
// meets the kind's constraint, and every sample is feasible. Slack: 1e-9
// relative to the scores' size, for rounding over ≤ 12 steps.
func FuzzForward(f *testing.F) {
	f.Add(uint8(0), uint8(0), int64(1), int64(7), 0.5)
	f.Add(uint8(1), uint8(2), int64(-3), int64(99), 1e-9)
	f.Add(uint8(2), uint8(5), int64(12345), int64(-1), 40.0)
	f.Fuzz(func(t *testing.T, r, k uint8, seed, scale int64, gamma float64) {
		if !(gamma >= 1e-12 && gamma <= 1e12) {
			t.Skip()
		}
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(scale)))
		n := 1 + int(k)%12
		sc := math.Ldexp(1, int(scale%40)-10)
		theta := scores(n, func() float64 { return sc * rng.NormFloat64() })
		var p *Problem
		if k&0x80 == 0 {
			w := make([]int, n)
			for i := range w {
				w[i] = 1 + rng.IntN(6)
			}
			p = NewKnapsack(w, rng.IntN(4*n+1))
		} else {
			p = NewTopK(n, rng.IntN(n+1))
		}
		reg := Reg(r % 3)
		tab, err := p.Forward(reg, gamma, theta)
		if err != nil {
			t.Fatalf("valid input rejected: %v", err)
		}
		hard, _ := hardDP(p, theta)
		slack := 1e-9 * (1 + sum(absAll(theta)))
		if v := tab.Value(); !(v >= hard-slack && v <= hard+float64(n)*gamma*reg.Range()+slack) {
			t.Fatalf("%v γ=%v: value %v outside [%v, %v + nγR]", reg, gamma, v, hard, hard)
		}
		y := tab.Marginals()
		total, weight := 0.0, 0.0
		for i, yi := range y {
			if !(yi >= 0 && yi <= 1) {
				t.Fatalf("y[%d] = %v", i, yi)
			}
			total += yi
			weight += float64(p.Weights[i]) * yi
		}
		if p.Kind == TopK && math.Abs(total-float64(p.Capacity)) > 1e-9 {
			t.Fatalf("Σy = %v, k = %d", total, p.Capacity)
		}
		if p.Kind == Knapsack && weight > float64(p.Capacity)+1e-9 {
			t.Fatalf("Σwy = %v > C = %d", weight, p.Capacity)
		}
		for _, s := range tab.Sample(rng, 20) {
			w, c := 0, 0
			for i, picked := range s {
				if picked {
					w += p.Weights[i]
					c++
				}
			}
			if (p.Kind == TopK && c != p.Capacity) || w > p.Capacity {
				t.Fatalf("infeasible sample %v", s)
			}
		}
	})
}

func absAll(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Abs(v)
	}
	return out
}

// FuzzSparse3Run: the run kernels of sparsemax and entmax-1.5 over three
// options (gini3s, tsallis3s), given a run of the three rotations of one
// triple, equal the generic n-ary routine on each, for finite options
// within ±1e6 and γ within [1e-3, 1e3].
func FuzzSparse3Run(f *testing.F) {
	f.Add(uint8(1), 1.0, 0.0, 0.0, 0.0)
	f.Add(uint8(2), 1.0, 0.0, 1.0, 1.0)
	f.Add(uint8(1), 0.5, 3.0, -2.0, 2.9)
	f.Add(uint8(2), 1e-3, 1e6, -1e6, 0.0)
	f.Fuzz(func(t *testing.T, r uint8, gamma, a, b, c float64) {
		reg := Gini + Reg(r%2)
		for _, v := range []float64{a, b, c} {
			if !(math.Abs(v) <= 1e6) {
				return
			}
		}
		if !(gamma >= 1e-3 && gamma <= 1e3) {
			return
		}
		x0, x1, x2 := []float64{a, b, c}, []float64{b, c, a}, []float64{c, a, b}
		v, m, tau, p := make([]float64, 3), make([]float64, 3), make([]float64, 3), make([]float64, 9)
		if reg == Gini {
			gini3s(x0, x1, x2, v, m, tau, p, gamma, 1/gamma)
		} else {
			tsallis3s(x0, x1, x2, v, m, tau, p, gamma, 1/gamma)
		}
		var w naryWork
		for q := range 3 {
			want := make([]float64, 3)
			wv := w.maxGeneric(reg, gamma, 1/gamma, []float64{x0[q], x1[q], x2[q]}, want)
			if math.Abs(v[q]-wv) > 1e-12*max(1, math.Abs(wv)) {
				t.Fatalf("%v γ=%g x=%v,%v,%v: value %v, generic %v", reg, gamma, x0[q], x1[q], x2[q], v[q], wv)
			}
			for i := range 3 {
				if math.Abs(p[3*q+i]-want[i]) > 1e-12 {
					t.Fatalf("%v γ=%g x=%v,%v,%v: p[%d] = %v, generic %v", reg, gamma, x0[q], x1[q], x2[q], i, p[3*q+i], want[i])
				}
			}
		}
	})
}
