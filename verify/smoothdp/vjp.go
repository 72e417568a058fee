package smoothdp

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
	var errs ErrorList
	validateVector(&errs, "z", z, len(t.weights))
	if len(out) != len(t.weights) {
		errs.Add("out", "has %d entries, want n = %d", len(out), len(t.weights))
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
			fin = nextFinite(fin, w, W)
			th := t.theta[i]
			for c := k; c < W; c++ {
				a, b := prev[c], prev[c-w]+th
				slope[c] = 0
				if a != negInf && b != negInf {
					if t.reg == Gini {
						slope[c] = giniSlope(b-a, inv)
					} else {
						slope[c] = tsallisSlope(b-a, inv)
					}
				}
			}
			prev, cur = cur, prev
		} else {
			for c := k; c < W; c++ {
				slope[c] = q[c] * (1 - q[c]) * inv
			}
		}
		copy(dcur[:k], dprev[:k])
		clear(qd[:k])
		zi := z[i]
		for c := k; c < W; c++ {
			ad, bd := dprev[c], dprev[c-w]+zi
			dcur[c] = ad + q[c]*(bd-ad)
			qd[c] = slope[c] * (bd - ad)
		}
		dprev, dcur = dcur, dprev
	}
	if recompute && &prev[0] != &t.last[0] {
		panic("smoothdp: VJP recomputation ended in another row than Forward")
	}
}

// tangentBackward is Alg. 2 with tangents: with p = e·q and ṗ = ė·q + e·q̇,
//
//	ẏ_i = Σ_c ṗ[c],   ė'[c] = ė[c] − ṗ[c] + ṗ[c + w]   (ė[n, ·] = 0).
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
		var s float64
		for c := range W {
			p := e[c] * q[c]
			pd := de[c]*q[c] + e[c]*qd[c]
			s += pd
			next[c] = e[c] - p
			dnext[c] = de[c] - pd
			if c >= w {
				next[c-w] += p
				dnext[c-w] += pd
			}
		}
		out[i] = s
		e, next = next, e
		de, dnext = dnext, de
	}
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
	panic(fmt.Sprintf("smoothdp: unknown regulariser %d", int(reg)))
}
