package knapsack

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// Method names an exact solver.
type Method string

const (
	MethodWeightDP       Method = "weight-dp"
	MethodProfitDP       Method = "profit-dp"
	MethodBranchAndBound Method = "branch-and-bound"
	MethodCoreDP         Method = "core-dp"
)

// Solution is an optimal choice of items.
type Solution struct {
	Value  int64 // total profit of Items, the optimum
	Weight int64 // total weight of Items, at most the capacity
	Items  []int // chosen item indices, ascending
	Method Method
	// Work is what the method spent: DP cells filled, branch-and-bound
	// nodes visited, or core-DP states made. It is deterministic, so tests
	// and reports can use it where times would be noise.
	Work int64
}

// MaxDPCells bounds the table of WeightDP and ProfitDP (items × values
// after the reductions below), and MaxDPValues its number of values (the
// capacity or the total profit, reduced); beyond them they return
// ErrTooLarge instead of allocating gigabytes. A cell costs one bit of
// decision memory and a few nanoseconds, a value eight bytes.
const (
	MaxDPCells  = 1 << 29
	MaxDPValues = 1 << 24
)

// ErrTooLarge is returned by a DP whose table would exceed its limits, and
// by Solve when every method ran out of its budget.
var ErrTooLarge = errors.New("knapsack: instance too large for this method")

// reduced is an instance after the reductions every solver shares: items
// with zero profit are dropped (taking them never helps), items heavier
// than the capacity are dropped (they never fit), and items of zero weight
// and positive profit are always taken. The rest are the live items.
type reduced struct {
	live             []int // indices of the live items
	fixed            []int // indices of the items always taken
	sumProfit, sumWt int64 // over the live items
}

func reduce(profits, weights []int64, capacity int64) reduced {
	var r reduced
	for i := range profits {
		switch {
		case profits[i] == 0 || weights[i] > capacity:
		case weights[i] == 0:
			r.fixed = append(r.fixed, i)
		default:
			r.live = append(r.live, i)
			r.sumProfit += profits[i]
			r.sumWt += weights[i]
		}
	}
	return r
}

// solution assembles the Solution from the chosen live items.
func (r reduced) solution(profits, weights []int64, chosen []int, m Method, work int64) Solution {
	s := Solution{Method: m, Work: work, Items: append(append([]int{}, r.fixed...), chosen...)}
	slices.Sort(s.Items)
	for _, i := range s.Items {
		s.Value += profits[i]
		s.Weight += weights[i]
	}
	return s
}

// gcdOf returns the greatest common divisor of the values v[i] for i in
// idx (0 when idx is empty).
func gcdOf(v []int64, idx []int) int64 {
	var g int64
	for _, i := range idx {
		a, b := v[i], g
		for b != 0 {
			a, b = b, a%b
		}
		g = a
	}
	return g
}

// cells returns items·(values+1), or 2^62 when that is too large for a
// DP (more than MaxDPValues values, or an overflow).
func cells(items int, values int64) int64 {
	hi, lo := bits.Mul64(uint64(items), uint64(values)+1)
	if values >= MaxDPValues || hi != 0 || lo > 1<<62 {
		return 1 << 62
	}
	return int64(lo)
}

// WeightDP solves the instance with the weight-indexed DP
// f(c) = max{ f(c), f(c − w_i) + p_i } over capacities c, in time
// O(n·C') and n·C' bits of memory, where C' is the capacity (at most the
// total weight) divided by the gcd of the weights.
func WeightDP(profits, weights []int64, capacity int64) (Solution, error) {
	if err := Validate(profits, weights, capacity); err != nil {
		return Solution{}, err
	}
	r := reduce(profits, weights, capacity)
	g := max(gcdOf(weights, r.live), 1)
	c := min(capacity, r.sumWt) / g
	if cells(len(r.live), c) > MaxDPCells {
		return Solution{}, fmt.Errorf("%w: weight DP needs %d items × %d capacities (at most %d values, %d cells)",
			ErrTooLarge, len(r.live), c+1, MaxDPValues, MaxDPCells)
	}
	f := make([]int64, c+1) // f[x] = best profit of weight at most x·g
	words := int(c/64 + 1)
	took := make([]uint64, len(r.live)*words) // bit x of row k: item k improved f[x]
	// reach[k] = min(c, weight of items 0..k): entries above it are not
	// stored, their value is f[reach[k]].
	reach := make([]int64, len(r.live))
	var top, work int64
	for k, i := range r.live {
		w, p := weights[i]/g, profits[i]
		for x := top + 1; x <= min(top+w, c); x++ {
			f[x] = f[top]
		}
		top = min(top+w, c)
		reach[k] = top
		row := took[k*words : (k+1)*words]
		for x := top; x >= w; x-- {
			old, v := f[x], f[x-w]+p
			var better uint64 // branch-free: the comparison is a coin flip
			if v > old {
				better = 1
			}
			f[x] = max(old, v)
			row[uint64(x)>>6] |= better << (uint64(x) & 63)
		}
		work += top - w + 1
	}
	var chosen []int
	x := c
	for k := len(r.live) - 1; k >= 0; k-- {
		x = min(x, reach[k])
		if took[k*words+int(x/64)]>>(x%64)&1 == 1 {
			chosen = append(chosen, r.live[k])
			x -= weights[r.live[k]] / g
		}
	}
	return r.solution(profits, weights, chosen, MethodWeightDP, work), nil
}

// ProfitDP solves the instance with the profit-indexed DP
// h(q) = min{ h(q), h(q − p_i) + w_i }, the least weight of profit exactly
// q, in time O(n·Σp') and n·Σp' bits, where Σp' is the total profit
// divided by the gcd of the profits. It is the exact DP that the DP-NN of
// Hertrich & Skutella computes.
func ProfitDP(profits, weights []int64, capacity int64) (Solution, error) {
	if err := Validate(profits, weights, capacity); err != nil {
		return Solution{}, err
	}
	r := reduce(profits, weights, capacity)
	g := max(gcdOf(profits, r.live), 1)
	total := r.sumProfit / g
	if cells(len(r.live), total) > MaxDPCells {
		return Solution{}, fmt.Errorf("%w: profit DP needs %d items × %d profits (at most %d values, %d cells)",
			ErrTooLarge, len(r.live), total+1, MaxDPValues, MaxDPCells)
	}
	// h[q] is the least weight of profit exactly q·g, or too when that
	// exceeds c or no subset has that profit. h never exceeds too (too + w
	// loses to too), so in uint64 h[q−p] + w ≤ 2c+1 < 2^64.
	c := uint64(min(capacity, r.sumWt))
	too := c + 1
	h := make([]uint64, total+1)
	for q := range h {
		h[q] = too
	}
	h[0] = 0
	words := int(total/64 + 1)
	took := make([]uint64, len(r.live)*words)
	var reach, work int64
	for k, i := range r.live {
		p, w := profits[i]/g, uint64(weights[i])
		reach += p
		row := took[k*words : (k+1)*words]
		for q := reach; q >= p; q-- {
			old, v := h[q], h[q-p]+w
			var better uint64
			if v < old {
				better = 1
			}
			h[q] = min(old, v)
			row[uint64(q)>>6] |= better << (uint64(q) & 63)
		}
		work += reach - p + 1
	}
	q := total
	for h[q] > c {
		q--
	}
	var chosen []int
	for k := len(r.live) - 1; k >= 0; k-- {
		if took[k*words+int(q/64)]>>(q%64)&1 == 1 {
			chosen = append(chosen, r.live[k])
			q -= profits[r.live[k]] / g
		}
	}
	return r.solution(profits, weights, chosen, MethodProfitDP, work), nil
}

// BranchAndBound solves the instance depth first over the items sorted by
// profit/weight, taking an item before leaving it, and prunes a node when
// the Martello–Toth bound U2 of its subproblem is no better than the best
// solution found. Its running time is exponential in the worst case
// (strongly correlated instances with many items are the classic hard
// case) but it does not depend on the size of the numbers.
func BranchAndBound(profits, weights []int64, capacity int64) (Solution, error) {
	return branchAndBound(profits, weights, capacity, 0)
}

// branchAndBound stops with ErrTooLarge after maxNodes nodes when
// maxNodes > 0.
func branchAndBound(profits, weights []int64, capacity int64, maxNodes int64) (Solution, error) {
	if err := Validate(profits, weights, capacity); err != nil {
		return Solution{}, err
	}
	r := reduce(profits, weights, capacity)
	order := slices.Clone(r.live)
	slices.SortStableFunc(order, func(a, b int) int {
		// p_a/w_a > p_b/w_b, compared exactly as p_a·w_b > p_b·w_a.
		return cmp128(profits[b], weights[a], profits[a], weights[b])
	})
	m := len(order)
	bb := &search{
		p:        make([]int64, m),
		w:        make([]int64, m),
		sumP:     make([]int64, m+1),
		sumW:     make([]int64, m+1),
		cur:      make([]bool, m),
		best:     make([]bool, m),
		maxNodes: maxNodes,
	}
	for k, i := range order {
		bb.p[k], bb.w[k] = profits[i], weights[i]
		bb.sumP[k+1] = bb.sumP[k] + profits[i]
		bb.sumW[k+1] = bb.sumW[k] + weights[i]
	}
	bb.bestValue = -1
	bb.dfs(0, 0, capacity)
	if bb.aborted {
		return Solution{}, fmt.Errorf("%w: branch and bound stopped after %d nodes", ErrTooLarge, bb.nodes)
	}
	var chosen []int
	for k, in := range bb.best {
		if in {
			chosen = append(chosen, order[k])
		}
	}
	return r.solution(profits, weights, chosen, MethodBranchAndBound, bb.nodes), nil
}

// search is the state of one branch and bound over items sorted by
// nonincreasing profit/weight, with prefix sums for O(log n) bounds.
type search struct {
	p, w       []int64
	sumP, sumW []int64 // sumP[k] = p[0] + … + p[k-1]
	cur, best  []bool
	bestValue  int64
	nodes      int64
	maxNodes   int64
	aborted    bool
}

func (s *search) dfs(j int, profit, residual int64) {
	s.nodes++
	if s.maxNodes > 0 && s.nodes > s.maxNodes {
		s.aborted = true
	}
	if s.aborted {
		return
	}
	if profit > s.bestValue {
		s.bestValue = profit
		copy(s.best, s.cur)
	}
	m := len(s.p)
	if j == m {
		return
	}
	// crit is the first item from j on that does not fit after all the
	// items before it (from j) are taken.
	crit := j + sort.Search(m-j, func(k int) bool { return s.sumW[j+k+1]-s.sumW[j] > residual })
	if crit == m { // everything left fits: take it all, nothing can beat that
		if v := profit + s.sumP[m] - s.sumP[j]; v > s.bestValue {
			s.bestValue = v
			copy(s.best, s.cur)
			for k := j; k < m; k++ {
				s.best[k] = true
			}
		}
		return
	}
	if s.bound(j, crit, profit, residual) <= s.bestValue {
		return
	}
	if s.w[j] <= residual {
		s.cur[j] = true
		s.dfs(j+1, profit+s.p[j], residual-s.w[j])
		s.cur[j] = false
	}
	s.dfs(j+1, profit, residual)
}

// bound is the Martello–Toth upper bound U2 on the subproblem of items
// j.. with the given residual capacity, crit being its critical item:
// the better of leaving crit out (fill the rest with crit+1 fractionally)
// and putting crit in (make room by removing crit−1 fractionally).
func (s *search) bound(j, crit int, profit, residual int64) int64 {
	base := profit + s.sumP[crit] - s.sumP[j]
	left := residual - (s.sumW[crit] - s.sumW[j]) // 0 ≤ left < w[crit]
	u0 := base
	if crit+1 < len(s.p) {
		// Fits: left·p[crit+1]/w[crit+1] < w[crit]·p[crit]/w[crit] = p[crit].
		q, _ := mulDiv(left, s.p[crit+1], s.w[crit+1])
		u0 += q
	}
	if crit == j { // crit alone does not fit, so it cannot be put in
		return u0
	}
	// Putting crit in needs w[crit]−left of room from crit−1, which costs
	// at least (w[crit]−left)·p[crit−1]/w[crit−1] profit.
	loss, ok := mulDivCeil(s.w[crit]-left, s.p[crit-1], s.w[crit-1])
	if !ok || loss >= s.p[crit] {
		return u0
	}
	return max(u0, base+s.p[crit]-loss)
}

// cmp128 compares a·b with c·d for nonnegative a, b, c, d without
// overflow.
func cmp128(a, b, c, d int64) int {
	h1, l1 := bits.Mul64(uint64(a), uint64(b))
	h2, l2 := bits.Mul64(uint64(c), uint64(d))
	switch {
	case h1 < h2 || h1 == h2 && l1 < l2:
		return -1
	case h1 == h2 && l1 == l2:
		return 0
	}
	return 1
}

// mulDiv returns ⌊a·b/c⌋ for nonnegative a, b and positive c, with ok
// false when the quotient does not fit in int64.
func mulDiv(a, b, c int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	if q > 1<<63-1 {
		return 0, false
	}
	return int64(q), true
}

// mulDivCeil returns ⌈a·b/c⌉ like mulDiv.
func mulDivCeil(a, b, c int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, uint64(c))
	if rem != 0 {
		q++
	}
	if q > 1<<63-1 {
		return 0, false
	}
	return int64(q), true
}

// MaxCoreStates is the state budget Solve gives CoreDP when neither DP
// fits: about ten seconds.
const MaxCoreStates = 1 << 26

// Solve returns an optimal solution by the first method that finishes
// within its budget:
//
//  1. BranchAndBound with 2^16 nodes, enough for most uncorrelated and
//     weakly correlated instances;
//  2. Proximity, when its predicted cells (ProximityCost) are at most
//     MaxProximityCells and a quarter of the smaller DP table (a cell of
//     its (max,+) convolutions costs a few DP cells' time); its window
//     phases get the same budget, so trying it costs little where a DP
//     is cheaper;
//  3. CoreDP with a quarter as many states as the smaller DP table has
//     cells (a state costs a few cells' time), or MaxCoreStates when
//     neither DP fits;
//  4. the smaller of WeightDP and ProfitDP, when it fits in MaxDPCells.
//
// When all of them give up, the error wraps ErrTooLarge. Every answer is
// exact; the budgets only decide how long Solve tries before moving on.
func Solve(profits, weights []int64, capacity int64) (Solution, error) {
	if err := Validate(profits, weights, capacity); err != nil {
		return Solution{}, err
	}
	if s, err := branchAndBound(profits, weights, capacity, 1<<16); err == nil {
		return s, nil
	}
	weightCells, profitCells := dpCells(profits, weights, capacity)
	least := min(weightCells, profitCells)
	ex, proxErr := prepareProximity(profits, weights, capacity, min(MaxProximityCells, max(least/4, 1<<16)))
	if proxErr == nil {
		return ex.finish(), nil
	}
	budget := int64(MaxCoreStates)
	if least <= MaxDPCells {
		budget = max(least/4, 1<<16)
	}
	if s, err := coreDP(profits, weights, capacity, budget, 1<<20); err == nil {
		return s, nil
	}
	switch {
	case least > MaxDPCells:
		return Solution{}, fmt.Errorf("%w: branch and bound and the core DP (%d states) ran out of budget, proximity refused (%s), and both DPs exceed %d values or %d cells",
			ErrTooLarge, budget, strings.TrimPrefix(proxErr.Error(), ErrTooLarge.Error()+": "), MaxDPValues, MaxDPCells)
	case weightCells <= profitCells:
		return WeightDP(profits, weights, capacity)
	}
	return ProfitDP(profits, weights, capacity)
}

// Optimum returns the optimal total profit, computed by Solve.
func Optimum(profits, weights []int64, capacity int64) (int64, error) {
	s, err := Solve(profits, weights, capacity)
	return s.Value, err
}

// dpCells returns the table sizes of WeightDP and ProfitDP on a valid
// instance.
func dpCells(profits, weights []int64, capacity int64) (weight, profit int64) {
	r := reduce(profits, weights, capacity)
	gw, gp := max(gcdOf(weights, r.live), 1), max(gcdOf(profits, r.live), 1)
	return cells(len(r.live), min(capacity, r.sumWt)/gw), cells(len(r.live), r.sumProfit/gp)
}
