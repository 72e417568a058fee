package sensitivity

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// MaxSimpleBits bounds the reachability table of SimpleKnapsack: one bit
// per (large item, weight 0..C), 256 MiB.
const MaxSimpleBits = 1 << 31

// IsSimple says whether in is a simple knapsack instance (Kumabe &
// Yoshida §7): every profit is the same multiple λ ≥ 0 of its weight,
// among the items that fit (the others are never chosen). It returns the
// first item that breaks proportionality, or -1.
func IsSimple(in knapsack.Instance) (bool, int) {
	ref := -1
	for i, w := range in.Weights {
		if w > in.Capacity {
			continue
		}
		if w == 0 {
			if in.Profits[i] != 0 {
				return false, i
			}
			continue
		}
		if ref < 0 {
			ref = i
			continue
		}
		// p_i/w_i = p_ref/w_ref  ⟺  p_i·w_ref = p_ref·w_i, in 128 bits
		h1, l1 := bits.Mul64(uint64(in.Profits[i]), uint64(in.Weights[ref]))
		h2, l2 := bits.Mul64(uint64(in.Profits[ref]), uint64(w))
		if h1 != h2 || l1 != l2 {
			return false, i
		}
	}
	return true, -1
}

// SimpleBits is the size in bits of the table SimpleKnapsack(eps) needs
// on in, for refusing it before it allocates.
func SimpleBits(in knapsack.Instance, eps float64) float64 {
	large := 0
	for _, w := range in.Weights {
		if w <= in.Capacity && float64(w) > eps*float64(in.Capacity) {
			large++
		}
	}
	return float64(large+1) * 64 * float64((in.Capacity+64)/64)
}

// SimpleKnapsack returns the deterministic (1 − ε)-approximation for the
// simple knapsack problem in the spirit of Kumabe & Yoshida's Theorem 1.4
// (their Algorithm 4 lost its formulas in our copy; this one and its
// proofs are ours, docs/sensitivity.md). With capacity C, items of weight
// > εC are large, the others small:
//
//  1. T is the heaviest feasible set of large items, the first in index
//     order among the heaviest (found exactly, by suffix reachability
//     bitsets over the weights 0..C; it has fewer than 1/ε items);
//  2. the small items are taken lightest first (ties by index), the
//     shortest prefix whose weight with T reaches (1 − ε)·C, or all of
//     them when none does.
//
// Its value is at least (1 − ε)·OPT and its average sensitivity at most
// 2 + 3/ε on every instance. It refuses an instance that is not simple
// (IsSimple) and one whose table would exceed MaxSimpleBits.
func SimpleKnapsack(eps float64) Selector {
	return func(in knapsack.Instance) ([]int, error) {
		if !(eps > 0 && eps < 1) {
			return nil, fmt.Errorf("sensitivity: simple-knapsack ε = %v, want 0 < ε < 1", eps)
		}
		if ok, i := IsSimple(in); !ok {
			return nil, fmt.Errorf("sensitivity: %s is not a simple knapsack instance: item %d has profit/weight %d/%d, unlike the items before it", in.Name, i, in.Profits[i], in.Weights[i])
		}
		if b := SimpleBits(in, eps); b > MaxSimpleBits {
			return nil, fmt.Errorf("sensitivity: simple knapsack on %s needs %.3g bits of reachability table, more than %d", in.Name, b, int64(MaxSimpleBits))
		}
		C := in.Capacity
		var large, small []int
		for i, w := range in.Weights {
			switch {
			case w > C:
			case float64(w) > eps*float64(C):
				large = append(large, i)
			default:
				small = append(small, i)
			}
		}
		out := heaviestFirstInOrder(in, large)
		var load int64
		for _, i := range out {
			load += in.Weights[i]
		}
		slices.SortStableFunc(small, func(a, b int) int {
			switch wa, wb := in.Weights[a], in.Weights[b]; {
			case wa < wb:
				return -1
			case wa > wb:
				return 1
			}
			return a - b
		})
		target := (1 - eps) * float64(C)
		for _, i := range small {
			if float64(load) >= target {
				break
			}
			out = append(out, i)
			load += in.Weights[i]
		}
		if load > C { // the last small item weighs ≤ εC and came below the target
			panic(fmt.Sprintf("sensitivity: simple knapsack overfilled %s: %d > %d", in.Name, load, C))
		}
		slices.Sort(out)
		return out, nil
	}
}

// heaviestFirstInOrder is the heaviest subset of items (indices ascending)
// of weight at most the capacity, and among the heaviest the first in
// index order (an earlier item is in it whenever some heaviest subset
// with the same earlier choices has it). Deleting an item outside it
// leaves it the answer: the heaviest weight does not change and the
// candidates only shrink.
func heaviestFirstInOrder(in knapsack.Instance, items []int) []int {
	C := in.Capacity
	words := int(C/64) + 1
	// reach[k] has bit s when a subset of items[k:] weighs exactly s.
	reach := make([]uint64, (len(items)+1)*words)
	row := func(k int) []uint64 { return reach[k*words : (k+1)*words] }
	row(len(items))[0] = 1
	for k := len(items) - 1; k >= 0; k-- {
		src, dst := row(k+1), row(k)
		copy(dst, src)
		orShifted(dst, src, int(in.Weights[items[k]]))
		if r := int(C % 64); r != 63 { // no weight above C
			dst[words-1] &= 1<<(r+1) - 1
		}
	}
	has := func(k int, s int64) bool { return row(k)[s/64]>>(s%64)&1 == 1 }
	best := C
	for !has(0, best) {
		best--
	}
	var out []int
	for k, i := range items {
		if w := in.Weights[i]; w <= best && has(k+1, best-w) {
			out = append(out, i)
			best -= w
		}
	}
	return out
}

// orShifted sets dst |= src << s (bit shift over the words).
func orShifted(dst, src []uint64, s int) {
	q, r := s/64, uint(s%64)
	for x := len(dst) - 1; x >= q; x-- {
		v := src[x-q] << r
		if r > 0 && x-q-1 >= 0 {
			v |= src[x-q-1] >> (64 - r)
		}
		dst[x] |= v
	}
}
