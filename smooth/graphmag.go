package smooth

import (
	"math"
)

// This file bounds the magnitude of every value of a Graph's run, so that
// Forward refuses a θ or γ that could overflow float64 instead of
// returning ±Inf or NaN (the graph's counterpart of validateScale).
//
// Every node's value is max_Ω (or min_Ω) of its options plus its bias,
// and max x ≤ max_Ω(x) ≤ max x + γ·RangeN(n) for each regulariser, so
// |v_k| ≤ |θ_bias| + max_o (|c_o| + Σ_t |coef_t|·|src_t|) + γ·RangeN(n_k),
// with |src| = |θ| for a parameter and |v| for a node. Unrolled, that is
// at most C + T·max|θ| + γ·B, where per node
//
//	C_k = max_o (|c_o| + Σ_t |coef_t|·C_src)      the option constants
//	T_k = [bias is θ] + max_o Σ_t |coef_t|·T_src  the uses of θ on a path
//	B_k = RangeN(n_k) + max_o Σ_t |coef_t|·B_src  Bound: depth × range per max
//
// and C, T, B are their maxima over the nodes. Forward refuses a run past
// maxMagnitude = 2^1000, like the knapsack kernels (docs/smooth.md).
// Infinite constants (inf data folded into an output) stay infinite
// exactly and are left out.

// magnitude holds C, T and B per regulariser.
type magnitude struct {
	c, t float64
	b    [3]float64
}

// magnitudes computes g.mag.
func (g *Graph) magnitudes() {
	n := len(g.sign)
	c, t := make([]float64, n), make([]float64, n)
	var b [3][]float64
	for i := range b {
		b[i] = make([]float64, n)
	}
	np1 := int32(g.np + 1)
	var m magnitude
	for k := range n {
		o0, o1 := g.optStart[k], g.optStart[k+1]
		var ck, tk float64
		var bk [3]float64
		for o := o0; o < o1; o++ {
			co, to := 0.0, 0.0
			var bo [3]float64
			if x := g.optConst[o]; !math.IsInf(x, 0) {
				co = math.Abs(x)
			}
			for q := g.termStart[o]; q < g.termStart[o+1]; q++ {
				a, src := math.Abs(g.termCoef[q]), g.termSrc[q]
				switch {
				case src >= np1:
					s := src - np1
					co += a * c[s]
					to += a * t[s]
					for i := range bo {
						bo[i] += a * b[i][s]
					}
				case src < int32(g.np):
					to += a
				}
			}
			ck, tk = max(ck, co), max(tk, to)
			for i := range bk {
				bk[i] = max(bk[i], bo[i])
			}
		}
		if g.bias[k] < int32(g.np) {
			tk++
		}
		c[k], t[k] = ck, tk
		m.c, m.t = max(m.c, ck), max(m.t, tk)
		for i := range bk {
			b[i][k] = bk[i] + Reg(i).RangeN(int(o1-o0))
			m.b[i] = max(m.b[i], b[i][k])
		}
	}
	g.mag = m
}

// magnitudeOf is the bound C + T·max|θ| + γ·B on every value of a run,
// given maxTheta = max|θ_i|.
func (g *Graph) magnitudeOf(reg Reg, gamma, maxTheta float64) float64 {
	return g.mag.c + g.mag.t*maxTheta + gamma*g.mag.b[reg]
}

// maxAbs is max |x_i| (0 for none).
func maxAbs(x []float64) float64 {
	a := 0.0
	for _, v := range x {
		a = max(a, math.Abs(v))
	}
	return a
}

// MaxGamma is the largest γ Forward accepts at θ = theta (nil: g.Theta)
// with reg: the bound C + T·max|θ| + γ·B on every value stays within
// 2^1000 (0 when θ alone passes it).
func (g *Graph) MaxGamma(reg Reg, theta []float64) float64 {
	if theta == nil {
		theta = g.Theta
	}
	rest := maxMagnitude - g.magnitudeOf(reg, 0, maxAbs(theta))
	if !(rest > 0) {
		return 0
	}
	if g.mag.b[reg] == 0 {
		return math.MaxFloat64
	}
	return rest / g.mag.b[reg]
}

// Magnitude gives the bound base + γ·perGamma = C + T·maxTheta + γ·B on
// every value of a run whose parameters are at most maxTheta in
// magnitude (Forward refuses a run whose bound passes 2^1000): what a
// caller whose θ arrive later, within declared ranges, checks γ
// against.
func (g *Graph) Magnitude(reg Reg, maxTheta float64) (base, perGamma float64) {
	return g.magnitudeOf(reg, 0, maxTheta), g.mag.b[reg]
}
