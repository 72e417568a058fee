package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gaps returns operand pairs whose differences cover ties, the Gini and
// Tsallis kinks (|Δ| = γ, 2γ) and their neighbours, small and huge gaps.
func gaps(rng *rand.Rand, gamma float64) (a, b []float64) {
	for _, d := range []float64{0, gamma, -gamma, 2 * gamma, -2 * gamma,
		math.Nextafter(gamma, 0), math.Nextafter(2*gamma, 3*gamma), 1e-300, -1e-17, 800 * gamma, -1e6 * gamma} {
		x := rng.NormFloat64() * 10
		a, b = append(a, x), append(b, x+d)
	}
	for range 5000 {
		x := rng.NormFloat64() * 10
		a, b = append(a, x), append(b, x+rng.NormFloat64()*3*gamma)
	}
	return a, b
}

func TestFastRowsMatchKernels(t *testing.T) {
	// fastRow repeats the kernels' operations without the −∞ checks, so
	// the forward pass must equal Max2 cell by cell, bit for bit.
	rng := rand.New(rand.NewPCG(14, 14))
	for _, reg := range regs {
		for _, gamma := range []float64{1e-3, 0.7, 5} {
			a, b := gaps(rng, gamma)
			const theta = 0.375 // exact, so pick[c] + theta reproduces b below
			pick := make([]float64, len(b))
			for c := range b {
				pick[c] = b[c] - theta
				b[c] = pick[c] + theta
			}
			v, q := make([]float64, len(a)), make([]float64, len(a))
			fastRow(reg, v, q, a, pick, theta, gamma, 1/gamma)
			for c := range a {
				wantV, wantQ, _ := Max2(reg, gamma, a[c], b[c])
				if v[c] != wantV || q[c] != wantQ {
					t.Fatalf("%v γ=%v (%v, %v): fastRow %v, %v; Max2 %v, %v", reg, gamma, a[c], b[c], v[c], q[c], wantV, wantQ)
				}
			}
		}
	}
}

// forwardLogDomain runs the forward pass with the log-domain kernels even
// where the scaled form applies.
func forwardLogDomain(t *testing.T, p *Problem, gamma float64, theta []float64) *Tables {
	t.Helper()
	require.NoError(t, p.Validate())
	tab := new(Tables)
	tab.reset(p, Shannon, gamma, theta)
	tab.scaled = false
	tab.forward()
	return tab
}

func TestShannonScaledMatchesLogDomain(t *testing.T) {
	// Two evaluations of the same recursion. The log domain rounds Δ = b − a
	// to ulp(|v|) ≈ 4e-15 for |v| ≲ 30, which moves q by up to
	// ulp·q(1−q)/γ ≤ 1e-14/γ and v by about ulp(v); with γ ≥ 0.05 and
	// n ≤ 30 steps, 1e-11 bounds both with room (observed: 2e-14).
	rng := rand.New(rand.NewPCG(15, 15))
	for _, in := range randomInstances(rng, 20, 30, func() float64 { return 2 * rng.NormFloat64() }) {
		for _, gamma := range []float64{0.05, 0.5, 3} {
			scaled := mustForward(t, in.p, Shannon, gamma, in.theta)
			require.True(t, scaled.scaled)
			logd := forwardLogDomain(t, in.p, gamma, in.theta)
			assert.InDelta(t, logd.Value(), scaled.Value(), 1e-11, "%s γ=%v value", in.name, gamma)
			assert.InDeltaSlice(t, logd.q, scaled.q, 1e-11, "%s γ=%v q", in.name, gamma)
			assert.InDeltaSlice(t, logd.FinalState(), scaled.FinalState(), 1e-11, "%s γ=%v last row", in.name, gamma)
			assert.InDeltaSlice(t, logd.Marginals(), scaled.Marginals(), 1e-11, "%s γ=%v y", in.name, gamma)
		}
	}
}

func TestScaledExp(t *testing.T) {
	// m·2^e = e^x: against math.Exp to 2 ulps where e^x is a float64
	// (both are faithful), and in the log, γ·(log m + e·ln 2) = x to
	// 4·ulp(x) beyond (the split of x into k·ln 2 + r is exact to ulp(x)).
	rng := rand.New(rand.NewPCG(16, 16))
	for range 20_000 {
		x := rng.NormFloat64() * 200
		m, e := scaledExp(x)
		require.GreaterOrEqual(t, m, math.Sqrt2/2-1e-15)
		require.LessOrEqual(t, m, math.Sqrt2+1e-15)
		if got, want := math.Ldexp(m, int(e)), math.Exp(x); want > 1e-300 && !math.IsInf(want, 0) {
			require.LessOrEqual(t, ulpsApart(got, want), int64(2), "x = %v", x)
		}
	}
	for _, x := range []float64{1e3, -1e3, 1e7, -3.3e9, 1e15, -0x1p50} {
		m, e := scaledExp(x)
		assert.InDelta(t, x, math.Log(m)+float64(e)*math.Ln2, 4*ulp(x), "x = %v", x)
	}
}

func TestScaledFallback(t *testing.T) {
	// Σ|θ|/γ decides the form: 2^50 is the limit.
	assert.True(t, scalable([]float64{1, -1}, 2/0x1p50))
	assert.False(t, scalable([]float64{1, -1}, 1.9/0x1p50))
	p := NewKnapsack([]int{1, 2}, 2)
	assert.True(t, mustForward(t, p, Shannon, 1e-6, []float64{1, 2}).scaled)
	assert.False(t, mustForward(t, p, Shannon, 1e-300, []float64{1, 2}).scaled)
	assert.False(t, mustForward(t, p, Gini, 1, []float64{1, 2}).scaled)
}
