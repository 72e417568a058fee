package smooth

// Sides says, per output, on which side of the exact value (Hard) the
// smoothed value lies for every γ and θ: above[k] when it is never below
// it, below[k] when it is never above it (both: always equal).
//
// max_Ω(x) ≥ max(x) and min_Ω(x) ≤ min(x) (Proposition 1), and max, min
// and affine maps with nonnegative coefficients are monotone. So, by
// induction over the nodes in evaluation order, a node's smoothed value is
// never below its exact one when every node it reads is never below and
// read with a coefficient ≥ 0, or never above and read with a coefficient
// ≤ 0 (and the node is a max, or has one option); the mirror image for
// "never above" and a min. Anything else — a max reading a max with
// coefficient −1 (a two-player game's a[i] − f[i + 1, j]), a max of mins,
// a min of maxes — may fall on either side: only |value − exact| ≤ γ·B
// (Bound) holds there.
func (g *Graph) Sides() (above, below []bool) {
	// mayPos[k] (mayNeg[k]): node k's smoothed value may exceed (fall
	// short of) its exact value.
	mayPos := make([]bool, len(g.sign))
	mayNeg := make([]bool, len(g.sign))
	np1 := int32(g.np + 1)
	for k := range g.sign {
		o0, o1 := g.optStart[k], g.optStart[k+1]
		var pos, neg bool
		for o := o0; o < o1; o++ {
			for t := g.termStart[o]; t < g.termStart[o+1]; t++ {
				src, c := g.termSrc[t], g.termCoef[t]
				if src < np1 || c == 0 {
					continue // θ and the zero slot are the same in both evaluations
				}
				j := src - np1
				pos = pos || c > 0 && mayPos[j] || c < 0 && mayNeg[j]
				neg = neg || c > 0 && mayNeg[j] || c < 0 && mayPos[j]
			}
		}
		if o1-o0 >= 2 { // a smoothed max adds [0, γ·RangeN]; a min subtracts it
			if g.sign[k] > 0 {
				pos = true
			} else {
				neg = true
			}
		}
		mayPos[k], mayNeg[k] = pos, neg
	}
	above = make([]bool, len(g.outNode))
	below = make([]bool, len(g.outNode))
	for i, k := range g.outNode {
		above[i], below[i] = !mayNeg[k], !mayPos[k]
	}
	return above, below
}
