package graphs

import (
	"math"
	"math/bits"
)

// FloydWarshall computes all-pairs shortest-path distances: d[i][j] is
// +Inf when j is unreachable from i, −Inf when a walk from i to j can
// pass a negative cycle, and the distance otherwise (d[i][i] = 0 unless
// i lies on or behind a negative cycle). negCycle reports any negative
// cycle. Without negative cycles the matrix is FloydWarshallSteps' last
// step.
func FloydWarshall(g Graph) (d [][]float64, negCycle bool, err error) {
	if err := g.Validate(); err != nil {
		return nil, false, err
	}
	// One matrix updated in place (CLRS Exercise 25.2-4): entries only get
	// smaller and stay costs of walks, so without negative cycles the end
	// is D(N), and with them every negative cycle still shows on the
	// diagonal.
	d = unitStep(g)
	for k := range g.N {
		dk := d[k]
		for i := range g.N {
			di := d[i]
			dik := di[k]
			if math.IsInf(dik, 1) {
				continue
			}
			for j, x := range dk {
				if y := dik + x; y < di[j] {
					di[j] = y
				}
			}
		}
	}
	negCycle = markNegativeCycles(d)
	return d, negCycle, nil
}

// FloydWarshallSteps returns the matrices D(0), D(1), …, D(N) of the
// Floyd–Warshall recurrence: D(0) is the arc matrix with min(0, C[i][i])
// on the diagonal, and
//
//	D(k)[i][j] = min( D(k−1)[i][j], D(k−1)[i][k] + D(k−1)[k][j] )
//
// (vertex k is 0-based vertex k−1), the cheapest path with inner
// vertices among the first k. These are the matrices CLRS prints in
// Exercise 25.2-1. With a negative cycle the later matrices are costs of
// some walks but not shortest ones.
func FloydWarshallSteps(g Graph) ([][][]float64, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	steps := make([][][]float64, g.N+1)
	steps[0] = unitStep(g)
	for k := range g.N {
		prev := steps[k]
		next := make([][]float64, g.N)
		for i := range g.N {
			next[i] = make([]float64, g.N)
			for j := range g.N {
				next[i][j] = math.Min(prev[i][j], prev[i][k]+prev[k][j])
			}
		}
		steps[k+1] = next
	}
	return steps, nil
}

// unitStep is the matrix of walks with at most one arc: the arcs, and the
// empty walk (cost 0) or a cheaper negative self-loop on the diagonal.
func unitStep(g Graph) [][]float64 {
	d := make([][]float64, g.N)
	for i := range g.N {
		d[i] = append([]float64(nil), g.C[i]...)
		d[i][i] = math.Min(0, d[i][i])
	}
	return d
}

// MinPlus returns the min-plus product P[i][j] = min_k A[i][k] + B[k][j]
// of two square matrices: the cheapest walks that follow a walk of A by
// one of B. It is the operation the APSP network repeats.
func MinPlus(a, b [][]float64) [][]float64 {
	n := len(a)
	p := make([][]float64, n)
	for i := range n {
		row := make([]float64, n)
		for j := range row {
			row[j] = math.Inf(1)
		}
		// Loop order i, k, j walks rows of b contiguously.
		for k, aik := range a[i] {
			if math.IsInf(aik, 1) {
				continue
			}
			for j, x := range b[k] {
				if y := aik + x; y < row[j] {
					row[j] = y
				}
			}
		}
		p[i] = row
	}
	return p
}

// SquaringSteps is the number of min-plus squarings MinPlusSquaring does
// on n vertices: the least s with 2^s ≥ n, so the last power covers
// every cycle (at most n arcs) and every path (at most n−1 arcs).
func SquaringSteps(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}

// MinPlusPowers returns L(1), L(2), L(4), …, L(2^s) with s =
// SquaringSteps(N): L(1) is the arc matrix with min(0, C[i][i]) on the
// diagonal and L(2m) = L(m) ⊗ L(m), the cheapest walks with at most 2m
// arcs. These are the matrices of CLRS's FASTER-ALL-PAIRS-SHORTEST-PATHS
// (Exercise 25.1-1) and the states of the repeated-squaring network.
func MinPlusPowers(g Graph) ([][][]float64, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	powers := [][][]float64{unitStep(g)}
	for range SquaringSteps(g.N) {
		last := powers[len(powers)-1]
		powers = append(powers, MinPlus(last, last))
	}
	return powers, nil
}

// MinPlusSquaring computes the same matrix as FloydWarshall by repeated
// min-plus squaring: the last of MinPlusPowers, with −Inf marked. It is
// the second, independent method for all pairs.
func MinPlusSquaring(g Graph) (d [][]float64, negCycle bool, err error) {
	powers, err := MinPlusPowers(g)
	if err != nil {
		return nil, false, err
	}
	d = powers[len(powers)-1]
	negCycle = markNegativeCycles(d)
	return d, negCycle, nil
}

// PathsUpTo returns L(1), …, L(m): the cheapest walks with at most k arcs
// for k = 1..m, one arc more per step (CLRS's SLOW-ALL-PAIRS-SHORTEST-PATHS;
// row i of L(k) is BellmanFordRows from source i, step k).
func PathsUpTo(g Graph, m int) ([][][]float64, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	one := unitStep(g)
	steps := [][][]float64{one}
	for len(steps) < m {
		steps = append(steps, MinPlus(steps[len(steps)-1], one))
	}
	return steps, nil
}

// markNegativeCycles sets d[i][j] = −Inf wherever a walk from i to j can
// pass a vertex k with d[k][k] < 0, and reports whether there is such a k.
// It needs a matrix whose entries are costs of walks, finite exactly for
// reachable pairs, and whose diagonal is negative on some vertex of every
// negative cycle: the last Floyd–Warshall step and L(2^s) with 2^s ≥ n
// both are.
func markNegativeCycles(d [][]float64) bool {
	n := len(d)
	var bad []int
	for k := range n {
		if d[k][k] < 0 {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return false
	}
	reach := make([][]bool, n)
	for i := range n {
		reach[i] = make([]bool, n)
		for j := range n {
			reach[i][j] = !math.IsInf(d[i][j], 1)
		}
	}
	for i := range n {
		for j := range n {
			for _, k := range bad {
				if reach[i][k] && reach[k][j] {
					d[i][j] = math.Inf(-1)
					break
				}
			}
		}
	}
	return true
}
