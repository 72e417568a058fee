package graphs

import (
	"errors"
	"fmt"
	"math"
)

// ErrMemoryBudget is wrapped by HeldKarp when the table would not fit the
// caller's memory budget.
var ErrMemoryBudget = errors.New("graphs: Held-Karp table exceeds the memory budget")

// MaxHeldKarpCities bounds n so that subsets fit a uint64 and 2^n·n·8
// cannot overflow.
const MaxHeldKarpCities = 40

// HeldKarpBytes is the memory HeldKarp charges against the budget for n
// cities: 2^n·n·8 bytes, one float64 per (subset, city) pair. The table
// actually holds 2^(n−1)·(n−1) of them plus a byte each for the tour, so
// this bounds it from above.
func HeldKarpBytes(n int) int64 {
	if n <= 0 {
		return 0
	}
	return int64(1) << n * int64(n) * 8
}

// HeldKarpTable is the dynamic program of Held & Karp for the asymmetric
// TSP with city 0 as the start: for a set S of the other cities and a city
// v in S,
//
//	f(S, v) = c[0][v]                                     if S = {v},
//	f(S, v) = min_{u ∈ S∖{v}} f(S∖{v}, u) + c[u][v]       otherwise,
//
// the cheapest path that leaves 0, visits exactly S and ends at v. The
// tour costs min_v f(all, v) + c[v][0]. S is a bitmask whose bit i−1
// stands for city i.
type HeldKarpTable struct {
	N    int
	F    []float64 // F[S·(N−1) + v−1] = f(S, v); +Inf where v ∉ S
	from []uint8   // the minimising u of each entry, 0 for the start
}

// At returns f(S, v) for a set S of cities 1..N−1 (bit v−1 for city v).
func (t *HeldKarpTable) At(set uint64, v int) float64 {
	return t.F[int(set)*(t.N-1)+v-1]
}

// HeldKarpStates fills the whole table of HeldKarp, for comparing a
// network state by state. It fails like HeldKarp.
func HeldKarpStates(c [][]float64, memoryBudget int64) (*HeldKarpTable, error) {
	n, err := checkTSP("HeldKarp", c)
	if err != nil {
		return nil, err
	}
	if n > MaxHeldKarpCities {
		return nil, fmt.Errorf("graphs: HeldKarp: %d cities, at most %d", n, MaxHeldKarpCities)
	}
	if need := HeldKarpBytes(n); need > memoryBudget {
		return nil, fmt.Errorf("%w: %d cities need 2^%d·%d·8 = %d bytes, budget %d", ErrMemoryBudget, n, n, n, need, memoryBudget)
	}
	t := &HeldKarpTable{N: n}
	if n < 2 {
		return t, nil
	}
	k := n - 1 // cities 1..n−1 are bits 0..k−1
	t.F = make([]float64, (1<<k)*k)
	t.from = make([]uint8, len(t.F))
	for i := range t.F {
		t.F[i] = math.Inf(1)
	}
	for v := range k {
		t.F[(1<<v)*k+v] = c[0][v+1]
	}
	// Sets in increasing order: S∖{v} < S, so it is done before S.
	for set := 1; set < 1<<k; set++ {
		if set&(set-1) == 0 {
			continue // singletons are the base case
		}
		row := t.F[set*k : set*k+k]
		for v := range k {
			if set&(1<<v) == 0 {
				continue
			}
			rest := set &^ (1 << v)
			prev := t.F[rest*k : rest*k+k]
			best, arg := math.Inf(1), 0
			for u := range k {
				if rest&(1<<u) == 0 {
					continue
				}
				if d := prev[u] + c[u+1][v+1]; d < best {
					best, arg = d, u+1
				}
			}
			row[v], t.from[set*k+v] = best, uint8(arg)
		}
	}
	return t, nil
}

// HeldKarp solves the asymmetric TSP on the cost matrix c (c[i][j] is
// the cost of going from city i to city j, +Inf for a forbidden arc; the
// diagonal is ignored) by the Held–Karp dynamic program of
// HeldKarpTable. It returns the optimal tour cost and a tour as the
// cities in visiting order starting with 0 (it closes back to 0); with no
// finite tour it returns +Inf and a nil tour. The table takes
// HeldKarpBytes(n) bytes, which must not exceed memoryBudget
// (ErrMemoryBudget). One city makes the empty tour of cost 0.
func HeldKarp(c [][]float64, memoryBudget int64) (float64, []int, error) {
	t, err := HeldKarpStates(c, memoryBudget)
	if err != nil {
		return 0, nil, err
	}
	n := t.N
	if n == 1 {
		return 0, []int{0}, nil
	}
	k, all := n-1, (1<<(n-1))-1
	best, last := math.Inf(1), 0
	for v := 1; v < n; v++ {
		if d := t.At(uint64(all), v) + c[v][0]; d < best {
			best, last = d, v
		}
	}
	if math.IsInf(best, 1) {
		return best, nil, nil
	}
	tour := make([]int, n)
	set := all
	for i := n - 1; i >= 1; i-- {
		tour[i] = last
		prev := int(t.from[set*k+last-1])
		set &^= 1 << (last - 1)
		last = prev
	}
	return best, tour, nil
}

// MaxBruteForceCities is the most cities TSPBruteForce accepts: it tries
// all (n−1)! tours, 40320 for 9 cities.
const MaxBruteForceCities = 9

// TSPBruteForce solves the asymmetric TSP by trying every order of the
// cities 1..n−1 after city 0; it returns what HeldKarp returns (of
// several optimal tours, the first in lexicographic order).
func TSPBruteForce(c [][]float64) (float64, []int, error) {
	n, err := checkTSP("TSPBruteForce", c)
	if err != nil {
		return 0, nil, err
	}
	if n > MaxBruteForceCities {
		return 0, nil, fmt.Errorf("graphs: TSPBruteForce: %d cities, at most %d", n, MaxBruteForceCities)
	}
	if n <= 1 {
		return 0, []int{0}, nil
	}
	best := math.Inf(1)
	var bestTour []int
	tour := []int{0}
	used := make([]bool, n)
	used[0] = true
	var extend func(cost float64)
	extend = func(cost float64) {
		if len(tour) == n {
			if total := cost + c[tour[n-1]][0]; total < best {
				best, bestTour = total, append([]int(nil), tour...)
			}
			return
		}
		for v := 1; v < n; v++ {
			if !used[v] {
				used[v] = true
				tour = append(tour, v)
				extend(cost + c[tour[len(tour)-2]][v])
				tour = tour[:len(tour)-1]
				used[v] = false
			}
		}
	}
	extend(0)
	return best, bestTour, nil
}

// TourCost is the cost of the closed tour through the cities of tour in
// order; it reports a tour that is not a permutation of 0..n−1.
func TourCost(c [][]float64, tour []int) (float64, error) {
	n := len(c)
	if len(tour) != n {
		return 0, fmt.Errorf("graphs: tour has %d cities, want %d", len(tour), n)
	}
	seen := make([]bool, n)
	var cost float64
	for i, v := range tour {
		if v < 0 || v >= n || seen[v] {
			return 0, fmt.Errorf("graphs: tour is not a permutation: city %v at position %d", v, i)
		}
		seen[v] = true
		if n > 1 {
			cost += c[v][tour[(i+1)%n]]
		}
	}
	return cost, nil
}

// checkTSP reports an empty cost matrix and one that is not square or
// holds NaN or −Inf off the diagonal.
func checkTSP(who string, c [][]float64) (int, error) {
	n := len(c)
	if n == 0 {
		return 0, fmt.Errorf("graphs: %s: no cities", who)
	}
	for i, row := range c {
		if len(row) != n {
			return 0, fmt.Errorf("graphs: %s: row %d has %d entries, want %d", who, i, len(row), n)
		}
		for j, x := range row {
			if i != j && (math.IsNaN(x) || math.IsInf(x, -1)) {
				return 0, fmt.Errorf("graphs: %s: cost %d→%d is %v", who, i, j, x)
			}
		}
	}
	return n, nil
}
