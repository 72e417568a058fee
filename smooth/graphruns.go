package smooth

import "math"

// The sweeps of the compact layout (graphcompact.go) run over runs of
// nodes: consecutive nodes (in level order) with the same flags whose
// option sources and bias each advance by a constant stride from one node
// to the next. An anti-diagonal of LCS or edit distance is one run
// between its two boundary cells (the sources advance by 1, the bias by
// the row length less one), so a node costs no index loads: only its
// constants' tuple (2 bytes: the tuple of its options' constants, from a
// table) is read per node. The runs are found from the graph's structure
// alone. No node of a run reads another node of it (the kernels gather a
// run's options before they compute it). The arithmetic is that of the
// compact records it replaces, operation for operation.

// crun is a run of nodes of the compact layout.
type crun struct {
	src   [3]int32 // the first node's option sources (vals indices)
	step  [3]int32 // their strides from node to node
	bias  int32    // the first node's bias (vals index) and its stride
	bstep int32
	n     int32 // nodes in the run
	f     uint8 // cnode.f of every node of the run
}

// maxTuples bounds the distinct tuples of option constants of a compact
// layout (2-byte indices); a graph with more keeps the general layout.
const maxTuples = 1 << 16

// buildRuns splits g.compact (in its order) into runs and the nodes'
// constants into tuples; false when there are more than maxTuples.
func (g *Graph) buildRuns() bool {
	g.ownBiases()
	idx := map[[3]uint16]uint16{}
	g.cruns, g.ctup, g.ctv, g.ctc = nil, make([]uint16, len(g.compact)), nil, nil
	for p := range g.compact {
		nd := &g.compact[p]
		var c [3]uint16
		copy(c[:nd.f&3], nd.c[:nd.f&3])
		t, ok := idx[c]
		if !ok {
			if len(g.ctc) == maxTuples {
				return false
			}
			t = uint16(len(g.ctc))
			idx[c] = t
			g.ctc = append(g.ctc, c)
			g.ctv = append(g.ctv, [3]float64{g.ctab[c[0]], g.ctab[c[1]], g.ctab[c[2]]})
		}
		g.ctup[p] = t
		// a node joins the run before it unless it reads a node of that
		// run: the kernels read a run's options before they write its values
		first := int32(g.np+1) + int32(p)
		if len(g.cruns) > 0 {
			first -= g.cruns[len(g.cruns)-1].n
		}
		if len(g.cruns) > 0 && nd.src[0] < first && nd.src[1] < first && nd.src[2] < first && nd.bias < first {
			ru := &g.cruns[len(g.cruns)-1]
			last := int32(p - 1) // the run's last node
			prev := &g.compact[last]
			if ru.f == nd.f && ru.n == 1 {
				ru.step = [3]int32{nd.src[0] - prev.src[0], nd.src[1] - prev.src[1], nd.src[2] - prev.src[2]}
				ru.bstep = nd.bias - prev.bias
				ru.n++
				continue
			}
			if ru.f == nd.f && nd.bias-prev.bias == ru.bstep &&
				nd.src[0]-prev.src[0] == ru.step[0] && nd.src[1]-prev.src[1] == ru.step[1] && nd.src[2]-prev.src[2] == ru.step[2] {
				ru.n++
				continue
			}
		}
		g.cruns = append(g.cruns, crun{src: nd.src, bias: nd.bias, n: 1, f: nd.f})
	}
	return true
}

// runBufs returns five scratch arrays of n values.
func (r *GraphRun) runBufs(n int) (x0, x1, x2, x3, x4 []float64) {
	r.rbuf = grow(r.rbuf, 5*n)
	b := r.rbuf
	return b[:n], b[n : 2*n], b[2*n : 3*n], b[3*n : 4*n], b[4*n : 5*n]
}

// ownBiases marks (cnode.f bit 6) the nodes whose bias is a parameter
// that nothing else reads: no option and no other node's bias. Its
// marginal is then the node's adjoint, which the reverse sweep copies in
// θ's order (g.cowner: per parameter the position of the node that owns
// it, or −1) instead of adding it at the node, in level order: one
// parameter in a row of the grid per node, a cache line each.
func (g *Graph) ownBiases() {
	uses := make([]int32, g.np)
	for p := range g.compact {
		nd := &g.compact[p]
		for i := range int(nd.f & 3) {
			if s := nd.src[i]; int(s) < g.np {
				uses[s] += 2 // never owned
			}
		}
		if b := nd.bias; int(b) < g.np {
			uses[b]++
		}
	}
	g.cowner = nil
	for p := range g.compact {
		nd := &g.compact[p]
		if b := nd.bias; int(b) < g.np && uses[b] == 1 {
			if g.cowner == nil {
				g.cowner = make([]int32, g.np)
				for i := range g.cowner {
					g.cowner[i] = -1
				}
			}
			g.cowner[b] = int32(p)
			nd.f |= ownBias
		}
	}
}

// ownBias is the bit of cnode.f of a node that owns its bias (ownBiases).
const ownBias = 1 << 6

// forwardCompact is forward(false) over the compact layout.
func (r *GraphRun) forwardCompact() {
	g := r.g
	vals, prob, ctv, tup := r.vals, r.prob, g.ctv, g.ctup
	np1 := g.np + 1
	inv := 1 / r.gamma
	reg, gamma := r.reg, r.gamma
	xb := r.xbuf[:3]
	p, o := 0, 0
	for ri := range g.cruns {
		ru := &g.cruns[ri]
		n, cnt := int(ru.f&3), int(ru.n)
		sg := 1.0
		if ru.f&4 != 0 {
			sg = -1
		}
		s0, s1, s2, b := int(ru.src[0]), int(ru.src[1]), int(ru.src[2]), int(ru.bias)
		d0, d1, d2, db := int(ru.step[0]), int(ru.step[1]), int(ru.step[2]), int(ru.bstep)
		out := vals[np1+p : np1+p+cnt]
		tt := tup[p : p+cnt]
		if n == 3 && ru.f&(7<<3) == 0 { // three options of coefficient +1: a kernel per regulariser
			pr := prob[o : o+3*cnt]
			switch reg {
			case Shannon:
				for q := range out {
					c := &ctv[tt[q]]
					x0, x1, x2 := sg*(c[0]+vals[s0]), sg*(c[1]+vals[s1]), sg*(c[2]+vals[s2])
					out[q] = sg*shannon3(x0, x1, x2, gamma, inv, pr[3*q:3*q+3]) + vals[b]
					s0, s1, s2, b = s0+d0, s1+d1, s2+d2, b+db
				}
			default: // Gini, Tsallis: the options gathered, the kernel over the run, the bias added
				q0 := 0
				if haveAVX2 && d0 == 1 && d1 == 1 && d2 == 1 { // the three fused, four nodes at a time
					q0 = cnt &^ 3
					if q0 > 0 {
						sparse3RunAVX2(reg, vals, s0, s1, s2, b, 8*db, tt[:q0], &ctv[0], out[:q0], pr[:3*q0], sg, gamma, inv)
					}
					s0, s1, s2, b = s0+q0, s1+q0, s2+q0, b+q0*db
				}
				out, tt, pr := out[q0:], tt[q0:], pr[3*q0:]
				x0, x1, x2, m, tau := r.runBufs(len(out))
				for q := range out {
					c := &ctv[tt[q]]
					x0[q], x1[q], x2[q] = sg*(c[0]+vals[s0]), sg*(c[1]+vals[s1]), sg*(c[2]+vals[s2])
					s0, s1, s2 = s0+d0, s1+d1, s2+d2
				}
				if reg == Gini {
					gini3s(x0, x1, x2, out, m, tau, pr, gamma, inv)
				} else {
					tsallis3s(x0, x1, x2, out, m, tau, pr, gamma, inv)
				}
				for q := range out {
					out[q] = sg*out[q] + vals[b]
					b += db
				}
			}
			p, o = p+cnt, o+3*cnt
			continue
		}
		src := [3]int{s0, s1, s2}
		for q := range out {
			c := &ctv[tt[q]]
			for i := range n {
				v := c[i]
				if ru.f&(8<<i) != 0 {
					v += -vals[src[i]]
				} else {
					v += vals[src[i]]
				}
				xb[i] = sg * v
			}
			var v float64
			pp := prob[o : o+n]
			switch n {
			case 1:
				v, pp[0] = xb[0], 1
			case 3:
				v = max3(reg, xb[0], xb[1], xb[2], gamma, inv, pp)
			default:
				v = r.work.max(reg, gamma, inv, xb[:n], pp)
			}
			out[q] = sg*v + vals[b]
			src[0], src[1], src[2], b = src[0]+d0, src[1]+d1, src[2]+d2, b+db
			o += n
		}
		p += cnt
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
	// the same per tuple of constants (index 2t+s), for the runs' kernels
	r.tm = grow(r.tm, 2*len(g.ctc))
	r.te = grow(r.te, 2*len(g.ctc))
	tm, te := r.tm, r.te
	for t, c := range g.ctc {
		for s := range 2 {
			for i, j := range c {
				tm[2*t+s][i], te[2*t+s][i] = cm[2*int(j)+s], ce[2*int(j)+s]
			}
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
	prob, tup := r.prob, g.ctup
	var om [3]float64
	var oe [3]int64
	p, o := 0, 0
	for ri := range g.cruns {
		ru := &g.cruns[ri]
		n, cnt := int(ru.f&3), int(ru.n)
		s := int(ru.f>>2) & 1
		src := [3]int{int(ru.src[0]), int(ru.src[1]), int(ru.src[2])}
		b := int(ru.bias)
		d0, d1, d2, db := int(ru.step[0]), int(ru.step[1]), int(ru.step[2]), int(ru.bstep)
		tt := tup[p : p+cnt]
		outm, oute := sm[np1+p:np1+p+cnt], se[np1+p:np1+p+cnt]
		// an option multiplies by its source's scaled value when its
		// coefficient times the node's sign is positive (flipped: negative)
		mul := [3]bool{}
		for i := range n {
			mul[i] = (ru.f>>(3+i))&1^uint8(s)^fl == 0
		}
		up := uint8(s) == fl                            // max (flipped: min): the node is the sum times its bias
		if n == 3 && mul[0] && mul[1] && mul[2] && up { // the loop below for the common case, the same operations
			s0, s1, s2 := src[0], src[1], src[2]
			pr := prob[o : o+3*cnt]
			q0 := 0
			if haveAVX2 && d0 == 1 && d1 == 1 && d2 == 1 { // four nodes at a time, the same operations
				q0 = cnt &^ 3
				if q0 > 0 && !shannonScaledAVX2(sm, se, s0, s1, s2, b, 8*db, tt[:q0], &tm[s], &te[s], outm[:q0], oute[:q0], pr[:3*q0]) {
					return false
				}
				s0, s1, s2, b = s0+q0, s1+q0, s2+q0, b+q0*db
			}
			for q := q0; q < cnt; q++ {
				t := int(tt[q])
				cmq, ceq := &tm[2*t+s], &te[2*t+s]
				m0, e0 := cmq[0]*sm[s0], ceq[0]+se[s0]
				m1, e1 := cmq[1]*sm[s1], ceq[1]+se[s1]
				m2, e2 := cmq[2]*sm[s2], ceq[2]+se[s2]
				emax := max(e0, e1, e2)
				m0 *= math.Float64frombits(uint64(1023-min(emax-e0, 1023)) << 52)
				m1 *= math.Float64frombits(uint64(1023-min(emax-e1, 1023)) << 52)
				m2 *= math.Float64frombits(uint64(1023-min(emax-e2, 1023)) << 52)
				sum := m0 + m1 + m2
				rs := 1 / sum
				pq := pr[3*q : 3*q+3]
				pq[0], pq[1], pq[2] = m0*rs, m1*rs, m2*rs
				m, e := normalize(sum*sm[b], emax+se[b])
				if e > scaledExpLimit || e < -scaledExpLimit {
					return false
				}
				outm[q], oute[q] = m, e
				s0, s1, s2, b = s0+d0, s1+d1, s2+d2, b+db
			}
			p, o = p+cnt, o+3*cnt
			continue
		}
		for q := range outm {
			t := int(tt[q])
			cmq, ceq := &tm[2*t+s], &te[2*t+s]
			if n == 1 && cmq[0] == 0 { // an infinite constant: an output no node reads
				r.vals[np1+p+q] = g.ctv[t][0]
				prob[o] = 1
				o++
				src[0], b = src[0]+d0, b+db
				continue
			}
			emax := int64(math.MinInt64)
			for i := range n {
				if mul[i] {
					om[i], oe[i] = cmq[i]*sm[src[i]], ceq[i]+se[src[i]]
				} else {
					om[i], oe[i] = cmq[i]/sm[src[i]], ceq[i]-se[src[i]]
				}
				emax = max(emax, oe[i])
			}
			sum := 0.0
			for i := range n {
				d := min(emax-oe[i], 1023)
				om[i] *= math.Float64frombits(uint64(1023-d) << 52) // 2^−d, 0 past 2^−1022
				sum += om[i]
			}
			rs := 1 / sum
			for i := range n {
				prob[o+i] = om[i] * rs
			}
			var m float64
			var e int64
			if up {
				m, e = sum*sm[b], emax+se[b]
			} else {
				m, e = sm[b]*rs, se[b]-emax
			}
			m, e = normalize(m, e)
			if e > scaledExpLimit || e < -scaledExpLimit {
				return false
			}
			outm[q], oute[q] = m, e
			src[0], src[1], src[2], b = src[0]+d0, src[1]+d1, src[2]+d2, b+db
			o += n
		}
		p += cnt
	}
	for _, k := range g.outNode {
		sl := r.slot(k)
		t := int(tup[sl-np1])
		nd := &g.compact[sl-np1]
		if nd.f&3 == 1 && tm[2*t+int(nd.f>>2)&1][0] == 0 {
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

// reverseCompact is reverse(false) over the compact layout, writing the
// marginals to dst (len np). An option with no term adds its weight to
// the zero slot's adjoint, which no marginal reads; a weight of 0 is added too (it changes nothing), which keeps the
// sweep free of branches on the probabilities.
func (r *GraphRun) reverseCompact(dst []float64) {
	g := r.g
	adj, prob := r.adj, r.prob
	np1 := g.np + 1
	p, o := g.Nodes(), g.Options()
	for ri := len(g.cruns) - 1; ri >= 0; ri-- {
		ru := &g.cruns[ri]
		n, cnt := int(ru.f&3), int(ru.n)
		p -= cnt
		o -= n * cnt
		last := cnt - 1
		d0, d1, d2, db := int(ru.step[0]), int(ru.step[1]), int(ru.step[2]), int(ru.bstep)
		s0, s1, s2 := int(ru.src[0])+last*d0, int(ru.src[1])+last*d1, int(ru.src[2])+last*d2
		b := int(ru.bias) + last*db
		in := adj[np1+p : np1+p+cnt]
		if n == 3 && ru.f&(7<<3) == 0 {
			// the odd nodes of the run, then the even ones: consecutive
			// nodes of an anti-diagonal add to a common source (one's up
			// is the next one's left), a chain through memory that
			// every other node does not have
			pr := prob[o : o+3*cnt]
			if ru.f&ownBias != 0 { // the loop below but for the bias
				for par := range 2 {
					q := last - par
					s0, s1, s2 := s0-par*d0, s1-par*d1, s2-par*d2
					for ; q >= 0; q -= 2 {
						a := in[q]
						pq := pr[3*q : 3*q+3]
						adj[s0] += a * pq[0]
						adj[s1] += a * pq[1]
						adj[s2] += a * pq[2]
						s0, s1, s2 = s0-2*d0, s1-2*d1, s2-2*d2
					}
				}
				continue
			}
			for par := range 2 {
				q := last - par
				s0, s1, s2, b := s0-par*d0, s1-par*d1, s2-par*d2, b-par*db
				for ; q >= 0; q -= 2 {
					a := in[q]
					pq := pr[3*q : 3*q+3]
					adj[b] += a
					adj[s0] += a * pq[0]
					adj[s1] += a * pq[1]
					adj[s2] += a * pq[2]
					s0, s1, s2, b = s0-2*d0, s1-2*d1, s2-2*d2, b-2*db
				}
			}
			continue
		}
		src := [3]int{s0, s1, s2}
		for q := last; q >= 0; q-- {
			a := in[q]
			if ru.f&ownBias == 0 {
				adj[b] += a
			}
			oq := o + n*q
			for i := range n {
				w := a * prob[oq+i]
				if ru.f&(8<<i) != 0 {
					adj[src[i]] += w * -1
				} else {
					adj[src[i]] += w
				}
			}
			src[0], src[1], src[2], b = src[0]-d0, src[1]-d1, src[2]-d2, b-db
		}
	}
	if g.cowner == nil {
		copy(dst, adj[:g.np])
		return
	}
	for b, p := range g.cowner {
		if p >= 0 {
			dst[b] = adj[np1+int(p)] // 0 + its node's adjoint: the only addition it would get
		} else {
			dst[b] = adj[b]
		}
	}
}
