package knapsack

import (
	"fmt"
	"slices"
)

// CoreDP solves the instance with a dynamic program over an expanding
// core, after Pisinger's minknap ("A minimal algorithm for the 0-1
// knapsack problem", Operations Research 45, 1997) without its reductions.
// Items are sorted by profit/weight and the greedy break solution takes
// every item before the first that does not fit. The core is an interval
// of items around that break item; items before it stay taken, items
// after it stay left out, and a list of undominated (weight, profit)
// states covers every choice inside it. The core grows by one item at
// each end in turn; states whose bound (the LP relaxation of the items
// still outside, with the greedy order) cannot beat the best feasible
// state are dropped. It stops when no state is left or every item is in
// the core. Strongly correlated instances, the hard case of branch and
// bound, take it milliseconds.
func CoreDP(profits, weights []int64, capacity int64) (Solution, error) {
	return coreDP(profits, weights, capacity, 0, 1<<20)
}

// coreState is one undominated choice inside the core, relative to the
// break solution; node points at its history in the arena.
type coreState struct {
	w, p int64
	node int32
}

// coreNode records that a state toggled item (a position in ratio order)
// of its parent state.
type coreNode struct {
	parent, item int32
}

// coreDP stops with ErrTooLarge when more than maxStates states were made
// (maxStates > 0). Every state made adds a node to the arena of
// histories; the arena is compacted to the live histories whenever it has
// doubled since the last time and holds at least compactAt nodes, so
// memory follows the states alive, not all ever made.
func coreDP(profits, weights []int64, capacity int64, maxStates int64, compactAt int) (Solution, error) {
	if err := Validate(profits, weights, capacity); err != nil {
		return Solution{}, err
	}
	r := reduce(profits, weights, capacity)
	order := slices.Clone(r.live)
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp128(profits[b], weights[a], profits[a], weights[b])
	})
	m := len(order)
	p, w := make([]int64, m), make([]int64, m)
	sumP, sumW := make([]int64, m+1), make([]int64, m+1)
	for k, i := range order {
		p[k], w[k] = profits[i], weights[i]
		sumP[k+1], sumW[k+1] = sumP[k]+p[k], sumW[k]+w[k]
	}
	b := 0 // the break item: items 0..b-1 fit together, item b does not
	for b < m && sumW[b+1] <= capacity {
		b++
	}
	if b > 1<<30 {
		return Solution{}, fmt.Errorf("%w: core DP handles at most 2^30 items", ErrTooLarge)
	}

	// bound is the LP bound of a state with core [s, t]: if it fits, fill
	// the room with items t+1, t+2, … (fractionally at the end); if it
	// does not, remove items s−1, s−2, … until it fits (fractionally at
	// the end). Either way the other end cannot help, because every item
	// before s has a ratio at least that of every item after t.
	bound := func(st coreState, s, t int) (int64, bool) {
		if st.w <= capacity {
			room := capacity - st.w
			// k = the first item after t that does not fit with the ones
			// between: sumW[k+1] − sumW[t+1] > room.
			lo, hi := t+1, m
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if sumW[mid+1]-sumW[t+1] > room {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			u := st.p + sumP[lo] - sumP[t+1]
			if lo < m {
				q, _ := mulDiv(room-(sumW[lo]-sumW[t+1]), p[lo], w[lo]) // < p[lo]
				u += q
			}
			return u, true
		}
		over := st.w - capacity
		if over > sumW[s] {
			return 0, false // even removing every item before s does not help
		}
		// k = the last item before s such that removing s−1 … k frees
		// enough: sumW[s] − sumW[k] ≥ over.
		lo, hi := 0, s-1
		for lo < hi {
			mid := int(uint(lo+hi+1) >> 1)
			if sumW[s]-sumW[mid] >= over {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		k := lo
		// Remove k+1 … s−1 entirely and the part of k still needed.
		loss := sumP[s] - sumP[k+1]
		need := over - (sumW[s] - sumW[k+1])
		q, ok := mulDivCeil(need, p[k], w[k]) // ≤ p[k]
		if !ok {
			return 0, false
		}
		return st.p - loss - q, true
	}

	arena := []coreNode{{parent: -1, item: -1}}
	states := []coreState{{w: sumW[b], p: sumP[b], node: 0}}
	best, bestNode := sumP[b], int32(0)
	s, t := b, b-1 // the core is [s, t]; empty at first
	var made int64
	compacted := 0 // arena size after the last compaction
	scratch := make([]coreState, 0)
	for len(states) > 0 && (s > 0 || t < m-1) {
		// Grow the core at the end after t, then at the end before s.
		for _, side := range []int{+1, -1} {
			var item int
			var dw, dp int64
			if side > 0 {
				if t == m-1 {
					continue
				}
				t++
				item, dw, dp = t, w[t], p[t] // put item t in
			} else {
				if s == 0 {
					continue
				}
				s--
				item, dw, dp = s, -w[s], -p[s] // take item s out
			}
			made += int64(len(states))
			if maxStates > 0 && made > maxStates {
				return Solution{}, fmt.Errorf("%w: core DP stopped after %d states", ErrTooLarge, made)
			}
			if int64(len(arena))+int64(len(states)) > 1<<31-1 {
				return Solution{}, fmt.Errorf("%w: core DP needs more than 2^31 states", ErrTooLarge)
			}
			moved := make([]coreState, len(states))
			for k, st := range states {
				arena = append(arena, coreNode{parent: st.node, item: int32(item)})
				moved[k] = coreState{w: st.w + dw, p: st.p + dp, node: int32(len(arena) - 1)}
				if moved[k].w <= capacity && moved[k].p > best {
					best, bestNode = moved[k].p, moved[k].node
				}
			}
			scratch = mergeUndominated(scratch[:0], states, moved)
			states = states[:0]
			for _, st := range scratch {
				if u, ok := bound(st, s, t); ok && u > best {
					states = append(states, st)
				}
			}
			if len(arena) >= max(compactAt, 2*compacted) {
				arena, bestNode = compactArena(arena, states, bestNode)
				compacted = len(arena)
			}
		}
	}

	toggled := make([]bool, m)
	for n := bestNode; n > 0; n = arena[n].parent {
		toggled[arena[n].item] = !toggled[arena[n].item]
	}
	var chosen []int
	for k := range m {
		if (k < b) != toggled[k] {
			chosen = append(chosen, order[k])
		}
	}
	return r.solution(profits, weights, chosen, MethodCoreDP, made), nil
}

// compactArena drops the histories that no live state (nor the best one)
// leads back to, renumbering the rest in order; parents come before their
// children, so one pass suffices.
func compactArena(arena []coreNode, states []coreState, bestNode int32) ([]coreNode, int32) {
	live := make([]bool, len(arena))
	mark := func(n int32) {
		for ; n >= 0 && !live[n]; n = arena[n].parent {
			live[n] = true
		}
	}
	mark(bestNode)
	for _, st := range states {
		mark(st.node)
	}
	renumber := make([]int32, len(arena))
	out := arena[:0]
	for n, node := range arena {
		if !live[n] {
			continue
		}
		if node.parent >= 0 {
			node.parent = renumber[node.parent]
		}
		renumber[n] = int32(len(out))
		out = append(out, node)
	}
	for k := range states {
		states[k].node = renumber[states[k].node]
	}
	return out, renumber[bestNode]
}

// mergeUndominated merges two lists sorted by weight (ties in any order)
// into dst and keeps the undominated states: by increasing weight, each
// one more profitable than all lighter ones.
func mergeUndominated(dst, a, b []coreState) []coreState {
	push := func(st coreState) {
		n := len(dst)
		switch {
		case n > 0 && dst[n-1].w == st.w:
			if st.p > dst[n-1].p {
				dst[n-1] = st
			}
		case n == 0 || st.p > dst[n-1].p:
			dst = append(dst, st)
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i].w <= b[j].w {
			push(a[i])
			i++
		} else {
			push(b[j])
			j++
		}
	}
	return dst
}
