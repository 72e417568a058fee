package smooth

import (
	"math"
	"slices"
)

// This file is the n-ary smoothed max: max_Ω over all the options of a DP
// cell at once,
//
//	max_Ω(x) = max over p in the simplex of p·x + γ·H(p),
//
// with H(vertex) = 0: Shannon H = −Σ p log p (γ·logsumexp(x/γ), p =
// softmax), Gini H = ½(1 − Σ p²) (p = sparsemax(x/γ)), Tsallis α = 1.5
// H = (4/3)(1 − Σ p^{3/2}) (p = entmax-1.5, exact sort-based algorithm of
// Peters, Niculae and Martins 2019). For n = 2 these are Max2's
// regularisers (H(q, 1−q) is Max2's H(q)), and the two-option case calls
// Max2's kernels, so a binary cell is bit-identical to the knapsack
// kernels. An option equal to −∞ is absent: probability 0.
//
// The gradient is p, and its Jacobian is (1/γ)(diag(w) − w wᵀ/Σw) with
// w = p (Shannon), w = 1 on the support (Gini), w = √p (Tsallis); JVP
// applies it.

// RangeN is the largest value of H on the n-simplex (at the uniform p):
// log n (Shannon), ½(1 − 1/n) (Gini), (4/3)(1 − n^{−½}) (Tsallis). It
// bounds the smoothing of one max: max(x) ≤ max_Ω(x) ≤ max(x) + γ·RangeN.
// For n ≤ 1 it is 0, NaN for an unknown Reg.
func (r Reg) RangeN(n int) float64 {
	if !r.valid() {
		return math.NaN()
	}
	if n <= 1 {
		return 0
	}
	f := float64(n)
	switch r {
	case Shannon:
		return math.Log(f)
	case Gini:
		return 0.5 * (1 - 1/f)
	}
	return 4.0 / 3.0 * (1 - 1/math.Sqrt(f))
}

// MaxN returns max_Ω(x) at strength gamma and its gradient p (the
// probability of each option; written to p when it has len(x), else
// allocated). Entries of x equal to −∞ are absent (probability 0); when
// all are, the value is −∞ and p = 0. Like Max2 it returns NaN for
// arguments outside its domain (gamma, a NaN or +∞ entry, unknown Reg).
func MaxN(reg Reg, gamma float64, x, p []float64) (float64, []float64) {
	if len(p) != len(x) {
		p = make([]float64, len(x))
	}
	bad := !validGamma(gamma) || !reg.valid()
	for _, v := range x {
		bad = bad || math.IsNaN(v) || math.IsInf(v, 1)
	}
	if bad {
		for i := range p {
			p[i] = math.NaN()
		}
		return math.NaN(), p
	}
	var w naryWork
	return w.max(reg, gamma, 1/gamma, x, p), p
}

// MaxNJVP returns J·dx, the derivative of MaxN's p along dx, given the p
// MaxN returned (written to out when it has len(p), else allocated).
func MaxNJVP(reg Reg, gamma float64, p, dx, out []float64) []float64 {
	if len(out) != len(p) {
		out = make([]float64, len(p))
	}
	jvp(reg, 1/gamma, p, dx, out)
	return out
}

// naryWork is the scratch space of max: the finite options, sorted.
type naryWork struct {
	z []float64
}

// max is MaxN on validated arguments, writing p; inv = 1/gamma.
func (w *naryWork) max(reg Reg, gamma, inv float64, x, p []float64) float64 {
	n := len(x)
	switch n {
	case 0:
		return negInf
	case 1:
		if x[0] == negInf {
			p[0] = 0
			return negInf
		}
		p[0] = 1
		return x[0]
	case 2:
		var v, q float64
		switch reg {
		case Shannon:
			v, q, _ = shannon2(x[0], x[1], gamma, inv)
		case Gini:
			v, q, _ = gini2(x[0], x[1], gamma, inv)
		default:
			v, q, _ = tsallis2(x[0], x[1], gamma, inv)
		}
		p[0], p[1] = 1-q, q
		if v == negInf {
			p[0] = 0
		}
		return v
	}
	return w.maxGeneric(reg, gamma, inv, x, p)
}

// maxGeneric is max for any n ≥ 1 by the general formulas (the tests run
// it on n = 2 against Max2).
func (w *naryWork) maxGeneric(reg Reg, gamma, inv float64, x, p []float64) float64 {
	m := negInf
	for _, v := range x {
		m = max(m, v)
	}
	if m == negInf {
		clear(p)
		return negInf
	}
	switch reg {
	case Shannon:
		s := 0.0
		for i, v := range x {
			e := expNeg((m - v) * inv)
			p[i] = e
			s += e
		}
		r := 1 / s
		for i := range p {
			p[i] *= r
		}
		return m + gamma*math.Log(s)
	case Gini:
		tau := w.threshold(reg, x, m, inv)
		dot, sq := 0.0, 0.0
		for i, v := range x {
			q := max((v-m)*inv-tau, 0)
			p[i] = q
			if q > 0 {
				dot += q * (v - m)
				sq += q * q
			}
		}
		return m + dot + 0.5*gamma*(1-sq)
	}
	tau := w.threshold(reg, x, m, 0.5*inv)
	dot, cube := 0.0, 0.0
	for i, v := range x {
		s := max((v-m)*0.5*inv-tau, 0)
		q := s * s
		p[i] = q
		if q > 0 {
			dot += q * (v - m)
			cube += q * s
		}
	}
	return m + dot + 4.0/3.0*gamma*max(1-cube, 0)
}

// threshold returns τ of sparsemax (Gini) or entmax-1.5 (Tsallis) of
// z = (x − m)·scale: p_i = (z_i − τ)_+ or (z_i − τ)_+², Σ p = 1. It sorts
// the finite z in decreasing order and takes the support size k as the
// largest k whose threshold τ_k lies below z_(k).
func (w *naryWork) threshold(reg Reg, x []float64, m, scale float64) float64 {
	z := w.z[:0]
	for _, v := range x {
		if v != negInf {
			z = append(z, (v-m)*scale)
		}
	}
	w.z = z
	if len(z) <= 16 {
		for i := 1; i < len(z); i++ { // insertion sort, decreasing
			v, j := z[i], i
			for ; j > 0 && z[j-1] < v; j-- {
				z[j] = z[j-1]
			}
			z[j] = v
		}
	} else {
		slices.Sort(z)
		slices.Reverse(z)
	}
	tau := 0.0
	s1, s2 := 0.0, 0.0
	for k, v := range z {
		s1 += v
		kf := float64(k + 1)
		var t float64
		if reg == Gini {
			t = (s1 - 1) / kf
		} else {
			s2 += v * v
			mean := s1 / kf
			d := (1 - (s2 - kf*mean*mean)) / kf
			t = mean - math.Sqrt(max(d, 0))
		}
		if k > 0 && t >= v {
			break
		}
		tau = t
	}
	return tau
}

// jvp writes out = J·dx for the gradient p of max_Ω; inv = 1/γ.
func jvp(reg Reg, inv float64, p, dx, out []float64) {
	sw, swd := 0.0, 0.0
	for i, q := range p {
		wi := weight(reg, q)
		sw += wi
		swd += wi * dx[i]
	}
	if sw == 0 {
		clear(out)
		return
	}
	c := swd / sw
	for i, q := range p {
		out[i] = inv * weight(reg, q) * (dx[i] - c)
	}
}

// weight is w_i of the Jacobian for an option of probability q.
func weight(reg Reg, q float64) float64 {
	switch {
	case q <= 0:
		return 0
	case reg == Shannon:
		return q
	case reg == Gini:
		return 1
	}
	return math.Sqrt(q)
}
