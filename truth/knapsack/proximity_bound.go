package knapsack

import (
	"math"
	"math/big"
	"slices"
)

// This file holds the upper bounds Proximity prunes with. Both are
// Lagrangian: for multipliers λ (capacity) and μ (number of items) and
// c_i = p_i − λ·w_i − μ, any solution X with exchange (A, B) from G has
//
//	P(X) = λ·W(X) + μ·|X| + Σ_X c_i
//	     ≤ pG + λ·slack + μ·(|X| − |G|) − Σ_{A∪B} |c_i|
//
// when c_i ≥ 0 on G and c_i ≤ 0 outside it (then adding an item or
// removing one can only lose |c_i|). With μ = 0 and λ = p_b/w_b this is
// the Dantzig bound. The item count of a solution worth more than LB lies
// in [kMin, kMax] (kMax the most items that fit, kMin the fewest whose
// profits can exceed LB), which bounds μ·(|X| − |G|); for strongly
// correlated instances (p = w + R/10) λ = 1, μ = R/10 makes every c_i zero
// and the bound pG + slack, often the optimum, where the Dantzig bound is
// up to R/10 higher and fixes almost nothing.

// lagrange is a bound with λ = P/Q and μ = M/Q; losses are scaled by Q.
type lagrange struct {
	ok      bool
	P, Q, M int64
	loss    []int64 // |c_i|·Q per position in ratio order
	budget  int64   // the largest total loss·Q of an exchange worth more than LB; −1: none
}

// lagrangeData is what every lagrangeBound of one run shares: the weights
// and profits sorted (for the item counts) and, per weight, the most
// profitable item outside G and the least profitable in G, the only items
// that decide the extremes h and g.
type lagrangeData struct {
	ws, ps       []int64 // every weight, every profit, ascending
	outW, outP   []int64 // per weight outside G, the largest profit
	inW, inP     []int64 // per weight in G, the smallest profit
	pmax, sumWtG int64
}

func (ex *exchangeSolver) lagrangeShared() *lagrangeData {
	if ex.lagData != nil {
		return ex.lagData
	}
	d := &lagrangeData{ws: slices.Clone(ex.w), ps: slices.Clone(ex.p)}
	slices.Sort(d.ws)
	slices.Sort(d.ps)
	d.pmax = d.ps[len(d.ps)-1]
	d.sumWtG = sumUpTo(ex.w, ex.b)
	// extremes returns, for the positions [lo, hi), one (weight, profit)
	// per weight: the largest profit if most, else the smallest.
	extremes := func(lo, hi int, most bool) (ws, ps []int64) {
		idx := make([]int, 0, hi-lo)
		for k := lo; k < hi; k++ {
			idx = append(idx, k)
		}
		slices.SortFunc(idx, func(a, b int) int {
			if ex.w[a] != ex.w[b] {
				return cmpInt64(ex.w[a], ex.w[b])
			}
			if most {
				return cmpInt64(ex.p[b], ex.p[a])
			}
			return cmpInt64(ex.p[a], ex.p[b])
		})
		for j, k := range idx {
			if j == 0 || ex.w[k] != ex.w[idx[j-1]] {
				ws, ps = append(ws, ex.w[k]), append(ps, ex.p[k])
			}
		}
		return ws, ps
	}
	d.outW, d.outP = extremes(ex.b, len(ex.p), true)
	d.inW, d.inP = extremes(0, ex.b, false)
	ex.lagData = d
	return d
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// lagrangeBound chooses λ and μ for the current lb: λ minimises the bound
// over a grid of step 1/Q (ternary search; the bound is convex in λ), μ
// is the feasible value nearest 0. It gives up (ok false) where the
// scaled products could overflow int64.
func (ex *exchangeSolver) lagrangeBound() lagrange {
	m := len(ex.p)
	d := ex.lagrangeShared()
	pmax := d.pmax
	// Q = w_b·2^s, so λ = r = p_b·2^s/Q is on the grid; every p·Q is
	// below 2^50 and P·w below 2^52, so their sums stay in int64.
	s := 0
	prod, ok := mulDiv(pmax, ex.wmax, 1)
	if !ok || prod >= 1<<50 {
		return lagrange{}
	}
	for s < 16 && prod<<(s+1) < 1<<50 {
		s++
	}
	wb, pb := ex.w[ex.b], ex.p[ex.b]
	Q := wb << s
	Pr := pb << s
	// kMax: the most items that fit; kMin: the fewest whose profits can
	// sum to lb + 1.
	ws, ps := d.ws, d.ps
	kMax, room := 0, ex.slack+d.sumWtG
	for kMax < m && ws[kMax] <= room {
		room -= ws[kMax]
		kMax++
	}
	kMin, got := 0, int64(0)
	for kMin < m && got <= ex.lb {
		got += ps[m-1-kMin]
		kMin++
	}
	dMax, dMin := int64(kMax-ex.b), int64(kMin-ex.b)
	// h = max of p·Q − P·w outside G, g = min of it in G; per weight only
	// the extreme profit counts.
	hg := func(P int64) (h, g int64) {
		h, g = math.MinInt64, math.MaxInt64
		for j, w := range d.inW {
			g = min(g, d.inP[j]*Q-P*w)
		}
		for j, w := range d.outW {
			h = max(h, d.outP[j]*Q-P*w)
		}
		return h, g
	}
	feasible := func(P int64) bool { h, g := hg(P); return h <= g }
	value := func(P int64) float64 {
		h, g := hg(P)
		if h > g {
			return math.Inf(1)
		}
		return float64(P)*float64(ex.slack) + float64(dMax)*float64(max(h, 0)) + float64(dMin)*float64(min(g, 0))
	}
	// The feasible P form an interval holding Pr (h − g is convex); the
	// search stops at 2^52/w_max, where P·w would leave int64.
	Pmax := max(Pr, (1<<52)/ex.wmax)
	lo, hi := int64(0), Pr
	for lo < hi {
		mid := lo + (hi-lo)/2
		if feasible(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	a := lo
	lo, hi = Pr, Pmax
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if feasible(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	b := lo
	for b-a > 2 {
		m1, m2 := a+(b-a)/3, b-(b-a)/3
		if value(m1) <= value(m2) {
			b = m2
		} else {
			a = m1
		}
	}
	best := Pr
	for P := a; P <= b; P++ {
		if value(P) < value(best) {
			best = P
		}
	}
	h, g := hg(best)
	M := min(max(int64(0), h), g)
	lg := lagrange{ok: true, P: best, Q: Q, M: M, loss: make([]int64, m)}
	for k := range m {
		v := ex.p[k]*Q - best*ex.w[k] - M
		lg.loss[k] = abs64(v)
	}
	// budget = (pG − lb − 1)·Q + P·slack + max(M·dMax, M·dMin), in big
	// arithmetic, clamped to [−1, 2^62].
	t := new(big.Int).SetInt64(ex.pG - ex.lb - 1)
	t.Mul(t, big.NewInt(Q))
	t.Add(t, new(big.Int).Mul(big.NewInt(best), big.NewInt(ex.slack)))
	mu := new(big.Int).Mul(big.NewInt(M), big.NewInt(dMax))
	if mu2 := new(big.Int).Mul(big.NewInt(M), big.NewInt(dMin)); mu2.Cmp(mu) > 0 {
		mu = mu2
	}
	t.Add(t, mu)
	switch {
	case t.Sign() < 0:
		lg.budget = -1
	case t.Cmp(big.NewInt(1<<62)) > 0:
		lg.budget = 1 << 62
	default:
		lg.budget = t.Int64()
	}
	return lg
}

func sumUpTo(v []int64, n int) int64 {
	var s int64
	for _, x := range v[:n] {
		s += x
	}
	return s
}

// dantzigLoss returns |p_b·w_k − p_k·w_b| and the budget
// pG·w_b + p_b·slack − (lb + 1)·w_b of the Dantzig bound, in float64 for
// the reach estimate only (see reachCap).
func (ex *exchangeSolver) dantzigLoss(k int) float64 {
	pb, wb := float64(ex.p[ex.b]), float64(ex.w[ex.b])
	return math.Abs(pb*float64(ex.w[k]) - float64(ex.p[k])*wb)
}

func (ex *exchangeSolver) dantzigBudget() float64 {
	pb, wb := float64(ex.p[ex.b]), float64(ex.w[ex.b])
	return float64(ex.pG-ex.lb-1)*wb + pb*float64(ex.slack)
}

// reachCap bounds the total weight of the items of one side that an
// exchange worth more than lb can use: the fractional knapsack of
// maximum weight whose loss stays within the budget. It is computed in
// float64 and widened by a relative 10^-6 plus w_max, far beyond the
// rounding of sums of at most 2^24 float64 terms; it is only a cap on
// the DP window, never a value of the answer.
func reachCap(items []int, weight func(int) int64, loss func(int) float64, budget float64, wmax int64) int64 {
	type cand struct {
		w    float64
		rate float64
	}
	cs := make([]cand, 0, len(items))
	var free float64
	for _, k := range items {
		w := float64(weight(k))
		l := loss(k)
		if l <= 0 {
			free += w
			continue
		}
		cs = append(cs, cand{w, l / w})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		switch {
		case a.rate < b.rate:
			return -1
		case a.rate > b.rate:
			return 1
		}
		return 0
	})
	total, left := free, budget
	for _, c := range cs {
		if c.w*c.rate <= left {
			total += c.w
			left -= c.w * c.rate
			continue
		}
		total += left / c.rate
		break
	}
	capped := total*(1+1e-6) + float64(wmax) + 1
	if capped >= float64(math.MaxInt64/4) {
		return math.MaxInt64 / 4
	}
	return int64(capped)
}
