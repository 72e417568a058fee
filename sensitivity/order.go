package sensitivity

import (
	"math/big"
	"math/bits"
	"slices"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// moreEfficient says whether item a comes before item b in the order of
// non-increasing efficiency p/w (weight 0 first), ties by index, compared
// exactly in 128 bits.
func moreEfficient(in knapsack.Instance, a, b int) bool {
	pa, wa, pb, wb := in.Profits[a], in.Weights[a], in.Profits[b], in.Weights[b]
	// pa/wa > pb/wb  ⟺  pa·wb > pb·wa (weights ≥ 0, profits ≥ 0)
	h1, l1 := bits.Mul64(uint64(pa), uint64(wb))
	h2, l2 := bits.Mul64(uint64(pb), uint64(wa))
	if h1 != h2 || l1 != l2 {
		return h1 > h2 || (h1 == h2 && l1 > l2)
	}
	if wa == 0 && wb == 0 { // both infinitely efficient: larger profit first
		if pa != pb {
			return pa > pb
		}
	}
	return a < b
}

// efficiencyOrder returns the items that fit on their own (w ≤ C) and
// are present (present nil: every item), in non-increasing efficiency.
func efficiencyOrder(in knapsack.Instance, present []bool) []int {
	var out []int
	for i, w := range in.Weights {
		if (present == nil || present[i]) && w <= in.Capacity {
			out = append(out, i)
		}
	}
	slices.SortFunc(out, func(a, b int) int {
		if a == b {
			return 0
		}
		if moreEfficient(in, a, b) {
			return -1
		}
		return 1
	})
	return out
}

// fractional is the optimum of the fractional knapsack over the items
// order (in non-increasing efficiency) with capacity c (Dantzig): the
// longest prefix that fits, plus the fitting fraction of the next item.
func fractional(in knapsack.Instance, order []int, c float64) float64 {
	var w, p float64
	for _, i := range order {
		wi := float64(in.Weights[i])
		if w+wi <= c {
			w += wi
			p += float64(in.Profits[i])
			continue
		}
		return p + (c-w)*float64(in.Profits[i])/wi
	}
	return p
}

// prefixSums holds the running weight and profit of an ordered item list.
type prefixSums struct {
	items []int
	w     []int64   // w[k] = weight of items[:k]
	p     []float64 // p[k] = profit of items[:k]
}

func newPrefixSums(in knapsack.Instance, items []int) prefixSums {
	s := prefixSums{items: items, w: make([]int64, len(items)+1), p: make([]float64, len(items)+1)}
	for k, i := range items {
		s.w[k+1] = s.w[k] + in.Weights[i]
		s.p[k+1] = s.p[k] + float64(in.Profits[i])
	}
	return s
}

// fit is the length of the longest prefix of weight ≤ c.
func (s prefixSums) fit(c float64) int {
	lo, hi := 0, len(s.items) // w[lo] ≤ c (w[0] = 0 ≤ c for c ≥ 0)
	for lo < hi {
		m := (lo + hi + 1) / 2
		if float64(s.w[m]) <= c {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

// fractional is the fractional optimum of the list at capacity c ≥ 0.
func (s prefixSums) fractional(in knapsack.Instance, c float64) float64 {
	k := s.fit(c)
	if k == len(s.items) {
		return s.p[k]
	}
	i := s.items[k]
	return s.p[k] + (c-float64(s.w[k]))*float64(in.Profits[i])/float64(in.Weights[i])
}

// exactRatio is p/q as a float64, for reports.
func exactRatio(p, q int64) float64 {
	f, _ := new(big.Rat).SetFrac64(p, q).Float64()
	return f
}
