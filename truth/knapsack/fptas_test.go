package knapsack

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFPTASHandWorked(t *testing.T) {
	// Items (profit, weight) = (1, 1), (2, 1), (4, 2), capacity 2, P = 2,
	// so Infinity = 4. Worked by hand with the definitions of docs/fptas.md:
	//
	//	step 0: scale 2 (d = 1),   g = [0, 4, 4]
	//	step 1: scale 2 (d = 1),   p=1 reads (1, 0): min(4, 0+1) = 1
	//	                           p=2 reads (2, 1): min(4, 4+1) = 4
	//	step 2: scale 3 (d = 3/2), p=1 reads (⌈3/2⌉=2, ⌈(3−4)/2⌉=0): min(4, 0+1) = 1
	//	                           p=2 reads (3 > P, ⌈(6−4)/2⌉=1):    min(4, 1+1) = 2
	//	step 3: scale 7 (d = 7/2), p=1 reads (⌈7/3⌉=3 > P, ⌈(7−8)/3⌉=0): min(4, 0+2) = 2
	//	                           p=2 reads (⌈14/3⌉=5 > P, ⌈(14−8)/3⌉=2): min(4, 2+2) = 4
	//
	// g(1, 3) = 2 ≤ 2 and g(2, 3) = 4 > 2, so p_NN = 1·d_3 = 7/2, below
	// OPT = 4 (item 3 alone): rounding to d = 7/2 lost half a unit.
	tr, err := FPTASWeights([]int64{1, 2, 4}, []int64{1, 1, 2}, 2, 2)
	require.NoError(t, err)
	assert.Equal(t, []int64{2, 2, 3, 7}, tr.Scale)
	assert.Equal(t, [][]int64{{0, 4, 4}, {0, 1, 4}, {0, 1, 2}, {0, 2, 4}}, tr.G)
	assert.Equal(t, 1, tr.Index)
	assert.Equal(t, big.NewRat(7, 2), tr.Value())
	assert.Equal(t, big.NewRat(3, 2), tr.D(2))
	type src struct{ p1, p2 int }
	var got []src
	for i := 1; i <= 3; i++ {
		for p := 1; p <= 2; p++ {
			p1, p2 := tr.Sources(i, p)
			got = append(got, src{p1, p2})
		}
	}
	// Indices above P are clamped to P+1 = 3.
	assert.Equal(t, []src{{1, 0}, {2, 1}, {2, 0}, {3, 1}, {3, 0}, {3, 2}}, got)
}

// subsets enumerates the profit and weight of every subset of the first i
// items, for i = 0..n: sets[i][mask] with mask < 2^i.
func subsets(profits, weights []int64) [][][2]int64 {
	sets := [][][2]int64{{{0, 0}}}
	for i := range profits {
		prev := sets[i]
		next := make([][2]int64, 0, 2*len(prev))
		next = append(next, prev...)
		for _, s := range prev {
			next = append(next, [2]int64{s[0] + profits[i], s[1] + weights[i]})
		}
		sets = append(sets, next)
	}
	return sets
}

// checkTraceCells checks every cell of an exact trace against all subsets:
// g(p, i) is the weight of a real subset of the first i items whose
// profit is at least p·d_i (so p_NN never overclaims), and for every
// subset S the index Q_i of the proof in docs/fptas.md has
// g(Q_i, i) ≤ w(S ∩ [i]) with Q_i·d_i ≥ p(S ∩ [i]) − Σ_{j ≤ i, d_j > 1} d_j.
func checkTraceCells(t *testing.T, tr Trace[int64], profits, weights []int64) {
	t.Helper()
	P, n := tr.P, len(profits)
	sets := subsets(profits, weights)
	for i := 0; i <= n; i++ {
		row := tr.G[i]
		if row[0] != 0 {
			t.Fatalf("g(0, %d) = %d, want 0", i, row[0])
		}
		for p := 1; p <= P; p++ {
			if row[p-1] > row[p] || row[p] > tr.Infinity {
				t.Fatalf("g(·, %d) = %v is not nondecreasing up to Infinity = %d at p = %d", i, row, tr.Infinity, p)
			}
			if row[p] == tr.Infinity {
				continue
			}
			found := false
			for _, s := range sets[i] {
				// profit ≥ p·d_i  ⟺  P·profit ≥ p·Scale[i]
				if s[1] == row[p] && int64(P)*s[0] >= int64(p)*tr.Scale[i] {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("g(%d, %d) = %d is the weight of no subset of profit ≥ %d·%d/%d", p, i, row[p], p, tr.Scale[i], P)
			}
		}
	}
	for mask := range 1 << n {
		var q, profit, weight, slack int64 // slack = Σ P·d_j over rounded steps
		for i := 1; i <= n; i++ {
			in := mask>>(i-1)&1 == 1
			num := q * tr.Scale[i-1]
			if in {
				num += int64(P) * profits[i-1]
				profit, weight = profit+profits[i-1], weight+weights[i-1]
			}
			q = num / tr.Scale[i]
			if tr.Scale[i] > int64(P) {
				slack += tr.Scale[i]
			}
			if q > int64(P) {
				t.Fatalf("Q_%d = %d > P = %d for subset %b", i, q, P, mask)
			}
			if q >= 1 && tr.G[i][q] > min(weight, tr.Infinity) {
				t.Fatalf("g(Q_%d = %d, %d) = %d > weight %d of subset %b", i, q, i, tr.G[i][q], weight, mask)
			}
			// Q_i·d_i ≥ p(S∩[i]) − Σ d_j, multiplied by P.
			if q*tr.Scale[i] < int64(P)*profit-slack {
				t.Fatalf("loss bound fails at step %d of subset %b: Q·scale %d < P·profit %d − slack %d",
					i, mask, q*tr.Scale[i], int64(P)*profit, slack)
			}
		}
	}
}

// randomFittingInstance draws n ≤ maxN items that all fit.
func randomFittingInstance(rng *rand.Rand, maxN int) Instance {
	spec := Spec{Family: Families[rng.IntN(len(Families))], N: 1 + rng.IntN(maxN),
		R: []int64{10, 100, 1000}[rng.IntN(3)], Fraction: 0.2 + 0.6*rng.Float64()}
	in := Draw(spec, rng, spec.String()).Fitting()
	in.Capacity = max(in.Capacity, 1)
	return in
}

func TestFPTASCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for range 300 {
		in := randomFittingInstance(rng, 8)
		n := in.Len()
		for _, P := range []int{1, max(n, 1), max(n*n, 1), 1 + rng.IntN(4*n*n+1)} {
			tr, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
			require.NoError(t, err)
			checkTraceCells(t, tr, in.Profits, in.Weights)
		}
	}
}

func TestFPTASLargePIsExact(t *testing.T) {
	// With P ≥ Σp every d_i is 1, so the rounded DP is the exact DP:
	// g(p, i) is the least weight of profit ≥ p among the first i items,
	// capped at Infinity, and p_NN = OPT.
	rng := rand.New(rand.NewPCG(6, 6))
	for range 500 {
		in := wildInstance(rng)
		in.Capacity = max(in.Capacity, 1)
		var total int64
		for _, p := range in.Profits {
			total += p
		}
		P := int(total) + rng.IntN(3)
		P = max(P, 1)
		tr, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
		require.NoError(t, err)
		sets := subsets(in.Profits, in.Weights)
		for i, row := range tr.G {
			for p := 1; p <= P; p++ {
				least := tr.Infinity
				for _, s := range sets[i] {
					if s[0] >= int64(p) {
						least = min(least, s[1])
					}
				}
				if least != row[p] {
					t.Fatalf("g(%d, %d) = %d, want %d, on %v", p, i, row[p], least, in)
				}
			}
		}
		opt, _, err := BruteForce(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		assert.Equal(t, new(big.Rat).SetInt64(opt), tr.Value(), "p_NN = OPT for %v, P = %d", in, P)
	}
}

func TestFPTASGuaranteeLowdim(t *testing.T) {
	for _, c := range readLowdim(t) {
		in := c.Fitting()
		require.Equal(t, c.Len(), in.Len(), "every lowdim item fits")
		n := in.Len()
		var total int64
		for _, p := range in.Profits {
			total += p
		}
		for _, P := range []int{n, n * n, 2 * n * n, 10 * n * n, 100 * n * n, int(total)} {
			tr, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
			require.NoError(t, err)
			require.NoError(t, CheckGuarantee(tr.Value(), c.Optimum, n, P), "%s, P = %d", c.Name, P)
			if int64(P) >= total {
				assert.Equal(t, new(big.Rat).SetInt64(c.Optimum), tr.Value(), "%s, P = Σp", c.Name)
			}
		}
	}
}

func TestFPTASGuaranteeGenerated(t *testing.T) {
	// 10 000 instances of up to 8 items, each at one P in [1, 4n²]: the
	// guarantee is nontrivial for P > n². The counters make sure rounding
	// really happened and sometimes cost profit, so the check is not
	// vacuous.
	rng := rand.New(rand.NewPCG(7, 7))
	var rounded, lossy, meaningful int
	for range 10000 {
		in := randomFittingInstance(rng, 8)
		n := in.Len()
		P := 1 + rng.IntN(4*n*n+1)
		opt, err := Optimum(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		tr, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
		require.NoError(t, err)
		require.NoError(t, CheckGuarantee(tr.Value(), opt, n, P), "%s, P = %d", in.Name, P)
		if tr.Scale[n] > int64(P) {
			rounded++
		}
		if tr.Value().Cmp(new(big.Rat).SetInt64(opt)) < 0 {
			lossy++
		}
		if P > n*n {
			meaningful++
		}
	}
	t.Logf("rounded %d, below OPT %d, bound positive %d of 10000", rounded, lossy, meaningful)
	assert.Greater(t, rounded, 5000)
	assert.Greater(t, lossy, 1000)
	assert.Greater(t, meaningful, 5000)
}

func TestFPTASGuaranteeLarger(t *testing.T) {
	if testing.Short() {
		t.Skip("larger sweep; run without -short")
	}
	// 400 instances of 10 to 40 items at P = n², 2n², 4n²; optima by Solve.
	rng := rand.New(rand.NewPCG(8, 8))
	for range 400 {
		spec := Spec{Family: Families[rng.IntN(len(Families))], N: 10 + rng.IntN(31),
			R: []int64{100, 1000, 100000}[rng.IntN(3)], Fraction: 0.2 + 0.6*rng.Float64()}
		in := Draw(spec, rng, spec.String()).Fitting()
		n := in.Len()
		opt, err := Optimum(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		for _, P := range []int{n * n, 2 * n * n, 4 * n * n} {
			pNN, err := fptasValue(in, P)
			require.NoError(t, err)
			require.NoError(t, CheckGuarantee(pNN, opt, n, P), "%s, P = %d", in.Name, P)
		}
	}
}

func TestSourceIndicesAndNetworkSums(t *testing.T) {
	// What the FPTAS-NN cell computes, in exact integers on the reference's
	// own tables: layer 2 compares indices with P·d_old and P·d_new,
	// layer 3 gates the increments of g_in, and
	//	h1(p) = ∞ − Σ_{k=p..P} [k ≥ p1]·(g(k+1) − g(k)), g(P+1) = ∞
	//	h2(p) = Σ_{k=1..p} [k ≤ p2]·(g(k) − g(k−1)),      g(0) = 0
	// must read g(p1) and g(p2), and h1 − relu(h1 − (w + h2)) must be the
	// next table.
	rng := rand.New(rand.NewPCG(9, 9))
	relu := func(x int64) int64 { return max(x, 0) }
	for range 300 {
		in := randomFittingInstance(rng, 8)
		n := in.Len()
		P := 1 + rng.IntN(3*n*n+1)
		tr, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
		require.NoError(t, err)
		inf := tr.Infinity
		for i := 1; i <= n; i++ {
			old, nw, profit := tr.Scale[i-1], tr.Scale[i], in.Profits[i-1]
			g := append(append([]int64{}, tr.G[i-1]...), inf) // g[P+1] = ∞
			for p := 1; p <= P; p++ {
				p1, p2 := SourceIndices(p, P, old, nw, profit)
				if !(p <= p1 && p1 <= P+1 && 0 <= p2 && p2 <= p) {
					t.Fatalf("step %d p %d: p1 %d p2 %d", i, p, p1, p2)
				}
				h1, h2 := inf, int64(0)
				for k := 1; k <= P; k++ {
					ge := int64(k)*old-int64(p)*nw >= 0                  // [k ≥ p1]: P·(k·d_old − p·d_new) ≥ 0
					le := int64(p)*nw-int64(P)*profit-int64(k-1)*old > 0 // [k ≤ p2]: P·(p·d_new − p_in − (k−1)·d_old) > 0
					if ge != (k >= p1) || le != (k <= p2) {
						t.Fatalf("step %d p %d k %d: gates %v %v, indices p1 %d p2 %d", i, p, k, ge, le, p1, p2)
					}
					if k >= p && ge {
						h1 -= g[k+1] - g[k]
					}
					if k <= p && le {
						h2 += g[k] - g[k-1]
					}
				}
				if out := h1 - relu(h1-(in.Weights[i-1]+h2)); h1 != g[p1] || h2 != g[p2] || out != tr.G[i][p] {
					t.Fatalf("step %d p %d: h1 %d h2 %d g_out %d, want g(p1=%d) %d, g(p2=%d) %d, g %d",
						i, p, h1, h2, out, p1, g[p1], p2, g[p2], tr.G[i][p])
				}
			}
		}
	}
}

func TestFPTASFloatMatchesWeights(t *testing.T) {
	// With capacity 1024 every size w/1024 and every sum of a few of them
	// is exact in float64, so the float DP must equal the integer one
	// divided by 1024, bit for bit.
	rng := rand.New(rand.NewPCG(10, 10))
	for range 300 {
		n := 1 + rng.IntN(10)
		in := Instance{Profits: make([]int64, n), Weights: make([]int64, n), Capacity: 1024}
		for i := range n {
			in.Profits[i], in.Weights[i] = 1+rng.Int64N(50), rng.Int64N(1025)
		}
		P := 1 + rng.IntN(200)
		fl, err := FPTAS(in.Profits, in.Sizes(), P)
		require.NoError(t, err)
		ex, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
		require.NoError(t, err)
		for i := range ex.G {
			for p := range ex.G[i] {
				if float64(ex.G[i][p])/1024 != fl.G[i][p] {
					t.Fatalf("g(%d, %d) = %v, want %d/1024", p, i, fl.G[i][p], ex.G[i][p])
				}
			}
		}
		assert.Equal(t, ex.Value(), fl.Value())
		assert.Equal(t, 2.0, fl.Infinity)
	}
}

func TestFPTASOversizedItem(t *testing.T) {
	// An item that does not fit but carries most of the profit inflates
	// d: items (profit 100, weight 2), (1, 1), capacity 1, P = 8. Step 1
	// has d = 100/8, so no index below P+1 survives without item 1, and
	// g(·, 1) = 2 everywhere; step 2 cannot reach profit d_2 = 101/8 > 1.
	// p_NN = 0 while OPT = 1 and the bound is (1 − 4/8)·1: violated.
	// Without the oversized item the DP is exact.
	profits, weights := []int64{100, 1}, []int64{2, 1}
	tr, err := FPTASWeights(profits, weights, 1, 8)
	require.NoError(t, err)
	assert.Equal(t, 0, tr.Index)
	assert.ErrorContains(t, CheckGuarantee(tr.Value(), 1, 2, 8), "below")
	fit := Instance{Profits: profits, Weights: weights, Capacity: 1}.Fitting()
	tr, err = FPTASWeights(fit.Profits, fit.Weights, fit.Capacity, 8)
	require.NoError(t, err)
	assert.Equal(t, big.NewRat(1, 1), tr.Value())
	assert.NoError(t, CheckGuarantee(tr.Value(), 1, 1, 8))
}

func TestFPTASErrors(t *testing.T) {
	tests := []struct {
		name    string
		run     func() error
		message string
	}{
		{"P zero", func() error { _, err := FPTAS([]int64{1}, []float64{0.5}, 0); return err }, "P = 0, want ≥ 1"},
		{"lengths", func() error { _, err := FPTAS([]int64{1}, nil, 3); return err }, "1 profits but 0 sizes"},
		{"negative profit", func() error { _, err := FPTAS([]int64{-1}, []float64{0.5}, 3); return err }, "item 0 has negative profit -1"},
		{"NaN size", func() error { _, err := FPTAS([]int64{1}, []float64{math.NaN()}, 3); return err }, "item 0 has size NaN"},
		{"negative size", func() error { _, err := FPTAS([]int64{1, 1}, []float64{0, -1}, 3); return err }, "item 1 has size -1"},
		{"capacity zero", func() error { _, err := FPTASWeights([]int64{1}, []int64{1}, 0, 3); return err }, "capacity 0 out of 1..2^61"},
		{"negative weight", func() error { _, err := FPTASWeights([]int64{1}, []int64{-1}, 5, 3); return err }, "item 0 has negative weight"},
		{"overflow", func() error { _, err := FPTASWeights([]int64{1 << 60}, []int64{1}, 5, 100); return err }, "overflows int64"},
		{"too many cells", func() error { _, err := FPTAS(make([]int64, 1000), make([]float64, 1000), 1<<20); return err }, "exceed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestFPTASWidths(t *testing.T) {
	assert.Equal(t, []int{2, 24, 12, 3}, FPTASWidths(3))
	assert.Equal(t, []int{2, 4, 2, 1}, FPTASWidths(1))
}

func FuzzFPTAS(f *testing.F) {
	f.Add([]byte{3, 1, 1, 2, 1, 4, 2}, uint16(2), uint8(2))
	f.Add([]byte{100, 2, 1, 1}, uint16(8), uint8(1))
	f.Add([]byte{}, uint16(1), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, P16 uint16, capacity uint8) {
		// data holds (profit, weight) byte pairs, at most 10 items.
		n := min(len(data)/2, 10)
		in := Instance{Profits: make([]int64, n), Weights: make([]int64, n), Capacity: max(int64(capacity), 1)}
		for i := range n {
			in.Profits[i], in.Weights[i] = int64(data[2*i]), int64(data[2*i+1])
		}
		P := 1 + int(P16)%600
		tr, err := FPTASWeights(in.Profits, in.Weights, in.Capacity, P)
		require.NoError(t, err)
		opt, _, err := BruteForce(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		require.LessOrEqual(t, tr.Value().Cmp(new(big.Rat).SetInt64(opt)), 0, "p_NN ≤ OPT")
		fit := in.Fitting()
		pNN, err := fptasValue(fit, P)
		require.NoError(t, err)
		require.NoError(t, CheckGuarantee(pNN, opt, fit.Len(), P))
		if n <= 6 {
			checkTraceCells(t, tr, in.Profits, in.Weights)
		}
	})
}

func ExampleFPTASWeights() {
	tr, _ := FPTASWeights([]int64{1, 2, 4}, []int64{1, 1, 2}, 2, 2)
	for i, row := range tr.G {
		fmt.Printf("step %d: d = %s, g(1..P) = %v\n", i, tr.D(i).RatString(), row[1:])
	}
	fmt.Println("p_NN =", tr.Value().RatString())
	// Output:
	// step 0: d = 1, g(1..P) = [4 4]
	// step 1: d = 1, g(1..P) = [1 4]
	// step 2: d = 3/2, g(1..P) = [1 2]
	// step 3: d = 7/2, g(1..P) = [2 4]
	// p_NN = 7/2
}
