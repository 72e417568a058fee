package knapsack

import (
	"fmt"
	"math"
	"math/big"
)

// Size is the type of item sizes in the rounded DP: float64 sizes with
// capacity 1 and infinity 2, as the network reads them, or int64 weights
// with capacity C and infinity 2C, which keep every comparison exact.
type Size interface{ int64 | float64 }

// Trace is what the rounded DP of the FPTAS-NN computes, step by step
// (docs/fptas.md defines it). Step i = 1..n processes item i (profit
// Profits[i-1]); step 0 is the initial state.
type Trace[S Size] struct {
	P        int
	Capacity S       // g(p, n) ≤ Capacity means profit p·d_n is reachable
	Infinity S       // the value of g when no subset reaches the profit
	Profits  []int64 // the items' profits
	// Scale[i] = P·d_i = max(P, p*_i), where p*_i is the sum of the first
	// i profits: the granularity d_i = Scale[i]/P as an integer.
	Scale []int64
	// G[i][p] = g(p, i) for i = 0..n and p = 0..P. G[i][0] = 0 is the
	// boundary the network never stores; G[i][1..P] are its state.
	G [][]S
	// Index is the largest p with g(p, n) ≤ Capacity, 0 if there is none.
	Index int
}

// Value returns p_NN = Index·d_n, exactly.
func (t Trace[S]) Value() *big.Rat {
	return new(big.Rat).SetFrac(
		new(big.Int).Mul(big.NewInt(int64(t.Index)), big.NewInt(t.Scale[len(t.Scale)-1])),
		big.NewInt(int64(t.P)))
}

// D returns the granularity d_i = max(1, p*_i/P) of step i.
func (t Trace[S]) D(i int) *big.Rat { return big.NewRat(t.Scale[i], int64(t.P)) }

// Sources returns the indices of step i−1 that g(p, i) reads, for
// i = 1..n and p = 1..P: see SourceIndices.
func (t Trace[S]) Sources(i, p int) (p1, p2 int) {
	return SourceIndices(p, t.P, t.Scale[i-1], t.Scale[i], t.Profits[i-1])
}

// SourceIndices returns the indices that g(p, i) reads from step i−1:
//
//	p1 = ⌈p·d_i/d_{i−1}⌉           (item i left out)
//	p2 = ⌈(p·d_i − p_i)/d_{i−1}⌉    (item i put in)
//
// computed in integers as ⌈p·scaleNew/scaleOld⌉ and
// ⌈(p·scaleNew − P·profit)/scaleOld⌉ with scale = P·d. They always satisfy
// p ≤ p1 and p2 ≤ p; p1 is clamped to P+1 (every index above P reads
// Infinity) and p2 to 0 (every index below 1 reads 0).
func SourceIndices(p, P int, scaleOld, scaleNew, profit int64) (p1, p2 int) {
	a := int64(p) * scaleNew
	p1 = int(min(ceilDiv(a, scaleOld), int64(P)+1))
	p2 = int(max(ceilDiv(a-int64(P)*profit, scaleOld), 0))
	return p1, p2
}

// ceilDiv is ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int64) int64 {
	if a >= 0 {
		return (a + b - 1) / b
	}
	return -(-a / b)
}

// FPTASWidths returns the widths of the hidden layers of the FPTAS-NN
// cell for P: 2 (the granularities d_old, d_new), 2P²+2P (the index
// comparisons), P²+P (the gated increments of g_in), P (the min of the
// two candidates). The output layer g_out has width P.
func FPTASWidths(P int) []int { return []int{2, 2*P*P + 2*P, P*P + P, P} }

// MaxFPTASCells bounds (n+1)·(P+1), the size of the tables a Trace keeps.
const MaxFPTASCells = 1 << 27

// FPTAS runs the rounded DP of the FPTAS-NN on integer profits and sizes
// normalised to capacity 1, and returns every step's table; p_NN is
// Value(). The answer satisfies p_NN ≤ OPT always, and
// p_NN ≥ (1 − n²/P)·OPT when every item fits on its own (size ≤ 1). Float
// additions round, so near-ties at g = 1 can differ from exact
// arithmetic; FPTASWeights is exact.
func FPTAS(profits []int64, sizes []float64, P int) (Trace[float64], error) {
	for i, s := range sizes {
		if !(s >= 0) {
			return Trace[float64]{}, fmt.Errorf("knapsack: item %d has size %v, want ≥ 0", i, s)
		}
	}
	return roundedDP(profits, sizes, 1.0, 2.0, P, true)
}

// FPTASWeights is FPTAS with integer weights and capacity C ≥ 1: g is the
// weight instead of the size, Capacity is C and Infinity 2C, so every
// value and comparison is exact. With C a power of two it equals FPTAS on
// the sizes w/C exactly.
func FPTASWeights(profits, weights []int64, capacity int64, P int) (Trace[int64], error) {
	if capacity < 1 || capacity > math.MaxInt64/4 {
		return Trace[int64]{}, fmt.Errorf("knapsack: capacity %d out of 1..2^61", capacity)
	}
	for i, w := range weights {
		if w < 0 {
			return Trace[int64]{}, fmt.Errorf("knapsack: item %d has negative weight %d", i, w)
		}
	}
	return roundedDP(profits, weights, capacity, 2*capacity, P, true)
}

// roundedDP is the DP of docs/fptas.md. With keep false only the last
// table is kept (G has one row), for studies over large n and P.
func roundedDP[S Size](profits []int64, sizes []S, capacity, infinity S, P int, keep bool) (Trace[S], error) {
	t := Trace[S]{P: P, Capacity: capacity, Infinity: infinity, Profits: profits}
	n := len(profits)
	if len(sizes) != n {
		return t, fmt.Errorf("knapsack: %d profits but %d sizes", n, len(sizes))
	}
	if P < 1 {
		return t, fmt.Errorf("knapsack: P = %d, want ≥ 1", P)
	}
	var total int64
	for i, p := range profits {
		if p < 0 {
			return t, fmt.Errorf("knapsack: item %d has negative profit %d", i, p)
		}
		if total > math.MaxInt64-p {
			return t, fmt.Errorf("knapsack: the profits overflow int64")
		}
		total += p
	}
	// SourceIndices multiplies p ≤ P by a scale ≤ max(P, total).
	if hi := max(int64(P), total); hi > math.MaxInt64/4/int64(P) {
		return t, fmt.Errorf("knapsack: P·max(P, Σp) = %d·%d overflows int64", P, hi)
	}
	if keep && int64(n+1)*int64(P+1) > MaxFPTASCells {
		return t, fmt.Errorf("knapsack: tables of %d steps × %d entries exceed %d cells", n+1, P+1, MaxFPTASCells)
	}

	row := make([]S, P+1)
	for p := 1; p <= P; p++ {
		row[p] = infinity // no item yet: every positive profit is unreachable
	}
	t.Scale = make([]int64, n+1)
	t.Scale[0] = int64(P)
	if keep {
		t.G = make([][]S, 1, n+1)
		t.G[0] = row
	}
	var sum int64 // p*_i
	for i := 1; i <= n; i++ {
		sum += profits[i-1]
		t.Scale[i] = max(int64(P), sum)
		size := min(sizes[i-1], infinity) // larger sizes give the same min
		next := make([]S, P+1)
		for p := 1; p <= P; p++ {
			p1, p2 := SourceIndices(p, P, t.Scale[i-1], t.Scale[i], profits[i-1])
			if p1 < p || p2 > p {
				panic(fmt.Sprintf("knapsack: step %d, p = %d reads p1 = %d, p2 = %d", i, p, p1, p2))
			}
			left := infinity
			if p1 <= P {
				left = row[p1]
			}
			next[p] = min(left, row[p2]+size)
		}
		row = next
		if keep {
			t.G = append(t.G, row)
		}
	}
	if !keep {
		t.G = [][]S{row}
	}
	for p := P; p >= 1; p-- {
		if row[p] <= capacity {
			t.Index = p
			break
		}
	}
	return t, nil
}
