package knapsack

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// solver is one exact method under test.
type solver struct {
	name  string
	solve func(profits, weights []int64, capacity int64) (Solution, error)
}

var solvers = []solver{
	{"WeightDP", WeightDP},
	{"ProfitDP", ProfitDP},
	{"BranchAndBound", BranchAndBound},
	{"CoreDP", CoreDP},
	// Compacting the history arena at every chance exercises the
	// renumbering, which the default threshold of 2^20 nodes hides.
	{"CoreDPCompacting", func(p, w []int64, c int64) (Solution, error) { return coreDP(p, w, c, 0, 2) }},
	{"Solve", Solve},
	// Proximity with a smaller cell budget than MaxProximityCells: tiny
	// instances with weights near 2^30 are refused in microseconds
	// instead of filling tens of millions of cells.
	{"Proximity", func(p, w []int64, c int64) (Solution, error) {
		ex, err := prepareProximity(p, w, c, 1<<20)
		if err != nil {
			return Solution{}, err
		}
		return ex.finish(), nil
	}},
}

// mayRefuse lists the solvers that may answer ErrTooLarge by design.
func mayRefuse(name string) bool {
	return name == "WeightDP" || name == "ProfitDP" || name == "Proximity"
}

// checkSolution asserts that s is a feasible choice worth want.
func checkSolution(t *testing.T, profits, weights []int64, capacity int64, s Solution, want int64) {
	t.Helper()
	var p, w int64
	for k, i := range s.Items {
		require.True(t, i >= 0 && i < len(profits), "item index %d out of range", i)
		if k > 0 {
			require.Less(t, s.Items[k-1], i, "items ascending and distinct")
		}
		p, w = p+profits[i], w+weights[i]
	}
	assert.Equal(t, want, s.Value, "optimum")
	assert.Equal(t, s.Value, p, "profit of the chosen items")
	assert.Equal(t, s.Weight, w, "weight of the chosen items")
	assert.LessOrEqual(t, w, capacity, "chosen items fit")
}

func TestSolversLowdim(t *testing.T) {
	for _, c := range readLowdim(t) {
		t.Run(c.Name, func(t *testing.T) {
			best, _, err := BruteForce(c.Profits, c.Weights, c.Capacity)
			require.NoError(t, err)
			assert.Equal(t, c.Optimum, best, "BruteForce against optima.txt")
			for _, sv := range solvers {
				s, err := sv.solve(c.Profits, c.Weights, c.Capacity)
				require.NoError(t, err, sv.name)
				t.Run(sv.name, func(t *testing.T) { checkSolution(t, c.Profits, c.Weights, c.Capacity, s, c.Optimum) })
			}
			opt, err := Optimum(c.Profits, c.Weights, c.Capacity)
			require.NoError(t, err)
			assert.Equal(t, c.Optimum, opt, "Optimum")
		})
	}
}

func TestSolversHandPicked(t *testing.T) {
	tests := []struct {
		name              string
		profits, weights  []int64
		capacity, optimum int64
	}{
		{"no items", nil, nil, 5, 0},
		{"capacity 0", []int64{3, 4}, []int64{1, 2}, 0, 0},
		{"weightless items are free", []int64{3, 4, 5}, []int64{0, 0, 6}, 5, 7},
		{"profitless items", []int64{0, 0, 2}, []int64{1, 1, 1}, 3, 2},
		{"everything too heavy", []int64{9, 9}, []int64{6, 7}, 5, 0},
		{"everything fits", []int64{1, 2, 3}, []int64{1, 1, 1}, 3, 6},
		// The greedy by ratio takes 60/10 and 100/20 (160), the optimum
		// is 100+120 = 220.
		{"greedy is not optimal", []int64{60, 100, 120}, []int64{10, 20, 30}, 50, 220},
		// Weights with gcd 1000 and profits with gcd 7: the reductions of
		// the DPs must scale back: 7·(3+4) = 49.
		{"common divisors", []int64{21, 28, 35}, []int64{3000, 4000, 5000}, 7000, 49},
		// Big numbers: only branch and bound and Solve should touch this.
		{"huge numbers", []int64{1 << 50, 1<<50 + 1, 3}, []int64{1 << 55, 1<<55 + 1, 1 << 40}, 1<<55 + 1<<40, 1<<50 + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.profits) <= MaxBruteForceItems {
				best, _, err := BruteForce(tt.profits, tt.weights, tt.capacity)
				require.NoError(t, err)
				require.Equal(t, tt.optimum, best, "the hand-worked optimum against BruteForce")
			}
			for _, sv := range solvers {
				s, err := sv.solve(tt.profits, tt.weights, tt.capacity)
				if err != nil && mayRefuse(sv.name) {
					assert.ErrorIs(t, err, ErrTooLarge, sv.name)
					continue
				}
				require.NoError(t, err, sv.name)
				t.Run(sv.name, func(t *testing.T) { checkSolution(t, tt.profits, tt.weights, tt.capacity, s, tt.optimum) })
			}
		})
	}
}

// wildInstance draws a small instance with zeros, repeated values and
// items heavier than the capacity, which the generators never make.
func wildInstance(rng *rand.Rand) Instance {
	n := rng.IntN(12)
	in := Instance{Profits: make([]int64, n), Weights: make([]int64, n)}
	for i := range n {
		in.Profits[i], in.Weights[i] = rng.Int64N(8), rng.Int64N(8)
	}
	in.Capacity = rng.Int64N(20)
	return in
}

// randomSmallInstances returns count instances of at most maxN items:
// every generated family over a spread of R and capacities, and wild ones.
func randomSmallInstances(count, maxN int, seed uint64) []Instance {
	rng := rand.New(rand.NewPCG(seed, 1))
	ranges := []int64{10, 100, 1000, 1 << 30}
	var out []Instance
	for k := 0; len(out) < count; k++ {
		if k%(len(Families)+1) == len(Families) {
			in := wildInstance(rng)
			in.Name, in.Family = fmt.Sprintf("wild-%d", k), "wild"
			out = append(out, in)
			continue
		}
		spec := Spec{Family: Families[k%(len(Families)+1)], N: rng.IntN(maxN + 1),
			R: ranges[rng.IntN(len(ranges))], Fraction: rng.Float64()}
		out = append(out, Draw(spec, rng, fmt.Sprintf("%v #%d", spec, k)))
	}
	return out
}

func TestSolversAgreeWithBruteForce(t *testing.T) {
	// 3000 instances of up to 14 items: every solver, every family.
	for _, in := range randomSmallInstances(3000, 14, 7) {
		best, _, err := BruteForce(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		for _, sv := range solvers {
			s, err := sv.solve(in.Profits, in.Weights, in.Capacity)
			if err != nil && mayRefuse(sv.name) {
				require.ErrorIs(t, err, ErrTooLarge, "%s on %s", sv.name, in.Name)
				continue
			}
			require.NoError(t, err, "%s on %s", sv.name, in.Name)
			var p, w int64
			for _, i := range s.Items {
				p, w = p+in.Profits[i], w+in.Weights[i]
			}
			if s.Value != best || p != best || w > in.Capacity {
				t.Fatalf("%s on %s: value %d, items worth %d weighing %d (capacity %d), brute force %d",
					sv.name, in.Name, s.Value, p, w, in.Capacity, best)
			}
		}
	}
}

func TestSolversAgreeMediumSize(t *testing.T) {
	// Too many items for brute force, small enough for both DPs: the three
	// methods must agree with each other.
	n := 200
	if testing.Short() {
		n = 60
	}
	for _, family := range Families {
		for seed := range uint64(3) {
			in := Generate(Spec{Family: family, N: n, R: 1000, Fraction: 0.5}, seed)
			var values []int64
			var names []string
			for _, sv := range solvers {
				if sv.name == "BranchAndBound" {
					// Exponential on the correlated families (hours at
					// n = 200); give it a budget and skip it when it gives up.
					sv.solve = func(p, w []int64, c int64) (Solution, error) { return branchAndBound(p, w, c, 1<<18) }
				}
				s, err := sv.solve(in.Profits, in.Weights, in.Capacity)
				if sv.name == "BranchAndBound" && errors.Is(err, ErrTooLarge) {
					continue
				}
				require.NoError(t, err, "%s on %s", sv.name, in.Name)
				checkSolution(t, in.Profits, in.Weights, in.Capacity, s, s.Value)
				values = append(values, s.Value)
				names = append(names, sv.name)
			}
			require.GreaterOrEqual(t, len(values), 3, "at least three methods answered")
			for k := range values {
				assert.Equal(t, values[0], values[k], "%s: %s against %s", in.Name, names[k], names[0])
			}
		}
	}
}

func TestSolverErrors(t *testing.T) {
	tests := []struct {
		name             string
		profits, weights []int64
		capacity         int64
		want             string
	}{
		{"lengths differ", []int64{1}, nil, 3, "1 profits but 0 weights"},
		{"negative capacity", nil, nil, -1, "negative capacity"},
		{"negative profit", []int64{-1}, []int64{1}, 3, "item 0 has negative profit"},
		{"negative weight", []int64{1, 1}, []int64{1, -2}, 3, "item 1 has negative weight"},
		{"overflowing profits", []int64{1 << 62, 1 << 62}, []int64{1, 1}, 3, "overflow"},
	}
	for _, tt := range tests {
		for _, sv := range solvers {
			t.Run(tt.name+"/"+sv.name, func(t *testing.T) {
				_, err := sv.solve(tt.profits, tt.weights, tt.capacity)
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.want)
			})
		}
	}
}

func TestDPTooLarge(t *testing.T) {
	// 3 items of coprime weights around 2^40 and capacity 2^41: the weight
	// DP would need 3·2^41 cells, the profit DP 3·2^41 too; branch and
	// bound does not care.
	profits := []int64{1<<40 + 1, 1<<40 + 3, 1<<40 + 7}
	weights := []int64{1<<40 + 5, 1<<40 + 9, 1<<40 + 11}
	capacity := int64(1 << 41)
	_, err := WeightDP(profits, weights, capacity)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = ProfitDP(profits, weights, capacity)
	assert.ErrorIs(t, err, ErrTooLarge)
	s, err := Solve(profits, weights, capacity)
	require.NoError(t, err)
	// Any two items weigh more than 2^41; the best single item is the third.
	assert.Equal(t, []int{2}, s.Items)
	assert.Equal(t, MethodBranchAndBound, s.Method)
}

func TestBranchAndBoundBudget(t *testing.T) {
	// A node budget of 10 cannot finish a 40-item strongly correlated
	// instance; the error says so and wraps ErrTooLarge.
	in := Generate(Spec{Family: StronglyCorrelated, N: 40, R: 1000, Fraction: 0.5}, 1)
	_, err := branchAndBound(in.Profits, in.Weights, in.Capacity, 10)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "stopped after")
}

// benchmarkInstances are n = 1000 instances of every family with R = 1000
// and capacity half the total weight, the classic Pisinger setting.
func benchmarkInstances() []Instance {
	var out []Instance
	for _, f := range Families {
		out = append(out, Generate(Spec{Family: f, N: 1000, R: 1000, Fraction: 0.5}, 1))
	}
	return out
}

func BenchmarkExact(b *testing.B) {
	for _, in := range benchmarkInstances() {
		for _, sv := range solvers {
			if sv.name == "CoreDPCompacting" ||
				sv.name == "BranchAndBound" && (in.Family == StronglyCorrelated || in.Family == InverseStronglyCorrelated) {
				continue // a test variant; does not finish in hours
			}
			b.Run(fmt.Sprintf("%s/%s", in.Family, sv.name), func(b *testing.B) {
				var s Solution
				for b.Loop() {
					var err error
					s, err = sv.solve(in.Profits, in.Weights, in.Capacity)
					if errors.Is(err, ErrTooLarge) {
						b.Skip(err) // the method refuses this instance by design
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(s.Work), "work/op")
			})
		}
	}
}
