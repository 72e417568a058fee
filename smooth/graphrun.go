package smooth

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// This file evaluates a Graph: the smoothed value (a forward sweep in
// dependency order), the marginals (a reverse sweep), the VJP of the
// marginals (forward-over-reverse: the tangent of both sweeps) and
// sampling from the smoothed policy.

// GraphRun is one evaluation of a Graph at a regulariser, strength and θ.
// Reuse it with ForwardInto; it is not safe for concurrent use.
type GraphRun struct {
	g     *Graph
	reg   Reg
	gamma float64
	vals  []float64 // θ, the zero slot, then the node values
	prob  []float64 // per option: its probability (the gradient of its node)
	adj   []float64
	dvals []float64
	dprob []float64
	dadj  []float64
	xbuf  []float64
	work  naryWork
	// Shannon in scaled form (graphscaled.go): e^{v/γ} of every value
	// slot; after a scaled pass vals holds θ and the outputs only.
	sm     []float64
	se     []int64
	eb     []int64
	sconst scaledConsts
	cm     []float64 // the compact layout's scaled constants (graphcompact.go)
	ce     []int64
	tm     [][3]float64 // the same per tuple of constants (graphruns.go)
	te     [][3]int64
	rbuf   []float64 // a run's options (graphruns.go)
	scaled bool
	// compact: the forward sweep ran over the compact layout; perm: vals
	// and prob are in its order (graphcompact.go, levelOrder).
	compact, perm bool
}

// Forward evaluates g at θ = theta (len g.Theta; nil means g.Theta).
func (g *Graph) Forward(reg Reg, gamma float64, theta []float64) (*GraphRun, error) {
	r := new(GraphRun)
	return r, g.ForwardInto(r, reg, gamma, theta)
}

// ForwardInto is Forward reusing r's memory.
func (g *Graph) ForwardInto(r *GraphRun, reg Reg, gamma float64, theta []float64) error {
	if theta == nil {
		theta = g.Theta
	}
	var errs ErrorList
	if !reg.valid() {
		addArg(&errs, "reg", "unknown regulariser %v", reg)
	}
	if !validGamma(gamma) {
		addArg(&errs, "gamma", "γ = %v: want a finite number ≥ %g", gamma, MinGamma)
	}
	maxTheta := 0.0 // max |θ_i|, found in the pass that checks θ (one pass: LCS 1000 × 1000 has 10^6)
	if len(theta) != g.np {
		addArg(&errs, "theta", "%d values, want %d", len(theta), g.np)
	} else {
		for i, v := range theta {
			a := math.Abs(v)
			if !(a <= math.MaxFloat64) { // NaN or ±Inf
				addArg(&errs, fmt.Sprintf("theta[%d]", i), "%v is not a finite number", v)
				break
			}
			if a > maxTheta {
				maxTheta = a
			}
		}
	}
	if len(errs) == 0 {
		if v := g.magnitudeOf(reg, gamma, maxTheta); !(v <= maxMagnitude) {
			addArg(&errs, "gamma", "γ = %g is too large for this graph: its values are bounded by C + T·max|θ| + γ·B = %.3g (option constants C = %.3g, uses of θ on a path T = %.3g, max|θ| = %.3g, depth × range per max B = %.3g for %v), more than 2^1000, so they could overflow float64; the largest γ accepted here is %.3g",
				gamma, v, g.mag.c, g.mag.t, maxTheta, g.mag.b[reg], reg, g.MaxGamma(reg, theta))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	r.g, r.reg, r.gamma = g, reg, gamma
	r.vals = grow(r.vals, g.np+1+g.Nodes())
	r.prob = grow(r.prob, g.Options())
	r.xbuf = grow(r.xbuf, max(g.maxOpts, 3))
	copy(r.vals, theta)
	r.vals[g.np] = 0
	r.scaled, r.compact, r.perm = false, false, false
	switch {
	case g.compact != nil:
		r.compact, r.perm = true, g.cperm != nil
		if !(reg == Shannon && g.scaledOK && r.forwardScaledCompact()) {
			r.forwardCompact()
		}
	case reg == Shannon && g.scaledOK && r.forwardScaled():
	default:
		r.forward(false)
	}
	return nil
}

// forward is the sweep; hard takes the plain max (prob: the first argmax).
func (r *GraphRun) forward(hard bool) {
	g := r.g
	r.compact, r.perm = false, false
	vals, prob := r.vals, r.prob
	np1 := g.np + 1
	inv := 1 / r.gamma
	reg, gamma := r.reg, r.gamma
	optStart, optConst, termStart, termSrc, termCoef, bias := g.optStart, g.optConst, g.termStart, g.termSrc, g.termCoef, g.bias
	for k, sg := range g.sign {
		o0, o1 := optStart[k], optStart[k+1]
		n := int(o1 - o0)
		x := r.xbuf[:n]
		for i := range x {
			o := o0 + int32(i)
			v := optConst[o]
			for t := termStart[o]; t < termStart[o+1]; t++ {
				v += termCoef[t] * vals[termSrc[t]]
			}
			x[i] = sg * v
		}
		var v float64
		p := prob[o0:o1]
		switch {
		case n == 1:
			v, p[0] = x[0], 1
		case hard:
			best := 0
			for i := range x {
				p[i] = 0
				if x[i] > x[best] {
					best = i
				}
			}
			v, p[best] = x[best], 1
		case n == 3 && reg == Shannon:
			v = shannon3(x[0], x[1], x[2], gamma, inv, p[:3])
		case n == 3:
			v = sparse3(reg, x[0], x[1], x[2], gamma, inv, p[:3])
		default:
			v = r.work.max(reg, gamma, inv, x, p)
		}
		vals[np1+k] = sg*v + vals[bias[k]]
	}
}

// shannon3 is max_Ω of three finite options for Shannon, writing p: the
// largest option's exponential is 1, the two others are e^{−gap/γ}.
func shannon3(a, b, c, gamma, inv float64, p []float64) float64 {
	m := max(a, b, c)
	ea, eb, ec := expNeg((m-a)*inv), expNeg((m-b)*inv), expNeg((m-c)*inv)
	s := ea + eb + ec
	r := 1 / s
	p[0], p[1], p[2] = ea*r, eb*r, ec*r
	return m + gamma*math.Log(s)
}

// sparse3 is max_Ω of three finite options for Gini (sparsemax) or
// Tsallis (entmax-1.5), writing p.
func sparse3(reg Reg, a, b, c, gamma, inv float64, p []float64) float64 {
	if reg == Gini {
		return gini3(a, b, c, gamma, inv, p)
	}
	return tsallis3(a, b, c, gamma, inv, p)
}

// max3 is max_Ω of three finite options for any regulariser, writing p.
func max3(reg Reg, a, b, c, gamma, inv float64, p []float64) float64 {
	if reg == Shannon {
		return shannon3(a, b, c, gamma, inv, p)
	}
	return sparse3(reg, a, b, c, gamma, inv, p)
}

// below is all ones when x < y, else 0 (finite x, y): the sign of x − y,
// which is never −0.
func below(x, y float64) uint64 { return uint64(int64(math.Float64bits(x-y)) >> 63) }

// relu is max(x, 0) for a number x by its sign bit (−0 gives +0, as max).
func relu(x float64) float64 {
	b := math.Float64bits(x)
	return math.Float64frombits(b &^ uint64(int64(b)>>63))
}

// gini3 is sparsemax over three options (gini3s of one).
func gini3(a, b, c, gamma, inv float64, p []float64) float64 {
	x := [6]float64{a, b, c}
	gini3s(x[0:1], x[1:2], x[2:3], x[3:4], x[4:5], x[5:6], p[:3], gamma, inv)
	return x[3]
}

// tsallis3 is entmax-1.5 over three options (tsallis3s of one).
func tsallis3(a, b, c, gamma, inv float64, p []float64) float64 {
	x := [6]float64{a, b, c}
	tsallis3s(x[0:1], x[1:2], x[2:3], x[3:4], x[4:5], x[5:6], p[:3], gamma, inv)
	return x[3]
}

// Values returns the outputs' values.
func (r *GraphRun) Values() []float64 {
	out := make([]float64, len(r.g.outNode))
	for i, k := range r.g.outNode {
		out[i] = r.vals[r.slot(k)]
	}
	return out
}

// Value is the first output's value (the answer of "answer EXPR").
func (r *GraphRun) Value() float64 { return r.vals[r.slot(r.g.outNode[0])] }

// NodeValue is the value of every node: for tests.
func (r *GraphRun) nodeValue(k int) float64 { return r.vals[r.slot(int32(k))] }

// Marginals returns ∂(seed·outputs)/∂θ: the gradient of the outputs
// weighted by seed (nil: 1 for every finite output). For "answer EXPR"
// it is ∂value/∂θ; its CellParam blocks are the expected use of every
// cell (the soft alignment of LCS and edit distance), its data blocks
// the expected use of every datum (the expected arc usage of a shortest
// path).
func (r *GraphRun) Marginals(seed []float64) ([]float64, error) {
	return r.MarginalsInto(nil, seed)
}

// MarginalsInto is Marginals writing to dst when it has len(Theta)
// entries (else allocating).
func (r *GraphRun) MarginalsInto(dst, seed []float64) ([]float64, error) {
	if err := r.seedAdjoint(seed); err != nil {
		return nil, err
	}
	if len(dst) != r.g.np {
		dst = make([]float64, r.g.np)
	}
	if r.compact && r.g.compact != nil {
		r.reverseCompact(dst)
		return dst, nil
	}
	r.unpermute()
	r.reverse(false)
	copy(dst, r.adj[:r.g.np])
	return dst, nil
}

// seedAdjoint zeroes the adjoints and seeds the outputs.
func (r *GraphRun) seedAdjoint(seed []float64) error {
	g := r.g
	if seed != nil && len(seed) != len(g.outNode) {
		return fmt.Errorf("smooth: seed has %d values for %d outputs", len(seed), len(g.outNode))
	}
	r.adj = grow(r.adj, len(r.vals))
	clear(r.adj)
	for i, k := range g.outNode {
		w := 1.0
		if seed != nil {
			w = seed[i]
		}
		if math.IsInf(r.vals[r.slot(k)], 0) {
			w = 0
		}
		r.adj[r.slot(k)] += w
	}
	return nil
}

// reverse is the reverse sweep; tangent also carries dadj along dprob.
func (r *GraphRun) reverse(tangent bool) {
	g := r.g
	adj, prob := r.adj, r.prob
	np1 := g.np + 1
	optStart, termStart, termSrc, termCoef := g.optStart, g.termStart, g.termSrc, g.termCoef
	for k := len(g.sign) - 1; k >= 0; k-- {
		a := adj[np1+k]
		var da float64
		if tangent {
			da = r.dadj[np1+k]
			if a == 0 && da == 0 {
				continue
			}
			r.dadj[g.bias[k]] += da
		} else if a == 0 {
			continue
		}
		adj[g.bias[k]] += a
		for o := optStart[k]; o < optStart[k+1]; o++ {
			w := a * prob[o]
			if tangent {
				dw := da*prob[o] + a*r.dprob[o]
				for t := termStart[o]; t < termStart[o+1]; t++ {
					adj[termSrc[t]] += w * termCoef[t]
					r.dadj[termSrc[t]] += dw * termCoef[t]
				}
				continue
			}
			if w == 0 {
				continue
			}
			for t := termStart[o]; t < termStart[o+1]; t++ {
				adj[termSrc[t]] += w * termCoef[t]
			}
		}
	}
}

// VJP returns zᵀ·∂y/∂θ for the marginals y = Marginals(seed): the Hessian
// of seed·outputs times z (it is symmetric), by forward-over-reverse
// differentiation. z has len(Theta) entries.
func (r *GraphRun) VJP(seed, z []float64) ([]float64, error) {
	g := r.g
	if len(z) != g.np {
		return nil, fmt.Errorf("smooth: z has %d values, want %d", len(z), g.np)
	}
	r.unpermute()
	r.dvals = grow(r.dvals, len(r.vals))
	r.dprob = grow(r.dprob, len(r.prob))
	copy(r.dvals, z)
	r.dvals[g.np] = 0
	np1 := g.np + 1
	inv := 1 / r.gamma
	dx := make([]float64, g.maxOpts)
	for k, sg := range g.sign {
		o0, o1 := g.optStart[k], g.optStart[k+1]
		n := int(o1 - o0)
		d := dx[:n]
		dv := 0.0
		for i := range d {
			o := o0 + int32(i)
			s := 0.0
			for t := g.termStart[o]; t < g.termStart[o+1]; t++ {
				s += g.termCoef[t] * r.dvals[g.termSrc[t]]
			}
			dv += r.prob[o] * s
			d[i] = sg * s
		}
		if n == 1 {
			r.dprob[o0] = 0
		} else {
			jvp(r.reg, inv, r.prob[o0:o1], d, r.dprob[o0:o1])
		}
		r.dvals[np1+k] = dv + r.dvals[g.bias[k]]
	}
	if err := r.seedAdjoint(seed); err != nil {
		return nil, err
	}
	r.dadj = grow(r.dadj, len(r.vals))
	clear(r.dadj)
	r.reverse(true)
	return append([]float64(nil), r.dadj[:g.np]...), nil
}

// Sample draws one derivation of output out from the smoothed policy
// (Alg. 3 generalised): starting at the output's node, each node picks
// one option with its probability and every node the option reads is
// expanded in turn. It returns the derivation's use of every parameter:
// ∂score/∂θ of the sampled derivation (for a path, how often it uses
// each arc and visits each cell). Its expectation is the marginals of
// the output, for every regulariser.
func (r *GraphRun) Sample(rng *rand.Rand, out int) []float64 {
	g := r.g
	r.unpermute()
	use := make([]float64, g.np+1)
	np1 := int32(g.np + 1)
	type item struct {
		node int32
		w    float64
	}
	stack := []item{{g.outNode[out], 1}}
	if math.IsInf(r.vals[np1+g.outNode[out]], 0) {
		return use[:g.np]
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := it.node
		use[g.bias[k]] += it.w
		o0, o1 := g.optStart[k], g.optStart[k+1]
		o := o1 - 1
		u := rng.Float64()
		for i := o0; i < o1; i++ {
			if u -= r.prob[i]; u < 0 {
				o = i
				break
			}
		}
		for o > o0 && r.prob[o] == 0 { // rounding left u ≥ 0 past the last option with mass
			o--
		}
		for t := g.termStart[o]; t < g.termStart[o+1]; t++ {
			src, w := g.termSrc[t], it.w*g.termCoef[t]
			if src < np1 {
				use[src] += w
			} else {
				stack = append(stack, item{src - np1, w})
			}
		}
	}
	return use[:g.np]
}

// Hard evaluates g with the exact max and min at θ = theta (nil:
// g.Theta): the program's own values, the limit of Forward as γ → 0.
func (g *Graph) Hard(theta []float64) ([]float64, error) {
	r := new(GraphRun)
	if err := g.ForwardInto(r, Shannon, 1, theta); err != nil {
		return nil, err
	}
	r.forward(true)
	return r.Values(), nil
}

// Bound returns, per output, B such that |Forward value − Hard value| ≤
// γ·B for every γ: each max over n options adds at most γ·RangeN(n), and
// an option adds the errors of the nodes it reads times |coefficient|.
// For a path-like program (every option reads one node) B is at most the
// depth times the largest RangeN.
func (g *Graph) Bound(reg Reg) []float64 {
	b := make([]float64, len(g.sign))
	np1 := int32(g.np + 1)
	for k := range g.sign {
		o0, o1 := g.optStart[k], g.optStart[k+1]
		worst := 0.0
		for o := o0; o < o1; o++ {
			s := 0.0
			for t := g.termStart[o]; t < g.termStart[o+1]; t++ {
				if src := g.termSrc[t]; src >= np1 {
					s += math.Abs(g.termCoef[t]) * b[src-np1]
				}
			}
			worst = max(worst, s)
		}
		b[k] = worst + reg.RangeN(int(o1-o0))
	}
	out := make([]float64, len(g.outNode))
	for i, k := range g.outNode {
		out[i] = b[k]
	}
	return out
}

// checkClamps refuses an instance on which a dropped clamp binds.
func (b *builder) checkClamps() error {
	g := b.g
	if len(g.checks) == 0 {
		return nil
	}
	r := new(GraphRun)
	if err := g.ForwardInto(r, Shannon, 1, nil); err != nil {
		return err
	}
	r.forward(true)
	for _, ch := range g.checks {
		v := ch.c
		for i, src := range ch.src {
			v += ch.coef[i] * r.vals[src]
		}
		if v < ch.lo || v > ch.hi {
			return fmt.Errorf("smooth: %s binds on this instance (its argument is %g, outside %g..%g); the smoothed scheme drops clamps, so it refuses an instance where one changes the exact value",
				ch.where, v, ch.lo, ch.hi)
		}
	}
	return nil
}
