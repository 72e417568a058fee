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
	if !g.buildRuns() {
		g.compact, g.ctab, g.cused, g.cperm, g.cpos = nil, nil, nil, nil, nil
	}
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
