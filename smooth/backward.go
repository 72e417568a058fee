package smooth

import (
	"fmt"

	"github.com/dp2nn/dp2nn/diag"
)

// Marginals runs the backward pass (Alg. 2) and returns the relaxed
// selection y, y[i] = ∂Value/∂θ_i = the probability that the ancestral
// sampler (Sample) picks item i. 0 ≤ y ≤ 1 (a rounded sum above 1 by an
// ulp is clamped to 1); Σ y = k for TopK and Σ w_i·y_i ≤ C for Knapsack,
// up to rounding.
func (t *Tables) Marginals() []float64 {
	y := make([]float64, len(t.weights))
	t.marginals(y)
	return y
}

// MarginalsInto is Marginals writing into y, which must have n entries.
func (t *Tables) MarginalsInto(y []float64) error {
	if len(y) != len(t.weights) {
		return ErrorList{{Pos: diag.Arg("y"), Msg: fmt.Sprintf("has %d entries, want n = %d", len(y), len(t.weights))}}
	}
	t.marginals(y)
	return nil
}

func (t *Tables) marginals(y []float64) {
	t.mustHaveRun()
	W := t.capacity + 1
	// The forward pass left v[n, ·] in one of rows[0..1]; use the other one
	// and rows[2] so that FinalState stays valid.
	e, next := t.spareRow(), t.rows[2]
	clear(e)
	e[W-1] = 1
	for i := len(t.weights) - 1; i >= 0; i-- {
		// Exactly, y_i ≤ 1; the rounded sum can exceed it by an ulp.
		y[i] = min(backwardRow(next, e, t.q[i*W:(i+1)*W], t.weights[i]), 1)
		e, next = next, e
	}
}

// mustHaveRun panics when t did not come out of a forward pass.
func (t *Tables) mustHaveRun() {
	if t.last == nil {
		panic("smooth: Tables used before Forward")
	}
}

// spareRow is the row of rows[0..1] that does not hold v[n, ·].
func (t *Tables) spareRow() []float64 {
	if &t.rows[0][0] == &t.last[0] {
		return t.rows[1]
	}
	return t.rows[0]
}

// backwardRow is one step of Alg. 2 for item i with weight w. With
// e[c] = ∂v[n, C]/∂v[i, c] (the probability that the sampler reaches
// capacity c just before deciding item i) and the pick flow
// p[c] = e[c]·q[i, c]:
//
//	y_i          = Σ_c p[c]
//	e'[c]        = e[c] − p[c] + p[c + w]      (e' = e one item earlier)
//
// the second term only when c + w ≤ C. It writes e' into next and returns
// y_i.
func backwardRow(next, e, q []float64, w int) float64 {
	W := len(e)
	next, q = next[:W], q[:W]
	split := max(W-w, 0) // cells c with c + w ≤ C
	eLo, qLo, nLo := e[:split], q[:split], next[:split]
	eHi, qHi := e[W-split:], q[W-split:] // e[c+w], q[c+w]
	var s0, s1 float64                   // two accumulators halve the add latency chain
	c := 0
	for ; c+1 < len(nLo); c += 2 {
		p0, p1 := eLo[c]*qLo[c], eLo[c+1]*qLo[c+1]
		s0 += p0
		s1 += p1
		nLo[c] = eLo[c] - p0 + eHi[c]*qHi[c]
		nLo[c+1] = eLo[c+1] - p1 + eHi[c+1]*qHi[c+1]
	}
	for ; c < len(nLo); c++ {
		p := eLo[c] * qLo[c]
		s0 += p
		nLo[c] = eLo[c] - p + eHi[c]*qHi[c]
	}
	for c := split; c < W; c++ {
		p := e[c] * q[c]
		s0 += p
		next[c] = e[c] - p
	}
	return s0 + s1
}
