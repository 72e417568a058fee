package smooth

import (
	"math"
	"slices"
)

// A compact layout of the Graph for the common shape of the alignment
// programs (LCS, edit distance) and the binary ones with constant or
// single-node options (change, subset sum): every node has at most three
// options, every option at most one term, with coefficient ±1, and the
// options' constants take at most 2^16 values. A node is then one 24-byte
// record (its options' sources, its bias, its constants as indices into a
// table, its sign and coefficient signs) instead of the general layout's
// per-node, per-option and per-term arrays (about 120 bytes read per
// three-option node in the forward sweep). The log-domain arithmetic is
// the general path's, operation for operation (an option with no term
// reads the zero slot: c + 0); the scaled Shannon form is too, but for
// the flipped form of all-min graphs (forwardScaledCompact). Values and
// marginals equal the general path's to 1e−12
// (TestGraphCompactMatchesGeneral, ...Large).
// The tangent sweeps (VJP), Hard, Sample and Bound keep the general
// layout, which the Graph also holds.

// cnode is one node of the compact layout.
type cnode struct {
	src  [3]int32  // vals index of option i's term (the zero slot np for none)
	bias int32     // vals index of the node's bias
	c    [3]uint16 // option i's constant: ctab[c[i]]
	f    uint8     // bits 0–1: the options; bit 2: min; bit 3+i: option i's coefficient is −1
}

// compactLayout builds g.compact, g.ctab and g.cused (the constants and
// signs that occur: 2·index + 1 for a min) when every node fits a cnode.
func (g *Graph) compactLayout() {
	idx := map[uint64]uint16{}
	var ctab []float64
	used := map[uint32]bool{}
	nodes := make([]cnode, len(g.sign))
	// flip: every node of two or more options is a min. A node of one
	// option is then recorded as a min too (its sign does not change it:
	// v = sg·sg·x + bias).
	flip := true
	for k, sg := range g.sign {
		flip = flip && (sg < 0 || g.optStart[k+1]-g.optStart[k] == 1)
	}
	for k, sg := range g.sign {
		o0, o1 := g.optStart[k], g.optStart[k+1]
		n := int(o1 - o0)
		if n < 1 || n > 3 {
			return
		}
		nd := &nodes[k]
		nd.f = uint8(n)
		if sg < 0 || flip {
			nd.f |= 4
		}
		nd.bias = g.bias[k]
		for i := range n {
			o := o0 + int32(i)
			nd.src[i] = int32(g.np)
			switch t0, t1 := g.termStart[o], g.termStart[o+1]; {
			case t1 == t0:
			case t1 == t0+1 && g.termCoef[t0] == 1:
				nd.src[i] = g.termSrc[t0]
			case t1 == t0+1 && g.termCoef[t0] == -1:
				nd.src[i] = g.termSrc[t0]
				nd.f |= 8 << i
			default:
				return
			}
			bits := math.Float64bits(g.optConst[o])
			j, ok := idx[bits]
			if !ok {
				if len(ctab) == 1<<16 {
					return
				}
				j = uint16(len(ctab))
				idx[bits] = j
				ctab = append(ctab, g.optConst[o])
			}
			nd.c[i] = j
			used[2*uint32(j)+uint32(nd.f>>2)&1] = true
		}
	}
	g.compact, g.ctab, g.cused = nodes, ctab, nil
	g.cflip = flip
	g.levelOrder()
	for u := range used {
		g.cused = append(g.cused, u)
	}
	slices.Sort(g.cused)
}

// levelOrder puts the compact nodes in order of level (a node's level is
// one more than the highest of the nodes it reads, 0 for none; the order
// within a level is the nodes' own), when that differs from their order.
// Consecutive nodes of one level do not read one another, so their
// arithmetic overlaps in the processor instead of waiting for each other:
// in row-major order every cell of LCS or edit distance reads the one
// before it, in level order (the anti-diagonals) none does. The values of
// each node are computed by the same operations from the same inputs, so
// values and probabilities are unchanged; only the order of the adjoint
// sums of the reverse sweep differs (rounding). A compact run holds vals
// and prob in this order (GraphRun.perm) and turns them back to the
// graph's order for the general sweeps that read them (unpermute).
func (g *Graph) levelOrder() {
	np1 := int32(g.np + 1)
	nodes := g.compact
	level := make([]int32, len(nodes))
	top := int32(0)
	for k := range nodes {
		nd := &nodes[k]
		l := int32(0)
		for i := range int(nd.f & 3) {
			if s := nd.src[i]; s >= np1 {
				l = max(l, level[s-np1]+1)
			}
		}
		if s := nd.bias; s >= np1 {
			l = max(l, level[s-np1]+1)
		}
		level[k] = l
		top = max(top, l)
	}
	if int(top) == len(nodes)-1 {
		return // a chain: the order is the only one
	}
	start := make([]int32, top+2)
	for _, l := range level {
		start[l+1]++
	}
	for l := range top + 1 {
		start[l+1] += start[l]
	}
	perm := make([]int32, len(nodes))
	pos := make([]int32, len(nodes))
	same := true
	for k, l := range level {
		p := start[l]
		start[l]++
		perm[p], pos[k] = int32(k), p
		same = same && p == int32(k)
	}
	if same {
		return
	}
	re := func(s int32) int32 {
		if s >= np1 {
			return np1 + pos[s-np1]
		}
		return s
	}
	out := make([]cnode, len(nodes))
	for p, k := range perm {
		nd := nodes[k]
		for i := range nd.src {
			nd.src[i] = re(nd.src[i])
		}
		nd.bias = re(nd.bias)
		out[p] = nd
	}
	g.compact, g.cperm, g.cpos = out, perm, pos
}

// slot is the vals index of node k in r (the compact order when r.perm).
func (r *GraphRun) slot(k int32) int {
	if r.perm {
		k = r.g.cpos[k]
	}
	return r.g.np + 1 + int(k)
}

// unpermute puts r's vals and prob back in the graph's order after a
// compact run in level order.
func (r *GraphRun) unpermute() {
	if !r.perm {
		return
	}
	r.perm = false
	g := r.g
	np1 := g.np + 1
	vals := slices.Clone(r.vals[np1 : np1+g.Nodes()])
	prob := slices.Clone(r.prob[:g.Options()])
	o := int32(0)
	for p, k := range g.cperm {
		r.vals[np1+int(k)] = vals[p]
		o0, o1 := g.optStart[k], g.optStart[k+1]
		copy(r.prob[o0:o1], prob[o:o+o1-o0])
		o += o1 - o0
	}
}

// forwardCompact is forward(false) over the compact layout.
func (r *GraphRun) forwardCompact() {
	g := r.g
	vals, prob, ctab := r.vals, r.prob, g.ctab
	np1 := g.np + 1
	inv := 1 / r.gamma
	reg, gamma := r.reg, r.gamma
	xb := r.xbuf[:3]
	o := 0
	for k := range g.compact {
		nd := &g.compact[k]
		n := int(nd.f & 3)
		sg := 1.0
		if nd.f&4 != 0 {
			sg = -1
		}
		var v float64
		p := prob[o : o+n]
		if n == 3 && nd.f&(7<<3) == 0 { // the loop below unrolled for three coefficients of +1
			x0 := sg * (ctab[nd.c[0]] + vals[nd.src[0]])
			x1 := sg * (ctab[nd.c[1]] + vals[nd.src[1]])
			x2 := sg * (ctab[nd.c[2]] + vals[nd.src[2]])
			if reg == Shannon {
				v = shannon3(x0, x1, x2, gamma, inv, p)
			} else {
				v = sparse3(reg, x0, x1, x2, gamma, inv, p)
			}
			vals[np1+k] = sg*v + vals[nd.bias]
			o += 3
			continue
		}
		for i := range n {
			v := ctab[nd.c[i]]
			if nd.f&(8<<i) != 0 {
				v += -vals[nd.src[i]]
			} else {
				v += vals[nd.src[i]]
			}
			xb[i] = sg * v
		}
		switch n {
		case 1:
			v, p[0] = xb[0], 1
		case 3:
			if reg == Shannon {
				v = shannon3(xb[0], xb[1], xb[2], gamma, inv, p)
			} else {
				v = sparse3(reg, xb[0], xb[1], xb[2], gamma, inv, p)
			}
		default:
			v = r.work.max(reg, gamma, inv, xb[:n], p)
		}
		vals[np1+k] = sg*v + vals[nd.bias]
		o += n
	}
}

// forwardScaledCompact is forwardScaled over the compact layout. When
// every node of two or more options is a min (g.cflip: edit distance), the slots hold e^{−v/γ}
// instead of e^{v/γ}: an option of a min node is then a product (a
// division in forwardScaled) and the node's value its sum times its bias
// (a division by the sum), which takes the divisions off the chain of
// dependent nodes. The values are the same up to rounding (1/e^{x} against
// e^{−x}; TestGraphCompactMatchesGeneral checks 1e−12).
func (r *GraphRun) forwardScaledCompact() bool {
	g := r.g
	inv := 1 / r.gamma
	// e^{sg·c/γ} of every constant at both signs (index 2j: max, 2j+1: min).
	r.cm = grow(r.cm, 2*len(g.ctab))
	r.ce = grow(r.ce, 2*len(g.ctab))
	cm, ce := r.cm, r.ce
	for _, u := range g.cused {
		sg := 1.0
		if u&1 != 0 {
			sg = -1
		}
		x := sg * g.ctab[u>>1] * inv
		switch {
		case math.IsInf(x, 0):
			cm[u], ce[u] = 0, 0
		case math.Abs(x) > 0x1p50:
			return false
		default:
			cm[u], ce[u] = scaledExp(x)
		}
	}
	np1 := g.np + 1
	nv := np1 + g.Nodes()
	fl := uint8(0)
	if g.cflip {
		fl = 1
	}
	r.sm = grow(r.sm, nv)
	r.se = grow(r.se, nv)
	sm, se := r.sm, r.se
	if !scaleParams(sm, se, r.vals[:g.np], inv, fl == 1) {
		return false
	}
	prob := r.prob
	var om [3]float64
	var oe [3]int64
	o := 0
	for k := range g.compact {
		nd := &g.compact[k]
		n := int(nd.f & 3)
		s := int(nd.f>>2) & 1
		if n == 1 && cm[2*int(nd.c[0])+s] == 0 { // an infinite constant: an output no node reads
			r.vals[np1+k] = g.ctab[nd.c[0]]
			prob[o] = 1
			o++
			continue
		}
		var emax int64
		var sum, rs float64
		if n == 3 { // the loops below unrolled, the same operations in the same order
			m0, e0 := scaledTerm(cm, ce, sm, se, nd, 0, s, fl)
			m1, e1 := scaledTerm(cm, ce, sm, se, nd, 1, s, fl)
			m2, e2 := scaledTerm(cm, ce, sm, se, nd, 2, s, fl)
			emax = max(e0, e1, e2)
			m0 *= math.Float64frombits(uint64(1023-min(emax-e0, 1023)) << 52)
			m1 *= math.Float64frombits(uint64(1023-min(emax-e1, 1023)) << 52)
			m2 *= math.Float64frombits(uint64(1023-min(emax-e2, 1023)) << 52)
			sum = m0 + m1 + m2
			rs = 1 / sum
			p := prob[o : o+3]
			p[0], p[1], p[2] = m0*rs, m1*rs, m2*rs
		} else {
			emax = math.MinInt64
			for i := range n {
				om[i], oe[i] = scaledTerm(cm, ce, sm, se, nd, i, s, fl)
				emax = max(emax, oe[i])
			}
			for i := range n {
				d := min(emax-oe[i], 1023)
				om[i] *= math.Float64frombits(uint64(1023-d) << 52) // 2^−d, 0 past 2^−1022
				sum += om[i]
			}
			rs = 1 / sum
			for i := range n {
				prob[o+i] = om[i] * rs
			}
		}
		b := nd.bias
		var m float64
		var e int64
		if uint8(s) == fl { // max (flipped: min)
			m, e = sum*sm[b], emax+se[b]
		} else {
			m, e = sm[b]*rs, se[b]-emax
		}
		m, e = normalize(m, e)
		if e > scaledExpLimit || e < -scaledExpLimit {
			return false
		}
		sm[np1+k], se[np1+k] = m, e
		o += n
	}
	for _, k := range g.outNode {
		sl := r.slot(k)
		nd := &g.compact[sl-np1]
		if nd.f&3 == 1 && cm[2*int(nd.c[0])+int(nd.f>>2)&1] == 0 {
			continue
		}
		r.vals[sl] = scaledValue(sm[sl], se[sl], r.gamma)
		if fl == 1 {
			r.vals[sl] = -r.vals[sl]
		}
	}
	r.scaled = true
	return true
}

// scaledTerm is option i of nd in scaled form: e^{sg·c/γ} times the
// scaled value of its source or divided by it.
func scaledTerm(cm []float64, ce []int64, sm []float64, se []int64, nd *cnode, i, s int, fl uint8) (float64, int64) {
	ci := 2*int(nd.c[i]) + s
	m, e := cm[ci], ce[ci]
	src := nd.src[i]
	if (nd.f>>(3+i))&1^uint8(s)^fl == 0 { // coefficient·sign > 0 (flipped: < 0)
		return m * sm[src], e + se[src]
	}
	return m / sm[src], e - se[src]
}

// reverseCompact is reverse(false) over the compact layout. An option with
// no term adds its weight to the zero slot's adjoint, which no marginal
// reads.
func (r *GraphRun) reverseCompact() {
	g := r.g
	adj, prob := r.adj, r.prob
	np1 := g.np + 1
	o := g.Options()
	for k := len(g.compact) - 1; k >= 0; k-- {
		nd := &g.compact[k]
		n := int(nd.f & 3)
		o -= n
		a := adj[np1+k]
		if a == 0 {
			continue
		}
		adj[nd.bias] += a
		if n == 3 && nd.f&(7<<3) == 0 { // the loop below unrolled for three coefficients of +1
			p := prob[o : o+3]
			if w := a * p[0]; w != 0 {
				adj[nd.src[0]] += w
			}
			if w := a * p[1]; w != 0 {
				adj[nd.src[1]] += w
			}
			if w := a * p[2]; w != 0 {
				adj[nd.src[2]] += w
			}
			continue
		}
		for i := range n {
			w := a * prob[o+i]
			if w == 0 {
				continue
			}
			if nd.f&(8<<i) != 0 {
				adj[nd.src[i]] += w * -1
			} else {
				adj[nd.src[i]] += w
			}
		}
	}
}
