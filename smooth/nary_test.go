package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The general n-ary formulas (maxGeneric: sort-based sparsemax and
// entmax-1.5) on two options equal Max2, the paper's binary operator.
func TestMaxGenericOnTwoEqualsMax2(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 14))
	var w naryWork
	for range 2000 {
		a, b := 3*rng.NormFloat64(), 3*rng.NormFloat64()
		gamma := math.Exp(rng.NormFloat64())
		for _, reg := range regs {
			v, q, _ := Max2(reg, gamma, a, b)
			p := make([]float64, 2)
			got := w.maxGeneric(reg, gamma, 1/gamma, []float64{a, b}, p)
			require.InDelta(t, v, got, 1e-12*(1+math.Abs(v)), "%v a=%g b=%g γ=%g", reg, a, b, gamma)
			require.InDelta(t, q, p[1], 1e-12, "%v", reg)
			require.InDelta(t, 1-q, p[0], 1e-12, "%v", reg)
		}
	}
}

// entropyN is H(p) of each regulariser from its definition.
func entropyN(reg Reg, p []float64) float64 {
	h := 0.0
	for _, q := range p {
		switch reg {
		case Shannon:
			if q > 0 {
				h -= q * math.Log(q)
			}
		case Gini:
			h += 0.5 * (1.0/float64(len(p)) - q*q)
		case Tsallis:
			h += 4.0 / 3.0 * (1.0/float64(len(p)) - math.Pow(q, 1.5))
		}
	}
	return h
}

// MaxN's p is the maximiser: its objective p·x + γH(p) equals the value,
// and no random point of the simplex does better.
func TestMaxNIsTheMaximum(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 14))
	for range 300 {
		n := 1 + rng.IntN(20)
		x := make([]float64, n)
		for i := range x {
			x[i] = 2 * rng.NormFloat64()
		}
		gamma := math.Exp(rng.NormFloat64())
		for _, reg := range regs {
			v, p := MaxN(reg, gamma, x, nil)
			sum, obj := 0.0, 0.0
			for i, q := range p {
				require.GreaterOrEqual(t, q, 0.0)
				sum += q
				obj += q * x[i]
			}
			require.InDelta(t, 1, sum, 1e-12)
			obj += gamma * entropyN(reg, p)
			require.InDelta(t, obj, v, 1e-9*(1+math.Abs(v)), "%v n=%d", reg, n)
			hi := x[0]
			for _, xi := range x {
				hi = max(hi, xi)
			}
			require.GreaterOrEqual(t, v, hi-1e-12)
			require.LessOrEqual(t, v, hi+gamma*reg.RangeN(n)+1e-12)
			for range 20 {
				q := make([]float64, n)
				s := 0.0
				for i := range q {
					q[i] = rng.ExpFloat64()
					s += q[i]
				}
				o := 0.0
				for i := range q {
					q[i] /= s
					o += q[i] * x[i]
				}
				require.LessOrEqual(t, o+gamma*entropyN(reg, q), v+1e-12)
			}
		}
	}
}

// p is the gradient of the value, and MaxNJVP the derivative of p.
func TestMaxNGradientAndJVP(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 14))
	const h = 1e-6
	for range 300 {
		n := 2 + rng.IntN(10)
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		gamma := 0.3 + rng.Float64()
		for _, reg := range regs {
			_, p := MaxN(reg, gamma, x, nil)
			d := make([]float64, n)
			for i := range d {
				d[i] = rng.NormFloat64()
			}
			at := func(s float64) (float64, []float64) {
				y := make([]float64, n)
				for i := range y {
					y[i] = x[i] + s*d[i]
				}
				return MaxN(reg, gamma, y, nil)
			}
			vp, pp := at(h)
			vm, pm := at(-h)
			dot := 0.0
			for i := range p {
				dot += p[i] * d[i]
			}
			require.InDelta(t, (vp-vm)/(2*h), dot, 1e-6, "%v n=%d", reg, n)
			jv := MaxNJVP(reg, gamma, p, d, nil)
			for i := range jv {
				require.InDelta(t, (pp[i]-pm[i])/(2*h), jv[i], 1e-5, "%v n=%d i=%d", reg, n, i)
			}
		}
	}
}

func TestMaxNAbsentOptions(t *testing.T) {
	for _, reg := range regs {
		v, p := MaxN(reg, 1, []float64{math.Inf(-1), 2, math.Inf(-1)}, nil)
		require.Equal(t, 2.0, v)
		require.Equal(t, []float64{0, 1, 0}, p)
		v, p = MaxN(reg, 1, []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}, nil)
		require.Equal(t, math.Inf(-1), v)
		require.Equal(t, []float64{0, 0, 0}, p)
		v, _ = MaxN(reg, 1, []float64{1, math.NaN(), 2}, nil)
		require.True(t, math.IsNaN(v))
	}
}
