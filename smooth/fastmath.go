package smooth

import "math"

// Derived from Go's src/math/exp.go and src/math/log1p.go (Copyright The
// Go Authors, BSD-style license), themselves from FreeBSD's msun.
//
// The Shannon kernel needs e^{−x} for x ≥ 0 and log1p(t) for t ∈ [0, 1]
// once per DP cell, and those two calls were 85% of its forward pass. The
// functions below are the algorithms of package math (fdlibm's exp and
// log1p, with the same constants and the same sequence of operations)
// restricted to those ranges, which removes most special cases and the
// call overhead. They are exact in the sense that matters here: expNeg
// equals Go's portable exp bit for bit (which is within 1 ulp of e^{−x};
// the amd64 assembly behind math.Exp is within 2 ulps of it), and
// log1pUnit equals math.Log1p bit for bit. fastmath_test.go checks both
// on every binade.

// expNeg returns e^{−x} for x ≥ 0 (+∞ included).
func expNeg(x float64) float64 {
	const (
		ln2Hi     = 6.93147180369123816490e-01
		ln2Lo     = 1.90821492927058770002e-10
		log2e     = 1.44269504088896338700e+00
		underflow = 7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
		p1        = 1.66666666666666657415e-01
		p2        = -2.77777777770155933842e-03
		p3        = 6.61375632143793436117e-05
		p4        = -1.65339022054652515390e-06
		p5        = 4.13813679705723846039e-08
	)
	if x > underflow {
		return 0
	}
	if x < nearZero {
		return 1 - x
	}
	// exp(−x) with −x < 0: k = int(log2e·(−x) − 0.5), rounded toward zero.
	k := int(-log2e*x - 0.5)
	hi := -x - float64(k)*ln2Hi
	lo := float64(k) * ln2Lo
	r := hi - lo
	t := r * r
	c := r - t*(p1+t*(p2+t*(p3+t*(p4+t*p5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	if k < -1021 { // subnormal result: let Ldexp round it
		return math.Ldexp(y, k)
	}
	return y * math.Float64frombits(uint64(1023+k)<<52)
}

// log1pUnit returns log(1 + x) for x ∈ [0, 1].
func log1pUnit(x float64) float64 {
	const (
		sqrt2M1  = 4.142135623730950488017e-01
		small    = 1.0 / (1 << 29)
		tiny     = 1.0 / (1 << 54)
		ln2Hi    = 6.93147180369123816490e-01
		ln2Lo    = 1.90821492927058770002e-10
		lp1      = 6.666666666666735130e-01
		lp2      = 3.999999999940941908e-01
		lp3      = 2.857142874366239149e-01
		lp4      = 2.222219843214978396e-01
		lp5      = 1.818357216161805012e-01
		lp6      = 1.531383769920937332e-01
		lp7      = 1.479819860511658591e-01
		mantissa = 0x000fffffffffffff
		sqrt2    = 0x0006a09e667f3bcd // mantissa of √2
	)
	if x < small {
		if x < tiny {
			return x
		}
		return x - x*x*0.5
	}
	if x == 1 {
		return ln2Hi + ln2Lo
	}
	// 1+x = 2^k·(1+f) with √2/2 < 1+f < √2, k ∈ {0, 1}; c corrects the
	// rounding of 1+x when k = 1. The choice of k depends on the data and
	// mispredicts as a branch, so both candidates are computed and one is
	// kept by a mask. With k = 0 and c = 0 the final expression rounds
	// exactly like math.Log1p's f − (hfsq − s·(hfsq+R)).
	u := 1 + x
	iu := math.Float64bits(u) & mantissa
	if x >= sqrt2M1 && iu < sqrt2 {
		// 1+x rounded just below √2: math.Log1p takes k = 0, f = u − 1.
		return log1pSmall(u - 1)
	}
	big := uint64(int64(math.Float64bits(x-sqrt2M1))>>63) ^ ^uint64(0) // all ones iff x ≥ √2−1
	f := math.Float64frombits(math.Float64bits(math.Float64frombits(iu|0x3fe0000000000000)-1)&big | math.Float64bits(x)&^big)
	c := math.Float64frombits(math.Float64bits((x-(u-1))/u) & big)
	k := math.Float64frombits(math.Float64bits(1.0) & big)
	hfsq := 0.5 * f * f
	s := f / (2 + f)
	z := s * s
	R := z * (lp1 + z*(lp2+z*(lp3+z*(lp4+z*(lp5+z*(lp6+z*lp7))))))
	return k*ln2Hi - ((hfsq - (s*(hfsq+R) + (k*ln2Lo + c))) - f)
}

// log1pSmall is math.Log1p's k = 0 path: log(1 + f) for |f| < √2 − 1.
func log1pSmall(f float64) float64 {
	const (
		lp1 = 6.666666666666735130e-01
		lp2 = 3.999999999940941908e-01
		lp3 = 2.857142874366239149e-01
		lp4 = 2.222219843214978396e-01
		lp5 = 1.818357216161805012e-01
		lp6 = 1.531383769920937332e-01
		lp7 = 1.479819860511658591e-01
	)
	hfsq := 0.5 * f * f
	s := f / (2 + f)
	z := s * s
	R := z * (lp1 + z*(lp2+z*(lp3+z*(lp4+z*(lp5+z*(lp6+z*lp7))))))
	return f - (hfsq - s*(hfsq+R))
}
