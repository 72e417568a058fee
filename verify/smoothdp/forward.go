package smoothdp

import "math"

// Tables is the result of the forward pass (Alg. 1) for one score vector:
// the value v[n, C], the last row v[n, ·] and the pick probabilities
// q[i, c] for i = 1..n, c = 0..C. The backward pass, sampling and the VJP
// read it. A Tables owns its buffers; ForwardInto reuses them.
type Tables struct {
	kind     Kind
	weights  []int // copy of Problem.Weights
	capacity int   // C
	reg      Reg
	gamma    float64
	theta    []float64 // copy of the scores
	value    float64

	// q holds q[i, c] at q[(i−1)·(C+1) + c]: item-major, so that every pass
	// walks one row of C+1 contiguous floats per item.
	q []float64

	// Scratch rows of C+1 floats: rows[0..1] hold v in the forward pass and
	// keep v[n, ·] afterwards (last aliases one of them; the VJP recomputes
	// the same rows bit for bit). The backward passes use the spare one of
	// rows[0..1] and rows[2..4].
	rows [5][]float64
	last []float64 // v[n, ·]
	// qdot is the tangent of q along z, same layout as q (VJP only).
	qdot []float64
}

// Forward runs the forward pass of the smoothed DP (Alg. 1) for scores θ
// (theta[i] scores item i) with regulariser reg at temperature γ = gamma.
// It returns an *ErrorList naming every bad argument, never NaN results.
func (p *Problem) Forward(reg Reg, gamma float64, theta []float64) (*Tables, error) {
	t := new(Tables)
	if err := p.ForwardInto(t, reg, gamma, theta); err != nil {
		return nil, err
	}
	return t, nil
}

// ForwardInto is Forward writing into dst, whose buffers are reused (grown
// when too small), so a loop over score vectors allocates nothing after
// the first call.
func (p *Problem) ForwardInto(dst *Tables, reg Reg, gamma float64, theta []float64) error {
	var errs ErrorList
	p.validateRun(&errs, reg, gamma)
	if p != nil {
		validateVector(&errs, "theta", theta, len(p.Weights))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	dst.reset(p, reg, gamma, theta)
	dst.forward()
	if math.IsNaN(dst.value) || math.IsInf(dst.value, 1) {
		// Only possible when sums of scores overflow float64.
		return ErrorList{{Arg: "theta", Msg: "scores too large: the value overflows float64"}}
	}
	return nil
}

// grow returns s resliced to n, reallocating when its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (t *Tables) reset(p *Problem, reg Reg, gamma float64, theta []float64) {
	n, W := len(p.Weights), p.Capacity+1
	t.kind, t.capacity, t.reg, t.gamma = p.Kind, p.Capacity, reg, gamma
	t.weights = append(t.weights[:0], p.Weights...)
	t.theta = append(t.theta[:0], theta...)
	t.q = grow(t.q, n*W)
	for i := range t.rows {
		t.rows[i] = grow(t.rows[i], W)
	}
}

// N is the number of items, C the capacity.
func (t *Tables) N() int        { return len(t.weights) }
func (t *Tables) Capacity() int { return t.capacity }

// Value is v[n, C], the smoothed optimum.
func (t *Tables) Value() float64 { return t.value }

// FinalState returns v[n, c] for c = 0..C (a copy). For Knapsack it is the
// smoothed optimum at every capacity; for TopK, the smoothed top-c value
// for every count c ≤ k.
func (t *Tables) FinalState() []float64 { return append([]float64(nil), t.last...) }

// Pick returns q[i, c], the probability that item i (1-based, as in the
// recursion) is picked at capacity c. It is 0 when c < w_i.
func (t *Tables) Pick(i, c int) float64 {
	if i < 1 || i > len(t.weights) || c < 0 || c > t.capacity {
		panic("smoothdp: Pick index out of range")
	}
	return t.q[(i-1)*(t.capacity+1)+c]
}

// initRow sets v[0, ·].
func (t *Tables) initRow(v []float64) {
	switch t.kind {
	case TopK:
		for c := range v {
			v[c] = negInf
		}
		v[0] = 0
	default:
		clear(v)
	}
}

// forward is Alg. 1: for i = 1..n and c = 0..C,
// v[i, c] = max_Ω(v[i−1, c], v[i−1, c−w_i] + θ_i), the second option only
// when c ≥ w_i (else q = 0 and v[i, c] = v[i−1, c]).
func (t *Tables) forward() {
	W := t.capacity + 1
	prev, cur := t.rows[0], t.rows[1]
	t.initRow(prev)
	inv := 1 / t.gamma
	for i, w := range t.weights {
		qi := t.q[i*W : (i+1)*W]
		k := min(w, W) // cells with only the skip option
		copy(cur[:k], prev[:k])
		clear(qi[:k])
		if k < W {
			forwardRow(t.reg, cur[k:], qi[k:], prev[k:], prev[:W-k], t.theta[i], t.gamma, inv)
		}
		prev, cur = cur, prev
	}
	t.last = prev
	t.value = prev[W-1]
}

// forwardRow sets v[c] = max_Ω(skip[c], pick[c] + theta) and q[c] for every
// c. The switch is outside the loops so each loop inlines its kernel.
func forwardRow(reg Reg, v, q, skip, pick []float64, theta, gamma, inv float64) {
	q, skip, pick = q[:len(v)], skip[:len(v)], pick[:len(v)]
	switch reg {
	case Shannon:
		for c := range v {
			v[c], q[c], _ = shannon2(skip[c], pick[c]+theta, gamma, inv)
		}
	case Gini:
		for c := range v {
			v[c], q[c], _ = gini2(skip[c], pick[c]+theta, gamma, inv)
		}
	default:
		for c := range v {
			v[c], q[c], _ = tsallis2(skip[c], pick[c]+theta, gamma, inv)
		}
	}
}
