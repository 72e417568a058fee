package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// points returns x ≥ 0 spread over every binade from 2^−60 to 2^10, plus
// the edges of the special cases.
func points() []float64 {
	rng := rand.New(rand.NewPCG(13, 13))
	xs := []float64{0, 1, 0.5, math.Sqrt2 - 1, math.Nextafter(math.Sqrt2-1, 0), math.Nextafter(math.Sqrt2-1, 2),
		1.0 / (1 << 29), 1.0 / (1 << 54), 1.0 / (1 << 28), 745.1332191019411, 745.14, 708.39, 709, 1e9, math.Inf(1)}
	for e := -60; e < 10; e++ {
		for range 20000 {
			xs = append(xs, math.Ldexp(1+rng.Float64(), e))
		}
	}
	return xs
}

func ulpsApart(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	return max(d, -d)
}

// portableExp is Go's src/math/exp.go (exp and expmulti, BSD-style
// license), the algorithm math.Exp runs where it has no assembly.
func portableExp(x float64) float64 {
	const (
		Ln2Hi     = 6.93147180369123816490e-01
		Ln2Lo     = 1.90821492927058770002e-10
		Log2e     = 1.44269504088896338700e+00
		Overflow  = 7.09782712893383973096e+02
		Underflow = -7.45133219101941108420e+02
		NearZero  = 1.0 / (1 << 28)
		P1        = 1.66666666666666657415e-01
		P2        = -2.77777777770155933842e-03
		P3        = 6.61375632143793436117e-05
		P4        = -1.65339022054652515390e-06
		P5        = 4.13813679705723846039e-08
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > Overflow:
		return math.Inf(1)
	case x < Underflow:
		return 0
	case -NearZero < x && x < NearZero:
		return 1 + x
	}
	var k int
	switch {
	case x < 0:
		k = int(Log2e*x - 0.5)
	case x > 0:
		k = int(Log2e*x + 0.5)
	}
	hi := x - float64(k)*Ln2Hi
	lo := float64(k) * Ln2Lo
	r := hi - lo
	t := r * r
	c := r - t*(P1+t*(P2+t*(P3+t*(P4+t*P5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

func TestExpNeg(t *testing.T) {
	// Bit for bit against the portable algorithm; within 2 ulps of
	// math.Exp, whose amd64 assembly rounds differently (up to 1.5 ulps
	// from the true value; the portable one stays under 1).
	xs := points()
	differ, far := 0, 0
	for _, x := range xs {
		got := expNeg(x)
		if got != portableExp(-x) {
			differ++
			t.Logf("x = %v: expNeg %v, portable %v", x, got, portableExp(-x))
		}
		if ulpsApart(got, math.Exp(-x)) > 2 {
			far++
			t.Logf("x = %v: expNeg %v, math.Exp %v", x, got, math.Exp(-x))
		}
	}
	assert.Zero(t, differ, "points where expNeg differs from the portable exp")
	assert.Zero(t, far, "points more than 2 ulps from math.Exp")
	assert.Greater(t, len(xs), 1_000_000)
}

func TestLog1pUnit(t *testing.T) {
	// The same operations as math.Log1p (portable Go on amd64): bit for bit.
	differ, n := 0, 0
	for _, x := range points() {
		if x > 1 {
			continue
		}
		if got := log1pUnit(x); got != math.Log1p(x) {
			differ++
			t.Logf("x = %v: log1pUnit %v, math.Log1p %v", x, got, math.Log1p(x))
		}
		n++
	}
	assert.Zero(t, differ)
	assert.Greater(t, n, 1_000_000)
}
