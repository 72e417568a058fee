package knapsack

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// MethodProximity names Proximity.
const MethodProximity Method = "proximity"

// MaxProximityCells bounds the cells Proximity fills, summed over its
// weight-class updates (docs/truth.md). A cell costs 4–20 ns (more where
// the convolutions are long) and two bytes of memory for the traceback,
// so the limit is 0.3–1.4 s and 128 MiB per phase.
const MaxProximityCells = 1 << 26

// maxProximityProfit bounds the total profit of the live items: every
// value of the exchange DP then lies in [−2^60, 2^60], and a dead cell,
// stored as −2^62, stays below every live one after adding a profile.
const maxProximityProfit = 1 << 60

// deadCell marks an exchange that no choice reaches, or whose LP bound
// cannot beat the best solution known; anything below deadBelow is dead.
const (
	deadCell  = -(1 << 62)
	deadBelow = -(1 << 61)
)

// Proximity solves the instance from the greedy solution, after Jin's
// 0-1 knapsack algorithm in Õ(n + w_max²) time as the report
// papers/jin-near-quadratic-knapsack-report-zh.txt presents it, keeping
// its practical core (docs/truth.md says what was left out):
//
//   - Greedy. Items sorted by profit/weight; G takes every item before the
//     break item b, the first that does not fit. An optimum is G with a set
//     A of other items added and a set B of G removed, the exchange (A, B).
//   - Proximity. Some optimum has |A| + |B| ≤ 2·w_max − 1 (a longer
//     exchange has two sub-exchanges of equal weight, and dropping both
//     loses nothing), so every partial exchange weighs within
//     ±w_max·(2·w_max − 1); and its net weight z = W(A) − W(B) lies in
//     (slack − w_max, slack], slack = C − W(G).
//   - Weight partitioning and rank. Among items of one weight on one side,
//     the most profitable outside G and the least profitable inside G go
//     first, so a class contributes a prefix of its items and its profit is
//     a concave function of how many it contributes.
//   - (max,+) convolution. The DP over z is updated once per weight class
//     and side, for every residue mod the weight, by a (max,+) convolution
//     of the table with that concave profile; its row maxima are monotone,
//     found by divide and conquer in O(L log L) for a table of L cells.
//
// On top of the report, the Dantzig bound U of the LP relaxation fixes
// items and cells: an exchange of total LP loss ℓ (each added item loses
// r·w − p, each removed one p − r·w, r the break item's ratio) is worth at
// most U − ℓ, so with a solution of value LB known, items and DP cells
// whose bound is at most LB are dropped. LB comes from the same DP run
// first on windows of items around the break item, growing fourfold until
// the whole instance is cheaper than the window.
//
// It returns ErrTooLarge, before allocating, when its predicted cells
// exceed MaxProximityCells or the total profit reaches 2^60 (where its
// sums could overflow int64).
func Proximity(profits, weights []int64, capacity int64) (Solution, error) {
	ex, err := prepareProximity(profits, weights, capacity, MaxProximityCells)
	if err != nil {
		return Solution{}, err
	}
	return ex.finish(), nil
}

// ProximityCost returns the cells Proximity would fill on the instance:
// those of the window phases it runs to find a good solution (which
// ProximityCost runs too) plus the predicted cells of the final DP, an
// upper bound. It returns ErrTooLarge where Proximity would.
func ProximityCost(profits, weights []int64, capacity int64) (int64, error) {
	ex, err := prepareProximity(profits, weights, capacity, MaxProximityCells)
	if err != nil {
		return 0, err
	}
	return ex.spent + ex.final.cells, nil
}

// exchangeSolver is one run of Proximity: the instance in ratio order,
// the greedy solution, the best solution known and the final plan.
type exchangeSolver struct {
	profits, weights []int64
	r                reduced
	order            []int   // live items by nonincreasing profit/weight
	p, w             []int64 // profits and weights in that order
	b                int     // break item: items before it form G
	pG, slack        int64   // profit of G, C − W(G)
	wmax             int64   // in units of gcd
	gcd              int64   // of the live weights; w and slack are divided by it
	upper            int64   // ⌊Dantzig bound⌋
	lb               int64   // value of the best solution known
	lbFlip           []int   // its exchange: positions toggled from G
	spent            int64   // cells filled so far
	lag              lagrange
	lagData          *lagrangeData // what lagrangeBound needs that lb does not change
	final            plan          // the last DP, over every candidate
	done             bool          // lbFlip is optimal without the final DP
	method           Method
}

// group is the items of one weight on one side of the break that may be
// exchanged, best first: b[x] is the profit change of exchanging the
// first x of them (concave, b[0] = 0).
type group struct {
	w     int64
	plus  bool  // outside G: adding them raises the net weight
	items []int // positions in ratio order
	b     []int64
}

// plan is a sequence of group updates and its predicted cells.
type plan struct {
	groups []group
	cells  int64 // saturates at math.MaxInt64
	// zUp and zDown bound the net weight of every partial exchange:
	// −zDown ≤ z ≤ zUp (proximity and the loss budgets).
	zUp, zDown int64
}

func prepareProximity(profits, weights []int64, capacity int64, maxCells int64) (*exchangeSolver, error) {
	if err := Validate(profits, weights, capacity); err != nil {
		return nil, err
	}
	r := reduce(profits, weights, capacity)
	if r.sumProfit >= maxProximityProfit {
		return nil, fmt.Errorf("%w: proximity needs a total profit below 2^60 (its DP adds profits in int64), have %d", ErrTooLarge, r.sumProfit)
	}
	ex := &exchangeSolver{profits: profits, weights: weights, r: r, method: MethodProximity}
	ex.order = slices.Clone(r.live)
	slices.SortFunc(ex.order, func(a, b int) int {
		if c := cmp128(profits[b], weights[a], profits[a], weights[b]); c != 0 {
			return c
		}
		return a - b // ties by index: deterministic
	})
	m := len(ex.order)
	ex.p, ex.w = make([]int64, m), make([]int64, m)
	// Weights and capacity divided by the weights' gcd g: a set fits in C
	// exactly when its weight/g fits in ⌊C/g⌋, and w_max shrinks g-fold.
	ex.gcd = max(gcdOf(weights, r.live), 1)
	capacity /= ex.gcd
	var wG int64
	for k, i := range ex.order {
		ex.p[k], ex.w[k] = profits[i], weights[i]/ex.gcd
		ex.wmax = max(ex.wmax, ex.w[k])
	}
	for ex.b < m && wG+ex.w[ex.b] <= capacity {
		wG += ex.w[ex.b]
		ex.pG += ex.p[ex.b]
		ex.b++
	}
	if ex.b == m { // everything fits
		ex.lb, ex.done = ex.pG, true
		return ex, nil
	}
	ex.slack = capacity - wG
	q, _ := mulDiv(ex.slack, ex.p[ex.b], ex.w[ex.b]) // < p_b
	ex.upper = ex.pG + q
	// Greedy fill: G and every later item that still fits.
	ex.lb = ex.pG
	room := ex.slack
	for k := ex.b + 1; k < m; k++ {
		if ex.w[k] <= room {
			room -= ex.w[k]
			ex.lb += ex.p[k]
			ex.lbFlip = append(ex.lbFlip, k)
		}
	}
	for window := 32; ; window *= 4 {
		ex.lag = ex.lagrangeBound()
		if ex.lb == ex.upper || ex.lag.ok && ex.lag.budget < 0 {
			ex.done = true
			return ex, nil
		}
		ex.final = ex.plan(0, m)
		lo, hi := max(ex.b-window, 0), min(ex.b+window, m)
		if lo == 0 && hi == m {
			break
		}
		// The window DP keeps net weights within ±w_max: a heuristic
		// restriction (any exchange it finds is feasible), cheap where
		// the classes are wide.
		win := ex.plan(lo, hi)
		win.zUp, win.zDown = min(win.zUp, ex.wmax), min(win.zDown, ex.wmax)
		win.cells = ex.simulate(win)
		if ex.final.cells <= 2*win.cells || win.cells > maxCells/2 {
			break
		}
		ex.spent += win.cells
		ex.run(win)
	}
	if ex.final.cells > maxCells {
		return nil, fmt.Errorf("%w: proximity predicts %d DP cells (at most %d) after fixing the items that cannot beat a solution of value %d (LP bound %d); largest weight %d",
			ErrTooLarge, ex.final.cells, maxCells, ex.lb, ex.upper, ex.wmax*ex.gcd)
	}
	return ex, nil
}

// finish runs the final DP unless the best solution is already proved
// optimal, and returns the best solution.
func (ex *exchangeSolver) finish() Solution {
	if !ex.done {
		ex.spent += ex.final.cells
		ex.run(ex.final)
	}
	inG := make([]bool, len(ex.order))
	for k := range ex.b {
		inG[k] = true
	}
	for _, k := range ex.lbFlip {
		inG[k] = !inG[k]
	}
	var chosen []int
	for k, in := range inG {
		if in {
			chosen = append(chosen, ex.order[k])
		}
	}
	return ex.r.solution(ex.profits, ex.weights, chosen, ex.method, ex.spent)
}

// keeps reports whether the item at position k can be part of an
// exchange worth more than lb: its LP bound
// U_LP − loss_k = pG + r·slack − loss_k must exceed lb. With D = lb − pG
// and r = p_b/w_b that is, for k outside G (loss r·w_k − p_k),
// p_k·w_b + p_b·slack > D·w_b + p_b·w_k, and for k in G (loss p_k − r·w_k),
// p_b·slack + p_b·w_k > D·w_b + p_k·w_b.
func (ex *exchangeSolver) keeps(k int) bool {
	if ex.lag.ok && ex.lag.loss[k] > ex.lag.budget {
		return false
	}
	pb, wb := ex.p[ex.b], ex.w[ex.b]
	d := ex.lb - ex.pG
	if k >= ex.b {
		return add128(mul128(ex.p[k], wb), mul128(pb, ex.slack)).greater(add128(mul128(d, wb), mul128(pb, ex.w[k])))
	}
	return add128(mul128(pb, ex.slack), mul128(pb, ex.w[k])).greater(add128(mul128(d, wb), mul128(ex.p[k], wb)))
}

// plan groups the items at positions [lo, hi) that keeps allows by weight
// and side, caps each group at 2·w_max − 1 items (the proximity bound),
// orders the groups and predicts the cells of the DP over them.
func (ex *exchangeSolver) plan(lo, hi int) plan {
	type key struct {
		w    int64
		plus bool
	}
	byKey := map[key][]int{}
	var plus, minus []int
	for k := lo; k < hi; k++ {
		if ex.keeps(k) {
			kk := key{ex.w[k], k >= ex.b}
			byKey[kk] = append(byKey[kk], k)
			if kk.plus {
				plus = append(plus, k)
			} else {
				minus = append(minus, k)
			}
		}
	}
	maxCount := 2*ex.wmax - 1
	pl := plan{zUp: ex.zBound(), zDown: ex.zBound()}
	tooMany := false
	for kk, items := range byKey {
		g := group{w: kk.w, plus: kk.plus, items: items}
		// Rank: most profitable first outside G, least profitable first
		// inside G; ties by position, so the order is deterministic.
		slices.SortFunc(g.items, func(a, b int) int {
			if ex.p[a] != ex.p[b] {
				if g.plus == (ex.p[a] > ex.p[b]) {
					return -1
				}
				return 1
			}
			return a - b
		})
		if int64(len(g.items)) > maxCount {
			g.items = g.items[:maxCount]
		}
		if len(g.items) > math.MaxUint16 {
			tooMany = true // the traceback stores counts in uint16
		}
		g.b = make([]int64, len(g.items)+1)
		for x, k := range g.items {
			if g.plus {
				g.b[x+1] = g.b[x] + ex.p[k]
			} else {
				g.b[x+1] = g.b[x] - ex.p[k]
			}
		}
		pl.groups = append(pl.groups, g)
	}
	// Nearest the break item first (by the position of a group's first
	// item), the two sides alternating, so that partial exchanges stay
	// balanced: the window DP's band keeps only those.
	var ups, downs []group
	for _, g := range pl.groups {
		if g.plus {
			ups = append(ups, g)
		} else {
			downs = append(downs, g)
		}
	}
	slices.SortFunc(ups, func(a, b group) int { return slices.Min(a.items) - slices.Min(b.items) })
	slices.SortFunc(downs, func(a, b group) int { return slices.Max(b.items) - slices.Max(a.items) })
	pl.groups = pl.groups[:0]
	for k := range max(len(ups), len(downs)) {
		if k < len(downs) {
			pl.groups = append(pl.groups, downs[k])
		}
		if k < len(ups) {
			pl.groups = append(pl.groups, ups[k])
		}
	}
	weight := func(k int) int64 { return ex.w[k] }
	for _, side := range []struct {
		items []int
		cap   *int64
	}{{plus, &pl.zUp}, {minus, &pl.zDown}} {
		*side.cap = min(*side.cap, reachCap(side.items, weight, ex.dantzigLoss, ex.dantzigBudget(), ex.wmax))
		if ex.lag.ok {
			lagLoss := func(k int) float64 { return float64(ex.lag.loss[k]) }
			*side.cap = min(*side.cap, reachCap(side.items, weight, lagLoss, float64(ex.lag.budget), ex.wmax))
		}
	}
	pl.cells = ex.simulate(pl)
	if tooMany {
		pl.cells = math.MaxInt64
	}
	return pl
}

// zBound is the proximity bound on the net weight of a partial exchange:
// w_max·(2·w_max − 1), saturated.
func (ex *exchangeSolver) zBound() int64 {
	if ex.wmax > 1<<30 {
		return math.MaxInt64 / 4
	}
	return ex.wmax * (2*ex.wmax - 1)
}

// reach returns, for each group, the most its remaining groups (after it)
// can raise and lower the net weight, saturated at zBound.
func (pl plan) reach() (up, down []int64) {
	groups := pl.groups
	up, down = make([]int64, len(groups)), make([]int64, len(groups))
	var u, d int64
	for g := len(groups) - 1; g >= 0; g-- {
		up[g], down[g] = u, d
		if groups[g].plus {
			u = min(u+min(int64(len(groups[g].items)), pl.zUp/groups[g].w+1)*groups[g].w, pl.zUp)
		} else {
			d = min(d+min(int64(len(groups[g].items)), pl.zDown/groups[g].w+1)*groups[g].w, pl.zDown)
		}
	}
	return up, down
}

// window returns the net weights the table keeps after group g: those
// reachable from [lo, hi], within the proximity bound, and from which
// the groups after g can still end in (slack − w_max, slack].
func (ex *exchangeSolver) window(pl plan, g group, lo, hi, up, down int64) (int64, int64) {
	if g.plus {
		hi = min(hi+min(int64(len(g.items)), pl.zUp/g.w+1)*g.w, pl.zUp)
	} else {
		lo = max(lo-min(int64(len(g.items)), pl.zDown/g.w+1)*g.w, -pl.zDown)
	}
	return max(lo, ex.slack-ex.wmax+1-up), min(hi, ex.slack+down)
}

// simulate returns the cells the DP over groups fills, without the LP
// pruning (which only shrinks the windows): the prediction of plan.
func (ex *exchangeSolver) simulate(pl plan) int64 {
	up, down := pl.reach()
	var lo, hi, cells int64
	for k, g := range pl.groups {
		lo, hi = ex.window(pl, g, lo, hi, up[k], down[k])
		if lo > hi {
			return cells
		}
		if cells > math.MaxInt64-(hi-lo+1) {
			return math.MaxInt64
		}
		cells += hi - lo + 1
	}
	return cells
}

// run runs the DP of pl and, if it finds an exchange worth more than the
// best solution known, makes it the best.
func (ex *exchangeSolver) run(pl plan) {
	up, down := pl.reach()
	lo, hi := int64(0), int64(0)
	q := []int64{0}
	var spare, base []int64 // two buffers for the tables, reused
	type step struct {
		lo    int64
		taken []uint16 // x per cell of the window [lo, lo+len)
	}
	steps := make([]step, 0, len(pl.groups))
	var a, out []int64
	var arg []int32
	for k, g := range pl.groups {
		nlo, nhi := ex.window(pl, g, lo, hi, up[k], down[k])
		if nlo > nhi {
			return // no exchange survives: nothing beats lb
		}
		nq := slices.Grow(spare[:0], int(nhi-nlo+1))[:nhi-nlo+1]
		taken := make([]uint16, len(nq))
		for z := range nq {
			nq[z] = deadCell
		}
		get := func(z int64) int64 {
			if z < lo || z > hi {
				return deadCell
			}
			return q[z-lo]
		}
		w := g.w
		if len(g.b) <= 5 {
			// Few items: take x = 0, 1, … of them over the whole window.
			for x, bx := range g.b {
				shift := int64(x) * w
				if !g.plus {
					shift = -shift
				}
				// New cell z reads old cell z − shift within [lo, hi].
				from, to := max(nlo, lo+shift), min(nhi, hi+shift)
				for z := from; z <= to; z++ {
					if v := q[z-shift-lo] + bx; v > nq[z-nlo] {
						nq[z-nlo], taken[z-nlo] = v, uint16(x)
					}
				}
			}
			for z := range nq {
				if nq[z] < deadBelow {
					nq[z] = deadCell
				}
			}
		}
		for res := range min(w, nhi-nlo+1) {
			if len(g.b) <= 5 {
				break
			}
			// The chain of new cells z0, z0+w, … ≤ nhi, and for a plus
			// group the old cells they read, z − x·w; for a minus group
			// the chain runs downwards from its top.
			var zs, dir int64
			if g.plus {
				zs, dir = nlo+res, w
			} else {
				zs, dir = nhi-res, -w
			}
			count := (nhi-nlo-res)/w + 1
			// Old cells on the chain before zs (reachable by x items).
			kmax := int64(len(g.b) - 1)
			pre := kmax
			a = a[:0]
			for j := pre; j >= 1; j-- {
				a = append(a, get(zs-j*dir))
			}
			for j := range count {
				a = append(a, get(zs+j*dir))
			}
			// Output i is the cell zs + i·dir; x items read a[pre+i−x].
			out = slices.Grow(out[:0], int(count))[:count]
			arg = slices.Grow(arg[:0], int(count))[:count]
			maxPlusConcave(a, g.b, int(pre), out, arg)
			for i := range count {
				z := zs + i*dir
				if out[i] >= deadBelow {
					nq[z-nlo] = out[i]
					taken[z-nlo] = uint16(int(pre) + int(i) - int(arg[i]))
				}
			}
		}
		spare, base = base, nq
		lo, hi, q = nlo, nhi, nq
		// Drop cells whose LP bound cannot beat lb, from both ends.
		for lo <= hi && !ex.alive(lo, q[0]) {
			q, lo = q[1:], lo+1
			taken = taken[1:]
		}
		for lo <= hi && !ex.alive(hi, q[len(q)-1]) {
			q, hi = q[:len(q)-1], hi-1
			taken = taken[:len(taken)-1]
		}
		steps = append(steps, step{lo: lo, taken: taken})
		if lo > hi {
			return
		}
	}
	// The best exchange of net weight at most slack.
	best, bestZ := int64(deadCell), int64(0)
	for z := lo; z <= min(hi, ex.slack); z++ {
		if v := q[z-lo]; v > best {
			best, bestZ = v, z
		}
	}
	if best < deadBelow || ex.pG+best <= ex.lb {
		return
	}
	var flip []int
	z := bestZ
	for k := len(steps) - 1; k >= 0; k-- {
		g, st := pl.groups[k], steps[k]
		x := int64(st.taken[z-st.lo])
		flip = append(flip, g.items[:x]...)
		if g.plus {
			z -= x * g.w
		} else {
			z += x * g.w
		}
	}
	if z != 0 {
		panic(fmt.Sprintf("knapsack: proximity traceback ends at net weight %d, not 0", z))
	}
	ex.lb, ex.lbFlip = ex.pG+best, flip
}

// alive reports whether a cell of net weight z and profit change v can
// lead to a solution worth more than lb: v is live and its LP bound
// pG + v + r·(slack − z) exceeds lb, that is
// (v − D)·w_b > p_b·(z − slack) with D = lb − pG.
func (ex *exchangeSolver) alive(z, v int64) bool {
	if v < deadBelow {
		return false
	}
	return cmpSigned128(v-(ex.lb-ex.pG), ex.w[ex.b], z-ex.slack, ex.p[ex.b]) > 0
}

// maxPlusConcave sets out[i] = max over x in [0, len(b)−1] with
// 0 ≤ pre+i−x < len(a) of a[pre+i−x] + b[x], and arg[i] to the index
// pre+i−x of a that attains it (the largest such index). b must be
// concave; then the best index is nondecreasing in i, and divide and
// conquer finds it with O(log) evaluations per output. Dead entries of a
// are finite (deadCell), so the monotonicity holds for them too.
func maxPlusConcave(a, b []int64, pre int, out []int64, arg []int32) {
	k := len(b) - 1
	n := len(out)
	if k <= 4 {
		for i := range n {
			best, bj := int64(math.MinInt64), -1
			for x := 0; x <= k; x++ {
				j := pre + i - x
				if j < 0 || j >= len(a) {
					continue
				}
				if v := a[j] + b[x]; v > best {
					best, bj = v, j
				}
			}
			out[i], arg[i] = best, int32(bj)
		}
		return
	}
	var solve func(ilo, ihi, jlo, jhi int)
	solve = func(ilo, ihi, jlo, jhi int) {
		for ilo <= ihi {
			mid := int(uint(ilo+ihi) >> 1)
			i := pre + mid
			from, to := max(jlo, i-k, 0), min(jhi, i, len(a)-1)
			best, bj := int64(math.MinInt64), from
			for j := from; j <= to; j++ {
				if v := a[j] + b[i-j]; v >= best {
					best, bj = v, j
				}
			}
			out[mid], arg[mid] = best, int32(bj)
			// Left half recursively, right half by the loop.
			if mid-ilo < ihi-mid {
				solve(ilo, mid-1, jlo, bj)
				ilo, jlo = mid+1, bj
			} else {
				solve(mid+1, ihi, bj, jhi)
				ihi, jhi = mid-1, bj
			}
		}
	}
	solve(0, n-1, 0, len(a)-1)
}

// u128 is an unsigned 128-bit integer.
type u128 struct{ hi, lo uint64 }

// mul128 returns a·b for nonnegative a and b.
func mul128(a, b int64) u128 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return u128{hi, lo}
}

// add128 returns x + y; the callers' sums stay below 2^127.
func add128(x, y u128) u128 {
	lo, carry := bits.Add64(x.lo, y.lo, 0)
	return u128{x.hi + y.hi + carry, lo}
}

func (x u128) greater(y u128) bool { return x.hi > y.hi || x.hi == y.hi && x.lo > y.lo }

// cmpSigned128 compares a·x with c·y for any a, c and positive x, y.
func cmpSigned128(a, x, c, y int64) int {
	sa, sc := sign(a), sign(c)
	if sa != sc {
		if sa > sc {
			return 1
		}
		return -1
	}
	if sa == 0 {
		return 0
	}
	ma, mc := mul128(abs64(a), x), mul128(abs64(c), y)
	r := 0
	switch {
	case ma.greater(mc):
		r = 1
	case mc.greater(ma):
		r = -1
	}
	return r * sa
}

func sign(a int64) int {
	switch {
	case a > 0:
		return 1
	case a < 0:
		return -1
	}
	return 0
}

// abs64 is |a| for a > math.MinInt64 (the callers' values are within 2^62).
func abs64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}
