package knapsack

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// proximityCapped is Proximity with a cell budget of maxCells.
func proximityCapped(p, w []int64, c int64, maxCells int64) (Solution, error) {
	ex, err := prepareProximity(p, w, c, maxCells)
	if err != nil {
		return Solution{}, err
	}
	return ex.finish(), nil
}

// checkFeasible fails unless s lists distinct items that fit and are
// worth s.Value.
func checkFeasible(t *testing.T, in Instance, s Solution) {
	t.Helper()
	var p, w int64
	seen := map[int]bool{}
	for _, i := range s.Items {
		require.True(t, i >= 0 && i < in.Len() && !seen[i], "%s: bad item %d", in.Name, i)
		seen[i] = true
		p, w = p+in.Profits[i], w+in.Weights[i]
	}
	require.Equal(t, s.Value, p, "%s: value of the items", in.Name)
	require.Equal(t, s.Weight, w, "%s: weight of the items", in.Name)
	require.LessOrEqual(t, w, in.Capacity, "%s: the items fit", in.Name)
}

// TestProximityAgainstWeightDP runs 2500 random instances of every family
// (and wild ones) with up to 100 items and R up to 1000, where the weight
// DP is a few milliseconds: the optima must be equal and the items
// feasible. Proximity may refuse none of them.
func TestProximityAgainstWeightDP(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 1))
	ranges := []int64{10, 100, 1000}
	for k := range 2500 {
		var in Instance
		if k%(len(Families)+1) == len(Families) {
			in = wildInstance(rng)
			in.Name = fmt.Sprintf("wild-%d", k)
		} else {
			spec := Spec{Family: Families[k%(len(Families)+1)], N: 1 + rng.IntN(100),
				R: ranges[rng.IntN(len(ranges))], Fraction: rng.Float64()}
			in = Draw(spec, rng, fmt.Sprintf("%v #%d", spec, k))
		}
		want, err := WeightDP(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err, in.Name)
		got, err := Proximity(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err, in.Name)
		require.Equal(t, MethodProximity, got.Method)
		require.Equal(t, want.Value, got.Value, in.Name)
		checkFeasible(t, in, got)
	}
}

// TestProximityLargeCapacity checks instances of 1,000 to 10,000 items
// with capacities from 10^5 to 10^9 against branch and bound (where it
// finishes within its node budget) and the core DP: equal optima,
// feasible items. Proximity may refuse where its cost model says the DP
// is too large (w_max ≥ 10^5 with weak item fixing), never answer wrong.
func TestProximityLargeCapacity(t *testing.T) {
	t.Parallel()
	type tc struct {
		spec Spec
		seed uint64
	}
	var cases []tc
	for _, f := range Families {
		cases = append(cases,
			tc{Spec{Family: f, N: 1000, R: 200, Fraction: 0.5}, 1},       // C ≈ 5·10^4
			tc{Spec{Family: f, N: 10000, R: 1000, Fraction: 0.3}, 2},     // C ≈ 1.5·10^6
			tc{Spec{Family: f, N: 2000, R: 1_000_000, Fraction: 0.9}, 3}, // C ≈ 9·10^8
		)
	}
	solved := 0
	for _, c := range cases {
		in := Generate(c.spec, c.seed)
		got, err := Proximity(in.Profits, in.Weights, in.Capacity)
		if errors.Is(err, ErrTooLarge) {
			t.Logf("%s (C=%d): refused: %v", in.Name, in.Capacity, err)
			continue
		}
		require.NoError(t, err, in.Name)
		checkFeasible(t, in, got)
		agreed := 0
		if s, err := branchAndBound(in.Profits, in.Weights, in.Capacity, 1<<20); err == nil {
			assert.Equal(t, s.Value, got.Value, "%s: against branch and bound", in.Name)
			agreed++
		}
		if s, err := coreDP(in.Profits, in.Weights, in.Capacity, 1<<25, 1<<20); err == nil {
			assert.Equal(t, s.Value, got.Value, "%s: against the core DP", in.Name)
			agreed++
		}
		if agreed == 0 {
			t.Logf("%s: no other method finished to compare with", in.Name)
			continue
		}
		solved++
	}
	// Every family at 10^3 and 10^4 items with w_max ≤ 1000 must be solved
	// and checked.
	assert.GreaterOrEqual(t, solved, 2*len(Families), "instances solved and checked")
}

// TestProximityCapacity9e8 solves n = 10^5 items with R = 2·10^4 and
// capacity 0.9·Σw ≈ 9·10^8 of the families branch and bound finishes
// (uncorrelated, weakly correlated, subset sum) and compares: equal
// optima, feasible items. (The correlated families at this capacity have
// no independent method that finishes in a test's time: the core DP runs
// for minutes; docs/performance.md times them at n = 10^5, R = 1000.)
func TestProximityCapacity9e8(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("three instances of 10^5 items")
	}
	for _, f := range []Family{Uncorrelated, WeaklyCorrelated, SubsetSum} {
		in := Generate(Spec{Family: f, N: 100_000, R: 20_000, Fraction: 0.9}, 1)
		require.Greater(t, in.Capacity, int64(8e8), in.Name)
		got, err := Proximity(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err, in.Name)
		checkFeasible(t, in, got)
		want, err := branchAndBound(in.Profits, in.Weights, in.Capacity, 1<<22)
		require.NoError(t, err, in.Name)
		assert.Equal(t, want.Value, got.Value, "%s (C=%d)", in.Name, in.Capacity)
	}
}

// Scaling every weight and the capacity by 1000 changes nothing:
// Proximity divides the weights by their gcd, so the optimum, the items
// and the cells filled are those of the unscaled instance (w_max 1000,
// not 10^6, which it would refuse).
func TestProximityGCD(t *testing.T) {
	for _, f := range Families {
		in := Generate(Spec{Family: f, N: 300, R: 1000, Fraction: 0.5}, 6)
		want, err := Proximity(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err, in.Name)
		scaled := Instance{Name: in.Name + "×1000", Profits: in.Profits, Weights: make([]int64, in.Len()), Capacity: in.Capacity*1000 + 999}
		for i, w := range in.Weights {
			scaled.Weights[i] = w * 1000
		}
		got, err := Proximity(scaled.Profits, scaled.Weights, scaled.Capacity)
		require.NoError(t, err, scaled.Name)
		checkFeasible(t, scaled, got)
		assert.Equal(t, want.Value, got.Value, scaled.Name)
		assert.Equal(t, want.Items, got.Items, scaled.Name)
		assert.Equal(t, want.Work, got.Work, scaled.Name)
	}
}

func TestProximityRefusals(t *testing.T) {
	// Profits summing to 2^60 or more could overflow the DP's sums.
	_, err := Proximity([]int64{1 << 59, 1 << 59, 5}, []int64{3, 4, 5}, 8)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "total profit below 2^60")
	_, err = ProximityCost([]int64{1 << 59, 1 << 59, 5}, []int64{3, 4, 5}, 8)
	require.ErrorIs(t, err, ErrTooLarge)

	// Coprime weights near 10^6 with profits that make the LP bound weak:
	// the predicted DP exceeds a small budget and is refused before it
	// allocates.
	in := Generate(Spec{Family: StronglyCorrelated, N: 300, R: 1_000_000, Fraction: 0.5}, 4)
	_, err = proximityCapped(in.Profits, in.Weights, in.Capacity, 1<<16)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "proximity predicts")

	// Invalid input is reported as by the other methods.
	_, err = Proximity([]int64{1}, []int64{-1}, 3)
	assert.ErrorContains(t, err, "negative weight")
}

func TestProximityCost(t *testing.T) {
	in := Generate(Spec{Family: Uncorrelated, N: 2000, R: 1000, Fraction: 0.5}, 5)
	cost, err := ProximityCost(in.Profits, in.Weights, in.Capacity)
	require.NoError(t, err)
	s, err := Proximity(in.Profits, in.Weights, in.Capacity)
	require.NoError(t, err)
	// The prediction bounds the work: the final DP's windows only shrink.
	assert.LessOrEqual(t, s.Work, cost)
	// An instance where everything fits costs nothing.
	cost, err = ProximityCost([]int64{1, 2}, []int64{1, 1}, 5)
	require.NoError(t, err)
	assert.Zero(t, cost)
}

func TestMaxPlusConcave(t *testing.T) {
	// Against the plain double loop on random tables (with dead cells)
	// and random concave profiles.
	rng := rand.New(rand.NewPCG(3, 3))
	for range 500 {
		n, k := 1+rng.IntN(40), rng.IntN(12)
		b := make([]int64, k+1)
		step := int64(rng.IntN(50))
		for x := 1; x <= k; x++ {
			step -= int64(rng.IntN(10)) // nonincreasing increments: concave
			b[x] = b[x-1] + step
		}
		a := make([]int64, k+n)
		for j := range a {
			a[j] = int64(rng.IntN(200)) - 100
			if rng.IntN(4) == 0 {
				a[j] = deadCell
			}
		}
		out, arg := make([]int64, n), make([]int32, n)
		maxPlusConcave(a, b, k, out, arg)
		for i := range n {
			want := int64(deadCell) * 2
			for x := 0; x <= k; x++ {
				want = max(want, a[k+i-x]+b[x])
			}
			require.Equal(t, want, out[i], "output %d", i)
			x := k + i - int(arg[i])
			require.Equal(t, want, a[arg[i]]+b[x], "argument %d", i)
		}
	}
}

// FuzzProximity decodes up to 12 items and a capacity from the input and
// compares Proximity with BruteForce.
func FuzzProximity(f *testing.F) {
	f.Add([]byte{3, 10, 5, 8, 4, 6, 3, 9})
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{7, 200, 7, 9, 10, 11, 5, 200, 3, 1, 1, 50, 50, 9, 9, 100, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		capacity := int64(data[0]) * 3
		data = data[1:]
		var profits, weights []int64
		for len(data) >= 2 && len(profits) < 12 {
			profits = append(profits, int64(data[0]))
			weights = append(weights, int64(data[1]%64))
			data = data[2:]
		}
		best, _, err := BruteForce(profits, weights, capacity)
		require.NoError(t, err)
		s, err := Proximity(profits, weights, capacity)
		require.NoError(t, err)
		require.Equal(t, best, s.Value)
		checkFeasible(t, Instance{Name: "fuzz", Profits: profits, Weights: weights, Capacity: capacity}, s)
	})
}

// TestProximityRandomLarge draws 150 instances of every family with 100
// to 3,000 items and R from 10^3 to 10^5 (capacities up to about 1.4·10^8)
// and compares Proximity with branch and bound or, where that runs out of
// nodes, the core DP, each with a budget: where one of them finishes, the
// optima must be equal, and Proximity's items must fit and be worth the
// optimum. Proximity may refuse (R = 10^5 with weak bounds), never answer
// wrong.
func TestProximityRandomLarge(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 2))
	ranges := []int64{1000, 1000, 10_000, 10_000, 100_000}
	const count = 150
	compared, refused := 0, 0
	for k := range count {
		spec := Spec{Family: Families[k%len(Families)], N: 100 + rng.IntN(2900),
			R: ranges[rng.IntN(len(ranges))], Fraction: 0.05 + 0.9*rng.Float64()}
		in := Draw(spec, rng, fmt.Sprintf("%v #%d", spec, k))
		got, err := proximityCapped(in.Profits, in.Weights, in.Capacity, 1<<24)
		if errors.Is(err, ErrTooLarge) {
			refused++
			continue
		}
		require.NoError(t, err, in.Name)
		checkFeasible(t, in, got)
		var want *Solution
		if s, err := branchAndBound(in.Profits, in.Weights, in.Capacity, 1<<16); err == nil {
			want = &s
		} else if s, err := coreDP(in.Profits, in.Weights, in.Capacity, 1<<18, 1<<20); err == nil {
			want = &s
		}
		if want == nil {
			continue
		}
		require.Equal(t, want.Value, got.Value, "%s (C=%d): against %s", in.Name, in.Capacity, want.Method)
		compared++
	}
	t.Logf("%d of %d compared, %d refused by Proximity", compared, count, refused)
	assert.GreaterOrEqual(t, compared, count/2, "instances compared")
}
