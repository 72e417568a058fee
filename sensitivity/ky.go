package sensitivity

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// KYSlack is the factor between the target error ε of the Kumabe–Yoshida
// algorithm and its internal parameter δ = ε/KYSlack: the losses of the
// reconstruction (docs/sensitivity.md) add up to 13δ·OPT, so the mean value
// is at least (1 − ε)·OPT for every threshold drawn.
const KYSlack = 13

// KY is the stable-on-average (1 − ε)-approximation of Kumabe & Yoshida
// ("Average sensitivity of the knapsack problem", Theorem 1.1, Algorithms
// 2 and 3), as reconstructed in docs/sensitivity.md from the paper's prose
// (its formulas did not survive in the copy we have). With capacity C,
// fractional optimum OPT̃ and δ = ε/KYSlack, one draw
//
//  1. draws the value threshold τ uniformly from [δ·OPT̃, 2δ·OPT̃]; items
//     of profit ≥ τ are large, the others small;
//  2. rounds the large profits down to multiples of K = δτ and finds, by a
//     DP over the large items in index order, for every rounded value r the
//     least weight of a subset reaching exactly r; the candidates are one
//     set per bucket j = ⌊δr⌋ (K·r in [jτ, (j+1)τ)): the lightest, ties to
//     the larger r;
//  3. scores candidate S by f(S) = p(S) + OPT̃(small items, C − w(S)) and
//     picks one by the exponential mechanism, probability ∝ exp(β·f) with
//     β = 2(ln M + 1)/τ, M = ⌊1/δ⌋ + 1 buckets at most;
//  4. adds the small items by the modified greedy algorithm (Algorithm 1):
//     in non-increasing efficiency, the longest prefix of weight at most
//     c·(C − w(S)) with c uniform in [1 − δ, 1].
//
// KY is a Coupler: Couple transports a draw to the instance without one
// item as the paper's proof does (the same τ with the largest possible
// probability, then the same bucket with the largest possible
// probability, always the same c), so Coupled gives an upper bound on the
// earth mover's distance that follows the paper's own bound.
type KY struct {
	in    knapsack.Instance
	eps   float64
	delta float64
	seed  uint64
	whole *kyView
	draws []*kyDraw
	// the view of the instance without item del, for the Couple calls of
	// one deletion
	del  int
	view *kyView
}

// kyView is the instance restricted to the items present.
type kyView struct {
	present []bool
	order   []int // the items present that fit, in non-increasing efficiency
	frac    float64
}

// kyBucket is the candidate set of large items of bucket j.
type kyBucket struct {
	j      int
	items  []int // ascending
	weight int64
	profit int64
}

// kyDraw is one draw on a view: its randomness and what it chose.
type kyDraw struct {
	tau, c  float64
	buckets []kyBucket
	small   prefixSums
	pi      []float64
	pick    int
	out     []int
}

// NewKY returns the algorithm with target error eps on in; draws are
// seeded by seed.
func NewKY(in knapsack.Instance, eps float64, seed uint64) (*KY, error) {
	if !(eps > 0 && eps < 1) {
		return nil, fmt.Errorf("sensitivity: Kumabe–Yoshida ε = %v, want 0 < ε < 1", eps)
	}
	if in.Len() == 0 {
		return nil, ErrEmpty
	}
	k := &KY{in: in, eps: eps, delta: eps / KYSlack, seed: seed, del: -1}
	k.whole = k.newView(nil)
	return k, nil
}

// newView is the instance with the items present (nil: all).
func (k *KY) newView(present []bool) *kyView {
	if present == nil {
		present = make([]bool, k.in.Len())
		for i := range present {
			present[i] = true
		}
	}
	v := &kyView{present: present, order: efficiencyOrder(k.in, present)}
	v.frac = fractional(k.in, v.order, float64(k.in.Capacity))
	return v
}

// without is the whole instance without item del.
func (k *KY) without(del int) *kyView {
	p := slices.Clone(k.whole.present)
	p[del] = false
	return k.newView(p)
}

// rng returns the generator of draw s (del < 0) or of its coupling to the
// instance without del.
func (k *KY) rng(s, del int) *rand.Rand {
	hi, lo := bits.Mul64(k.seed^0x9e3779b97f4a7c15, uint64(s)+1)
	return rand.New(rand.NewPCG(hi^lo, uint64(del+1)))
}

// Draw is the output of draw s on the whole instance.
func (k *KY) Draw(s int) ([]int, error) {
	return k.draw(s).out, nil
}

func (k *KY) draw(s int) *kyDraw {
	for len(k.draws) <= s {
		k.draws = append(k.draws, nil)
	}
	if k.draws[s] == nil {
		rng := k.rng(s, -1)
		k.draws[s] = k.run(k.whole, k.delta*k.whole.frac*(1+rng.Float64()), rng.Float64(), 1-k.delta*rng.Float64(), nil)
	}
	return k.draws[s]
}

// run is one draw on v with threshold tau, bucket uniform u and greedy
// factor c; buckets, when not nil, are the candidates (already known).
func (k *KY) run(v *kyView, tau, u, c float64, buckets []kyBucket) *kyDraw {
	d := &kyDraw{tau: tau, c: c}
	if v.frac == 0 { // every profit is 0 or nothing fits: the empty set
		return d
	}
	if buckets == nil {
		buckets = k.candidates(v, tau)
	}
	d.buckets = buckets
	d.small = k.smallItems(v, tau)
	d.pi = k.scores(d)
	d.pick = pickIndex(d.pi, u)
	d.out = k.output(d)
	return d
}

// large says whether item i is large at threshold tau.
func (k *KY) large(v *kyView, i int, tau float64) bool {
	return v.present[i] && k.in.Weights[i] <= k.in.Capacity && float64(k.in.Profits[i]) >= tau
}

// candidates is step 2: one lightest subset of large items per bucket.
func (k *KY) candidates(v *kyView, tau float64) []kyBucket {
	K := k.delta * tau
	R := int(math.Floor(v.frac / K)) // K·r(S) ≤ p(S) ≤ OPT ≤ OPT̃ for a feasible S
	var large []int
	for i := range k.in.Profits {
		if k.large(v, i, tau) {
			large = append(large, i)
		}
	}
	inf := k.in.Capacity + 1
	minW := make([]int64, R+1)
	for r := 1; r <= R; r++ {
		minW[r] = inf
	}
	words := (R + 64) / 64
	take := make([]uint64, len(large)*words)
	rs := make([]int, len(large))
	for x, i := range large {
		rs[x] = int(math.Floor(float64(k.in.Profits[i]) / K))
		w, row := k.in.Weights[i], take[x*words:(x+1)*words]
		for r := R; r >= rs[x]; r-- {
			if cand := minW[r-rs[x]] + w; cand < minW[r] && cand <= k.in.Capacity {
				minW[r] = cand
				row[r/64] |= 1 << (r % 64)
			}
		}
	}
	best := map[int]int{} // bucket → r
	var js []int
	for r, w := range minW {
		if w > k.in.Capacity {
			continue
		}
		j := int(math.Floor(float64(r) * k.delta))
		b, ok := best[j]
		if !ok {
			js = append(js, j)
		}
		if !ok || w < minW[b] || (w == minW[b] && r > b) {
			best[j] = r
		}
	}
	slices.Sort(js)
	out := make([]kyBucket, len(js))
	for n, j := range js {
		r := best[j]
		b := kyBucket{j: j, weight: minW[r]}
		for x := len(large) - 1; x >= 0 && r > 0; x-- {
			if take[x*words+r/64]>>(r%64)&1 == 1 {
				b.items = append(b.items, large[x])
				b.profit += k.in.Profits[large[x]]
				r -= rs[x]
			}
		}
		slices.Sort(b.items)
		out[n] = b
	}
	return out
}

// smallItems are the small items of v in non-increasing efficiency.
func (k *KY) smallItems(v *kyView, tau float64) prefixSums {
	var small []int
	for _, i := range v.order {
		if float64(k.in.Profits[i]) < tau {
			small = append(small, i)
		}
	}
	return newPrefixSums(k.in, small)
}

// scores is step 3: the exponential mechanism's probabilities.
func (k *KY) scores(d *kyDraw) []float64 {
	M := math.Floor(1/k.delta) + 1
	beta := 2 * (math.Log(M) + 1) / d.tau
	f := make([]float64, len(d.buckets))
	fmax := math.Inf(-1)
	for n, b := range d.buckets {
		f[n] = float64(b.profit) + d.small.fractional(k.in, float64(k.in.Capacity-b.weight))
		fmax = max(fmax, f[n])
	}
	var sum float64
	for n := range f {
		f[n] = math.Exp(beta * (f[n] - fmax))
		sum += f[n]
	}
	for n := range f {
		f[n] /= sum
	}
	return f
}

// pickIndex draws an index from pi with the uniform u.
func pickIndex(pi []float64, u float64) int {
	var acc float64
	for n, p := range pi {
		acc += p
		if u < acc {
			return n
		}
	}
	return len(pi) - 1
}

// output is step 4: the chosen bucket's set and the greedy prefix.
func (k *KY) output(d *kyDraw) []int {
	b := d.buckets[d.pick]
	m := d.small.fit(d.c * float64(k.in.Capacity-b.weight))
	out := append(slices.Clone(b.items), d.small.items[:m]...)
	slices.Sort(out)
	return out
}

// Couple is an output on the instance without item del, coupled with
// draw s.
func (k *KY) Couple(s, del int) ([]int, error) {
	if del < 0 || del >= k.in.Len() {
		return nil, fmt.Errorf("sensitivity: no item %d to delete", del)
	}
	a := k.draw(s)
	if k.del != del {
		k.del, k.view = del, k.without(del)
	}
	return k.transport(a, k.whole, k.view, k.rng(s, del)).out, nil
}

// transport draws an output on view to coupled with draw a on view from,
// as the paper's proof transports probability mass: the same threshold
// with probability min(1, p_to(τ)/p_from(τ)), else one from the excess
// (p_to − p_from)⁺; at the same threshold the same bucket with probability
// min(1, π_to(j)/π_from(j)), else one from the excess; always the same
// greedy factor c. Each step is a maximal coupling, so the draw on to has
// exactly the algorithm's distribution there.
func (k *KY) transport(a *kyDraw, from, to *kyView, rng *rand.Rand) *kyDraw {
	if from.frac == 0 || to.frac == 0 {
		return k.run(to, k.delta*to.frac*(1+rng.Float64()), rng.Float64(), a.c, nil)
	}
	lo, loB := k.delta*from.frac, k.delta*to.frac
	keep := 0.0
	if a.tau >= loB && a.tau <= 2*loB {
		keep = min(1, lo/loB)
	}
	if rng.Float64() >= keep { // a new threshold from the rest of its distribution
		return k.run(to, residualUniform(lo, loB, rng), rng.Float64(), a.c, nil)
	}
	// The same threshold: the candidates stay a's when no large item
	// arrived and no departed large item is in one of them (a lightest set
	// without the departed items stays the DP's choice: the DP takes an
	// item only if that strictly lowers the weight, so removing items its
	// choice does not use changes none of its choices).
	buckets := a.buckets
	for i := range k.in.Profits {
		was, is := k.large(from, i, a.tau), k.large(to, i, a.tau)
		if is && !was {
			buckets = nil
			break
		}
		if was && !is && slices.ContainsFunc(a.buckets, func(b kyBucket) bool { return containsSorted(b.items, i) }) {
			buckets = nil
			break
		}
	}
	d := k.run(to, a.tau, 0, a.c, buckets)
	j := a.buckets[a.pick].j
	piA := map[int]float64{}
	for n, b := range a.buckets {
		piA[b.j] = a.pi[n]
	}
	same := -1
	for n, b := range d.buckets {
		if b.j == j {
			same = n
		}
	}
	if same >= 0 && rng.Float64() < min(1, d.pi[same]/piA[j]) {
		d.pick = same
	} else {
		excess := make([]float64, len(d.buckets))
		var sum float64
		for n, b := range d.buckets {
			excess[n] = max(0, d.pi[n]-piA[b.j])
			sum += excess[n]
		}
		if sum > 0 {
			for n := range excess {
				excess[n] /= sum
			}
			d.pick = pickIndex(excess, rng.Float64())
		} else {
			d.pick = pickIndex(d.pi, rng.Float64())
		}
	}
	d.out = k.output(d)
	return d
}

// residualUniform draws from (p' − p)⁺ normalised, where p is uniform on
// [lo, 2lo] and p' uniform on [loB, 2loB]: the part of p' that the
// maximal coupling does not take from p.
func residualUniform(lo, loB float64, rng *rand.Rand) float64 {
	pts := []float64{loB, 2 * loB}
	for _, x := range []float64{lo, 2 * lo} {
		if x > loB && x < 2*loB {
			pts = append(pts, x)
		}
	}
	slices.Sort(pts)
	mass := make([]float64, len(pts)-1)
	var total float64
	for n := range mass {
		mid := (pts[n] + pts[n+1]) / 2
		dens := 1 / loB
		if mid >= lo && mid <= 2*lo {
			dens -= 1 / lo
		}
		mass[n] = max(0, dens) * (pts[n+1] - pts[n])
		total += mass[n]
	}
	if total <= 0 {
		return loB * (1 + rng.Float64())
	}
	u := rng.Float64() * total
	for n, m := range mass {
		if u < m || n == len(mass)-1 {
			return pts[n] + (pts[n+1]-pts[n])*min(1, u/m)
		}
		u -= m
	}
	panic("unreachable")
}
