package knapsack

import (
	"fmt"
	"math/bits"
)

// MaxBruteForceItems is the most items BruteForce accepts: 2^25 subsets
// take about a tenth of a second.
const MaxBruteForceItems = 25

// bruteForceLimit bounds every profit and weight so that no sum of up to
// MaxBruteForceItems of them overflows int64 (25 · 2^58 < 2^63).
const bruteForceLimit = 1 << 58

// BruteForce solves a 0-1 knapsack instance by trying every subset: best
// is the largest total profit of a subset whose total weight is at most
// capacity, and chosen lists that subset's items in increasing order. Of
// several optimal subsets it returns the one with the smallest bitmask
// (item i is bit i), so the answer is deterministic. It is the slowest and
// the most obviously correct solver, the one the others are checked
// against.
//
// It returns an error for more than MaxBruteForceItems items, slices of
// different lengths, a negative weight or capacity, or a profit or weight
// of magnitude 2^58 or more.
func BruteForce(profits, weights []int64, capacity int64) (best int64, chosen []int, err error) {
	n := len(profits)
	switch {
	case len(weights) != n:
		return 0, nil, fmt.Errorf("knapsack: BruteForce: %d profits but %d weights", n, len(weights))
	case n > MaxBruteForceItems:
		return 0, nil, fmt.Errorf("knapsack: BruteForce: %d items, at most %d", n, MaxBruteForceItems)
	case capacity < 0:
		return 0, nil, fmt.Errorf("knapsack: BruteForce: negative capacity %d", capacity)
	}
	for i := range n {
		switch {
		case weights[i] < 0:
			return 0, nil, fmt.Errorf("knapsack: BruteForce: item %d has negative weight %d", i, weights[i])
		case weights[i] >= bruteForceLimit || profits[i] >= bruteForceLimit || profits[i] <= -bruteForceLimit:
			return 0, nil, fmt.Errorf("knapsack: BruteForce: item %d: profit %d or weight %d is too large", i, profits[i], weights[i])
		}
	}
	// Walk the subsets in Gray-code order: each differs from the previous
	// one in a single item, so the sums update in O(1).
	var profit, weight int64
	var bestMask uint32
	for k := uint32(1); k < 1<<n; k++ {
		gray := k ^ k>>1
		i := bits.TrailingZeros32(k) // the item that flips
		if gray&(1<<i) != 0 {
			profit, weight = profit+profits[i], weight+weights[i]
		} else {
			profit, weight = profit-profits[i], weight-weights[i]
		}
		if weight <= capacity && (profit > best || profit == best && gray < bestMask) {
			best, bestMask = profit, gray
		}
	}
	chosen = []int{}
	for i := range n {
		if bestMask&(1<<i) != 0 {
			chosen = append(chosen, i)
		}
	}
	return best, chosen, nil
}
