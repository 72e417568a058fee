package smooth

import "math"

// Shannon over a Graph in scaled exponential form (as scaled.go for the
// knapsack kernels). Each value slot s (θ, the zero slot, the nodes)
// holds W_s = e^{v_s/γ} as a mantissa and an int64 binary exponent. An
// option's e^{sg·x_o/γ} is then e^{sg·c_o/γ} times a product of W_src^{±1},
// node k's e^{max_Ω/γ} is the sum S of its options' (aligned to the
// largest exponent), p_o = term_o/S, and W_k = S^{sg}·W_bias: a few
// multiplications, one division and integer work per option instead of an
// exp per option and a log per node. The logs are taken for the outputs
// alone. A term below 2^−1022 times the largest of its node is dropped
// (p reads 0 below ≈ 1e−308), as in the knapsack kernels.
//
// It applies to graphs whose terms all have coefficient ±1 (every example
// program with data) and some node of more than two options; binary
// programs (knapsack_value, top-k: every node a Max2, bit for bit the
// knapsack kernels) keep the log domain.
// A θ or constant with |x/γ| > 2^50, or a node exponent past 2^55, sends
// the pass back to the log domain.

const scaledExpLimit = 0x1p55

// scaledEligible says whether g's Shannon pass may run scaled.
func (g *Graph) scaledEligible() bool {
	if g.maxOpts <= 2 {
		return false // binary programs keep Max2's kernels, bit for bit the knapsack kernels
	}
	for _, c := range g.termCoef {
		if c != 1 && c != -1 {
			return false
		}
	}
	for o := range g.optConst {
		if g.termStart[o+1]-g.termStart[o] > 64 {
			return false
		}
	}
	return true
}

// scaledConsts caches e^{sg·c_o/γ} per option for one γ.
type scaledConsts struct {
	g     *Graph
	gamma float64
	m     []float64
	e     []int64
	ok    bool
}

// forwardScaled runs the Shannon forward pass in scaled form; it reports
// false (and leaves the run to the log domain) when a magnitude is past
// its limits.
func (r *GraphRun) forwardScaled() bool {
	g := r.g
	inv := 1 / r.gamma
	c := &r.sconst
	if c.g != g || c.gamma != r.gamma {
		c.g, c.gamma, c.ok = g, r.gamma, true
		c.m = grow(c.m, len(g.optConst))
		c.e = grow(c.e, len(g.optConst))
		for k, sg := range g.sign {
			for o := g.optStart[k]; o < g.optStart[k+1]; o++ {
				x := sg * g.optConst[o] * inv
				switch {
				case math.IsInf(x, 0):
					c.m[o], c.e[o] = 0, 0 // an infinite constant output: handled apart
				case math.Abs(x) > 0x1p50:
					c.ok = false
				default:
					c.m[o], c.e[o] = scaledExp(x)
				}
			}
		}
	}
	if !c.ok {
		return false
	}
	np1 := g.np + 1
	nv := np1 + g.Nodes()
	r.sm = grow(r.sm, nv)
	r.se = grow(r.se, nv)
	sm, se := r.sm, r.se
	if !scaleParams(sm, se, r.vals[:g.np], inv, false) {
		return false
	}
	prob := r.prob
	om, oe := r.xbuf[:g.maxOpts], r.ebuf(g.maxOpts)
	optStart, termStart, termSrc, termCoef, bias := g.optStart, g.termStart, g.termSrc, g.termCoef, g.bias
	for k, sg := range g.sign {
		o0, o1 := optStart[k], optStart[k+1]
		if o1-o0 == 1 && c.m[o0] == 0 { // an infinite constant: an output no node reads
			r.vals[np1+k] = g.optConst[o0]
			prob[o0] = 1
			continue
		}
		emax := int64(math.MinInt64)
		for i, o := 0, o0; o < o1; i, o = i+1, o+1 {
			m, e := c.m[o], c.e[o]
			for t := termStart[o]; t < termStart[o+1]; t++ {
				s := termSrc[t]
				if termCoef[t]*sg > 0 {
					m *= sm[s]
					e += se[s]
				} else {
					m /= sm[s]
					e -= se[s]
				}
			}
			om[i], oe[i] = m, e
			emax = max(emax, e)
		}
		n := int(o1 - o0)
		sum := 0.0
		for i := range n {
			d := min(emax-oe[i], 1023)
			om[i] *= math.Float64frombits(uint64(1023-d) << 52) // 2^−d, 0 past 2^−1022
			sum += om[i]
		}
		rs := 1 / sum
		for i := range n {
			prob[int(o0)+i] = om[i] * rs
		}
		b := bias[k]
		var m float64
		var e int64
		if sg > 0 {
			m, e = sum*sm[b], emax+se[b]
		} else {
			m, e = sm[b]*rs, se[b]-emax
		}
		m, e = normalize(m, e)
		if e > scaledExpLimit || e < -scaledExpLimit {
			return false
		}
		sm[np1+k], se[np1+k] = m, e
	}
	for _, k := range g.outNode {
		s := np1 + int(k)
		if o := optStart[k]; optStart[k+1]-o == 1 && c.m[o] == 0 {
			continue
		}
		r.vals[s] = scaledValue(sm[s], se[s], r.gamma)
	}
	r.scaled = true
	return true
}

func (r *GraphRun) ebuf(n int) []int64 {
	r.eb = grow(r.eb, n)
	return r.eb
}

// scaleParams writes e^(x) in scaled form to sm, se for x = v·inv (−v·inv
// when neg) of every parameter value v, and 1 after them (the constant
// slot); false when some |x| > 2^50, where the scaled form is not used.
func scaleParams(sm []float64, se []int64, vals []float64, inv float64, neg bool) bool {
	for i, v := range vals {
		x := v * inv
		if neg {
			x = -x
		}
		switch {
		case x == 0:
			sm[i], se[i] = 1, 0
		case math.Abs(x) > 0x1p50:
			return false
		default:
			sm[i], se[i] = scaledExp(x)
		}
	}
	sm[len(vals)], se[len(vals)] = 1, 0
	return true
}
