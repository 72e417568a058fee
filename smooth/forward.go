package smooth

import (
	"fmt"
	"math"
)

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

	// Scratch rows of C+1 floats: rows[0..1] hold v (or, for scaled
	// Shannon, the mantissas) in the forward pass and keep the last row
	// afterwards (last aliases one of them; the VJP recomputes the same rows
	// bit for bit). The backward passes use the spare one of rows[0..1] and
	// rows[2..5].
	rows [6][]float64
	last []float64 // v[n, ·], or its mantissas when scaled

	// scaled is set when the forward pass ran Shannon in the scaled
	// exponential form (scaled.go); exps[0..1] hold the binary exponents
	// and lastExp aliases the one that goes with last.
	scaled  bool
	exps    [2][]int64
	lastExp []int64

	// qdot is the tangent of q along z, same layout as q (VJP only).
	qdot []float64
}

// Forward runs the forward pass of the smoothed DP (Alg. 1) for scores θ
// (theta[i] scores item i) with regulariser reg at temperature γ = gamma.
// It returns an ErrorList naming every bad argument, never NaN results.
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
	validateScale(&errs, "theta", theta, gamma)
	if err := errs.Err(); err != nil {
		return err
	}
	dst.reset(p, reg, gamma, theta)
	dst.forward()
	if math.IsNaN(dst.value) || math.IsInf(dst.value, 1) {
		panic(fmt.Sprintf("smooth: value %v from scores within the magnitude bound", dst.value))
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
	t.scaled = reg == Shannon && scalable(theta, gamma)
	if t.scaled {
		for i := range t.exps {
			t.exps[i] = grow(t.exps[i], W)
		}
	}
}

// N is the number of items.
func (t *Tables) N() int { return len(t.weights) }

// Capacity is C.
func (t *Tables) Capacity() int { return t.capacity }

// Value is v[n, C], the smoothed optimum.
func (t *Tables) Value() float64 { return t.value }

// FinalState returns v[n, c] for c = 0..C (a copy). For Knapsack it is the
// smoothed optimum at every capacity; for TopK, the smoothed top-c value
// for every count c ≤ k.
func (t *Tables) FinalState() []float64 {
	if t.scaled {
		row := make([]float64, len(t.last))
		for c := range row {
			row[c] = scaledValue(t.last[c], t.lastExp[c], t.gamma)
		}
		return row
	}
	return append([]float64(nil), t.last...)
}

// Pick returns q[i, c], the weight max_Ω gives to "pick" in cell (i, c):
// the probability that the sampler picks item i (1-based, as in the
// recursion) when it reaches it with capacity c. It is 0 when c < w_i.
// Indices out of range panic, like slice indices.
func (t *Tables) Pick(i, c int) float64 {
	if i < 1 || i > len(t.weights) || c < 0 || c > t.capacity {
		panic("smooth: Pick index out of range")
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

// initFinite is the length of the prefix of v[0, ·] that is finite.
func (t *Tables) initFinite() int {
	if t.kind == TopK {
		return 1
	}
	return t.capacity + 1
}

// nextFinite is the finite prefix of v[i, ·] given that of v[i−1, ·]:
// cells c < fin keep a finite skip option and cells fin ≤ c < fin + w get
// a finite pick option, so with w ≤ fin the prefix grows by w. (With
// w > fin there would be a gap; neither Knapsack nor TopK has one, and
// keeping fin is still a valid lower bound.)
func nextFinite(fin, w, W int) int {
	if w <= fin {
		return min(fin+w, W)
	}
	return fin
}

// forward is Alg. 1: for i = 1..n and c = 0..C,
// v[i, c] = max_Ω(v[i−1, c], v[i−1, c−w_i] + θ_i), the second option only
// when c ≥ w_i (else q = 0 and v[i, c] = v[i−1, c]).
func (t *Tables) forward() {
	if t.scaled {
		t.forwardScaled()
		return
	}
	W := t.capacity + 1
	prev, cur := t.rows[0], t.rows[1]
	t.initRow(prev)
	fin := t.initFinite()
	for i, w := range t.weights {
		t.forwardRow(i, cur, prev, fin)
		fin = nextFinite(fin, w, W)
		prev, cur = cur, prev
	}
	t.last = prev
	t.value = prev[W-1]
}

// forwardRow computes v[i+1, ·] into cur from v[i, ·] in prev and writes
// q[i+1, ·] (i is 0-based here). fin is a prefix of prev known to be
// finite (all of it for Knapsack; c ≤ i for TopK): cells c ∈ [w, fin)
// have two finite options and go through the branch-free fastRow; the
// others, where an option may be −∞, through the kernels of reg.go.
func (t *Tables) forwardRow(i int, cur, prev []float64, fin int) {
	W := t.capacity + 1
	w, th := t.weights[i], t.theta[i]
	qi := t.q[i*W : (i+1)*W]
	inv := 1 / t.gamma
	k := min(w, W) // cells with only the skip option
	copy(cur[:k], prev[:k])
	clear(qi[:k])
	if k < fin {
		fastRow(t.reg, cur[k:fin], qi[k:fin], prev[k:fin], prev[:fin-k], th, t.gamma, inv)
	}
	if lo := max(k, fin); lo < W {
		kernel := kernelOf(t.reg)
		for c := lo; c < W; c++ {
			cur[c], qi[c], _ = kernel(prev[c], prev[c-w]+th, t.gamma, inv)
		}
	}
}

// fastRow sets v[c] = max_Ω(skip[c], pick[c] + theta) and q[c] for every
// c, all operands finite. These are the kernels of reg.go without the −∞
// checks, inlined by hand (the compiler does not inline them), with the
// choice between p and 1−p made by a sign-bit mask instead of a branch:
// the sign of Δ is data-dependent and mispredicts.
func fastRow(reg Reg, v, q, skip, pick []float64, theta, gamma, inv float64) {
	q, skip, pick = q[:len(v)], skip[:len(v)], pick[:len(v)]
	switch reg {
	case Shannon:
		for c := range v {
			a, b := skip[c], pick[c]+theta
			d := b - a
			t := expNeg(math.Abs(d) * inv)
			p := 1 / (1 + t)
			q[c] = selectNeg(d, p, t*p)
			v[c] = max(a, b) + gamma*log1pUnit(t)
		}
	case Gini:
		half := 0.5 * inv
		for c := range v {
			a, b := skip[c], pick[c]+theta
			d := b - a
			q[c] = min(max(0.5+half*d, 0), 1)
			s := max(1-math.Abs(d)*inv, 0)
			v[c] = max(a, b) + 0.25*gamma*s*s
		}
	default:
		half := 0.5 * inv
		for c := range v {
			a, b := skip[c], pick[c]+theta
			d := b - a
			x := min(math.Abs(d)*half, 1)
			r2 := 2 - x*x
			r := math.Sqrt(r2)
			xr := x * r
			q[c] = selectNeg(d, 0.5*(1+xr), 0.5*(1-xr))
			v[c] = max(a, b) + gamma*max((4-3*x-r*r2)*third, 0)
		}
	}
}

// selectNeg returns neg when d has its sign bit set, else pos, without a
// branch.
func selectNeg(d, pos, neg float64) float64 {
	mask := uint64(int64(math.Float64bits(d)) >> 63)
	return math.Float64frombits(math.Float64bits(pos)&^mask | math.Float64bits(neg)&mask)
}
