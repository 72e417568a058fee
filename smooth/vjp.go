package smooth

import "fmt"

// VJP returns zᵀ·∂y/∂θ, the vector-Jacobian product of the relaxed
// selection y = Marginals() with cotangent z (Alg. 4), in O(n·C).
//
// y is the gradient of Value, so ∂y/∂θ is the Hessian of Value and is
// symmetric: zᵀJ = Jz, the derivative of y along z. VJP computes it forward
// over reverse: a tangent sweep carries v̇ = dv/dε and q̇ = dq/dε for
// θ + ε·z through Alg. 1, then a sweep carries e and ė through Alg. 2 and
// sums ẏ_i = Σ_c ė[i, c]·q[i, c] + e[i, c]·q̇[i, c].
//
// It returns an error when z does not have n finite entries.
func (t *Tables) VJP(z []float64) ([]float64, error) {
	out := make([]float64, len(t.weights))
	if err := t.VJPInto(out, z); err != nil {
		return nil, err
	}
	return out, nil
}

// VJPInto is VJP writing into out (length n).
func (t *Tables) VJPInto(out, z []float64) error {
	t.mustHaveRun()
	var errs ErrorList
	validateVector(&errs, "z", z, len(t.weights))
	if len(out) != len(t.weights) {
		addArg(&errs, "out", "has %d entries, want n = %d", len(out), len(t.weights))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	t.tangentForward(z)
	t.tangentBackward(out)
	return nil
}

// tangentForward is Alg. 1 with tangents. At a cell with options
// a = v[i−1, c] and b = v[i−1, c−w] + θ_i:
//
//	v̇[i, c] = ȧ + q·(ḃ − ȧ),  q̇[i, c] = (dq/db)·(ḃ − ȧ),  ḃ = v̇[i−1, c−w] + z_i.
//
// q comes from the forward pass. dq/db is q(1−q)/γ for Shannon; for Gini
// and Tsallis it is a function of Δ = b − a, so their rows of v are
// recomputed (bit for bit as in the forward pass). Infeasible (−∞) cells
// keep v̇ = 0 and have dq/db = 0, so they never leak.
func (t *Tables) tangentForward(z []float64) {
	W := t.capacity + 1
	t.qdot = grow(t.qdot, len(t.q))
	slope := t.rows[5]
	prev, cur := t.rows[0], t.rows[1]
	dprev, dcur := t.rows[2], t.rows[3]
	clear(dprev)
	recompute := t.reg != Shannon
	fin := t.initFinite()
	if recompute {
		t.initRow(prev)
	}
	inv := 1 / t.gamma
	for i, w := range t.weights {
		q, qd := t.q[i*W:(i+1)*W], t.qdot[i*W:(i+1)*W]
		k := min(w, W)
		if recompute {
			t.forwardRow(i, cur, prev, fin)
			t.slopeRow(slope, prev, i, fin)
			fin = nextFinite(fin, w, W)
			prev, cur = cur, prev
		} else {
			for c := k; c < W; c++ {
				slope[c] = q[c] * (1 - q[c]) * inv
			}
		}
		copy(dcur[:k], dprev[:k])
		clear(qd[:k])
		if k < W {
			tangentRow(dcur[k:], qd[k:], dprev[k:], dprev[:W-k], q[k:], slope[k:W], z[i])
		}
		dprev, dcur = dcur, dprev
	}
	if recompute && &prev[0] != &t.last[0] {
		panic("smooth: VJP recomputation ended in another row than Forward")
	}
}

// slopeRow writes dq/db for the cells c ≥ w_i of item i (0-based) from
// v[i, ·] in prev; fin is the finite prefix of prev, beyond which an
// option may be −∞ (slope 0).
func (t *Tables) slopeRow(slope, prev []float64, i, fin int) {
	W := t.capacity + 1
	w, th, inv := t.weights[i], t.theta[i], 1/t.gamma
	k := min(w, W)
	if k < fin {
		g, skip, pick := slope[k:fin], prev[k:fin], prev[:fin-k]
		if t.reg == Gini {
			for c := range g {
				g[c] = giniSlope(pick[c]+th-skip[c], inv)
			}
		} else {
			for c := range g {
				g[c] = tsallisSlope(pick[c]+th-skip[c], inv)
			}
		}
	}
	for c := max(k, fin); c < W; c++ {
		_, _, slope[c] = kernelOf(t.reg)(prev[c], prev[c-w]+th, t.gamma, inv)
	}
}

// tangentRow is the tangent of one row of Alg. 1 over the cells that have
// a pick option: dv = ȧ + q·(ḃ − ȧ), dq = slope·(ḃ − ȧ).
func tangentRow(dv, dq, dskip, dpick, q, slope []float64, z float64) {
	n := len(dv)
	dq, dskip, dpick, q, slope = dq[:n], dskip[:n], dpick[:n], q[:n], slope[:n]
	for c := range dv {
		ad := dskip[c]
		delta := dpick[c] + z - ad
		dv[c] = ad + q[c]*delta
		dq[c] = slope[c] * delta
	}
}

// tangentBackward is Alg. 2 with tangents: with p = e·q and ṗ = ė·q + e·q̇,
//
//	ẏ_i = Σ_c ṗ[c],   ė'[c] = ė[c] − ṗ[c] + ṗ[c + w]   (ė[n, ·] = 0),
//
// and e' as in backwardRow.
func (t *Tables) tangentBackward(out []float64) {
	W := t.capacity + 1
	e, next := t.spareRow(), t.rows[2]
	de, dnext := t.rows[3], t.rows[4]
	clear(e)
	clear(de)
	e[W-1] = 1
	for i := len(t.weights) - 1; i >= 0; i-- {
		w := t.weights[i]
		q, qd := t.q[i*W:(i+1)*W], t.qdot[i*W:(i+1)*W]
		out[i] = tangentBackwardRow(next, dnext, e, de, q, qd, w)
		e, next = next, e
		de, dnext = dnext, de
	}
}

func tangentBackwardRow(next, dnext, e, de, q, qd []float64, w int) float64 {
	W := len(e)
	next, dnext, de, q, qd = next[:W], dnext[:W], de[:W], q[:W], qd[:W]
	var s float64
	for c := range W {
		p := e[c] * q[c]
		pd := de[c]*q[c] + e[c]*qd[c]
		s += pd
		next[c] = e[c] - p
		dnext[c] = de[c] - pd
	}
	// Add the pick flows one item down: ė'[c] += ṗ[c + w].
	if split := W - w; split > 0 {
		nLo, dLo := next[:split], dnext[:split]
		eHi, deHi, qHi, qdHi := e[w:], de[w:], q[w:], qd[w:]
		for c := range nLo {
			nLo[c] += eHi[c] * qHi[c]
			dLo[c] += deHi[c]*qHi[c] + eHi[c]*qdHi[c]
		}
	}
	return s
}

// kernelOf returns the two-element operator of reg.
func kernelOf(reg Reg) func(a, b, gamma, inv float64) (float64, float64, float64) {
	switch reg {
	case Shannon:
		return shannon2
	case Gini:
		return gini2
	case Tsallis:
		return tsallis2
	}
	panic(fmt.Sprintf("smooth: unknown regulariser %d", int(reg)))
}
