package smooth

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instance is a problem with one score vector.
type instance struct {
	name  string
	p     *Problem
	theta []float64
}

// randomInstances returns count knapsack and count top-k instances with at
// most maxN items, scores drawn by score.
func randomInstances(rng *rand.Rand, count, maxN int, score func() float64) []instance {
	var out []instance
	for j := range count {
		n := 1 + rng.IntN(maxN)
		w := make([]int, n)
		total := 0
		for i := range w {
			w[i] = 1 + rng.IntN(5)
			total += w[i]
		}
		p := NewKnapsack(w, rng.IntN(total+1))
		out = append(out, instance{fmt.Sprintf("knapsack%d", j), p, scores(n, score)})
	}
	for j := range count {
		n := 1 + rng.IntN(maxN)
		p := NewTopK(n, rng.IntN(n+1))
		out = append(out, instance{fmt.Sprintf("topk%d", j), p, scores(n, score)})
	}
	return out
}

func scores(n int, score func() float64) []float64 {
	theta := make([]float64, n)
	for i := range theta {
		theta[i] = score()
	}
	return theta
}

// feasible reports whether the subset mask (bit i = item i) is a feasible
// selection, straight from the definitions: total weight ≤ C (knapsack),
// exactly k items (top-k).
func feasible(p *Problem, mask uint32) bool {
	weight, count := 0, 0
	for i, w := range p.Weights {
		if mask>>i&1 == 1 {
			weight += w
			count++
		}
	}
	if p.Kind == TopK {
		return count == p.Capacity
	}
	return weight <= p.Capacity
}

func subsetScore(theta []float64, mask uint32) float64 {
	s := 0.0
	for i, th := range theta {
		if mask>>i&1 == 1 {
			s += th
		}
	}
	return s
}

// gibbs enumerates every subset (n ≤ 16) and returns γ·log Σ exp(θ(S)/γ)
// over the feasible ones and the marginals P(i ∈ S) under P(S) ∝ exp(θ(S)/γ).
func gibbs(p *Problem, theta []float64, gamma float64) (value float64, marg []float64) {
	n := len(theta)
	best := math.Inf(-1)
	for mask := uint32(0); mask < 1<<n; mask++ {
		if feasible(p, mask) {
			best = max(best, subsetScore(theta, mask))
		}
	}
	z := 0.0
	marg = make([]float64, n)
	for mask := uint32(0); mask < 1<<n; mask++ {
		if !feasible(p, mask) {
			continue
		}
		w := math.Exp((subsetScore(theta, mask) - best) / gamma)
		z += w
		for i := range marg {
			if mask>>i&1 == 1 {
				marg[i] += w
			}
		}
	}
	for i := range marg {
		marg[i] /= z
	}
	return best + gamma*math.Log(z), marg
}

// hardDP is the plain max DP, written independently of the package:
// v[i][c] = max(v[i−1][c], v[i−1][c−w_i] + θ_i), and the backtracked
// selection (ties go to "skip").
func hardDP(p *Problem, theta []float64) (value float64, pick []bool) {
	n, C := len(theta), p.Capacity
	v := make([][]float64, n+1)
	for i := range v {
		v[i] = make([]float64, C+1)
	}
	for c := 1; c <= C && p.Kind == TopK; c++ {
		v[0][c] = math.Inf(-1)
	}
	for i := 1; i <= n; i++ {
		w := p.Weights[i-1]
		for c := 0; c <= C; c++ {
			v[i][c] = v[i-1][c]
			if c >= w && v[i-1][c-w]+theta[i-1] > v[i][c] {
				v[i][c] = v[i-1][c-w] + theta[i-1]
			}
		}
	}
	pick = make([]bool, n)
	c := C
	for i := n; i >= 1; i-- {
		if v[i][c] != v[i-1][c] {
			pick[i-1] = true
			c -= p.Weights[i-1]
		}
	}
	return v[n][C], pick
}

func TestShannonIsLogSumExpOverSubsets(t *testing.T) {
	// Shannon's value is exactly γ·log Σ_S exp(θ(S)/γ) over feasible S, and
	// y is the Gibbs marginal. Tolerance 1e-11: n ≤ 12 steps each lose a
	// few ulps of values of size ≲ 30 (≈1e-14), with room to spare.
	rng := rand.New(rand.NewPCG(1, 1))
	for _, in := range randomInstances(rng, 30, 12, func() float64 { return 3 * rng.NormFloat64() }) {
		for _, gamma := range []float64{0.3, 1, 2.5} {
			tab, err := in.p.Forward(Shannon, gamma, in.theta)
			require.NoError(t, err)
			want, marg := gibbs(in.p, in.theta, gamma)
			assert.InDelta(t, want, tab.Value(), 1e-11, "%s γ=%v", in.name, gamma)
			assert.InDeltaSlice(t, marg, tab.Marginals(), 1e-11, "%s γ=%v", in.name, gamma)
		}
	}
}

// secondBest returns the best and second-best scores over feasible subsets.
func secondBest(p *Problem, theta []float64) (best, second float64) {
	best, second = math.Inf(-1), math.Inf(-1)
	for mask := uint32(0); mask < 1<<len(theta); mask++ {
		if !feasible(p, mask) {
			continue
		}
		s := subsetScore(theta, mask)
		if s > best {
			best, second = s, best
		} else if s > second {
			second = s
		}
	}
	return best, second
}

func TestSmallGammaIsHardDP(t *testing.T) {
	// Integer scores with a unique optimum (gap ≥ 1 ≫ γ). Along the optimal
	// walk every decision has |Δ| ≥ 1 − 2nγ·Range, so q is exactly 0 or 1
	// there (Shannon: the other term is below 2^−1022 times the winner)
	// and y must equal the optimal 0/1 selection exactly. The value must
	// lie in [hard, hard + nγ·Range]; 1e-12 covers rounding of integers
	// ≤ 250. γ = 1e-300 runs Shannon in the log domain (Σ|θ|/γ > 2^50).
	rng := rand.New(rand.NewPCG(2, 2))
	checked := 0
	for _, in := range randomInstances(rng, 40, 12, func() float64 { return float64(rng.IntN(21) - 5) }) {
		best, second := secondBest(in.p, in.theta)
		if best-second < 1 {
			continue // tie: no unique optimum
		}
		hard, pick := hardDP(in.p, in.theta)
		require.Equal(t, best, hard, "%s: hardDP disagrees with enumeration", in.name)
		want := make([]float64, len(pick))
		for i, b := range pick {
			if b {
				want[i] = 1
			}
		}
		for _, reg := range regs {
			for _, gamma := range []float64{1e-6, 1e-300} {
				tab, err := in.p.Forward(reg, gamma, in.theta)
				require.NoError(t, err)
				v := tab.Value()
				assert.GreaterOrEqual(t, v, hard-1e-12, "%s %v γ=%v", in.name, reg, gamma)
				assert.LessOrEqual(t, v, hard+float64(in.p.N())*gamma*reg.Range()+1e-12, "%s %v γ=%v", in.name, reg, gamma)
				assert.Equal(t, want, tab.Marginals(), "%s %v γ=%v", in.name, reg, gamma)
			}
		}
		checked++
	}
	require.Greater(t, checked, 40, "too few instances with a unique optimum")
}

// lowdim reads testdata/lowdim: n, n lines "profit weight", capacity.
func lowdim(t *testing.T) (names []string, problems []*Problem, profits [][]float64, optima map[string]float64) {
	dir := filepath.Join("..", "testdata", "lowdim")
	raw, err := os.ReadFile(filepath.Join(dir, "optima.txt"))
	require.NoError(t, err)
	optima = map[string]float64{}
	for line := range strings.Lines(string(raw)) {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		require.NoError(t, err)
		optima[f[0]] = v
	}
	for name := range optima {
		file, err := os.Open(filepath.Join(dir, name+".txt"))
		require.NoError(t, err)
		sc := bufio.NewScanner(file)
		sc.Split(bufio.ScanWords)
		next := func() int {
			require.True(t, sc.Scan(), "%s: short file", name)
			v, err := strconv.Atoi(sc.Text())
			require.NoError(t, err)
			return v
		}
		n := next()
		w, pr := make([]int, n), make([]float64, n)
		for i := range n {
			pr[i] = float64(next())
			w[i] = next()
		}
		c := next()
		file.Close()
		names = append(names, name)
		problems = append(problems, NewKnapsack(w, c))
		profits = append(profits, pr)
	}
	return names, problems, profits, optima
}

func TestLowdimKnapsackOptima(t *testing.T) {
	// Published optima of real instances (capacities up to 10 000). At
	// γ = 1e-6 the value lies in [opt, opt + nγ·Range] (1e-9 covers the
	// rounding of values ≈ 1e4 over n steps) and, integer profits having
	// gaps ≥ 1, y spreads only over optimal selections, so θ·y = opt to
	// within the same 1e-6 that γ allows.
	names, problems, profits, optima := lowdim(t)
	require.NotEmpty(t, names)
	for k, name := range names {
		p, theta, opt := problems[k], profits[k], optima[name]
		hard, _ := hardDP(p, theta)
		require.Equal(t, opt, hard, "%s: hardDP misses the published optimum", name)
		for _, reg := range regs {
			const gamma = 1e-6
			tab, err := p.Forward(reg, gamma, theta)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, tab.Value(), opt-1e-9, "%s %v", name, reg)
			assert.LessOrEqual(t, tab.Value(), opt+float64(p.N())*gamma*reg.Range()+1e-9, "%s %v", name, reg)
			y := tab.Marginals()
			dot, weight := 0.0, 0.0
			for i := range y {
				dot += theta[i] * y[i]
				weight += float64(p.Weights[i]) * y[i]
			}
			assert.InDelta(t, opt, dot, 1e-6, "%s %v θ·y", name, reg)
			assert.LessOrEqual(t, weight, float64(p.Capacity)+1e-9, "%s %v w·y", name, reg)
		}
	}
}

func TestValueBounds(t *testing.T) {
	// hard ≤ smoothed ≤ hard + n·γ·Range (proved in docs/smooth.md) on
	// larger random instances than enumeration allows. Slack 1e-9 for the
	// rounding of n ≤ 40 steps on values ≲ 100.
	rng := rand.New(rand.NewPCG(3, 3))
	for _, in := range randomInstances(rng, 25, 40, func() float64 { return 2 * rng.NormFloat64() }) {
		hard, _ := hardDP(in.p, in.theta)
		for _, reg := range regs {
			for _, gamma := range []float64{0.01, 0.5, 2, 10} {
				tab, err := in.p.Forward(reg, gamma, in.theta)
				require.NoError(t, err)
				v := tab.Value()
				assert.GreaterOrEqual(t, v, hard-1e-9, "%s %v γ=%v", in.name, reg, gamma)
				assert.LessOrEqual(t, v, hard+float64(in.p.N())*gamma*reg.Range()+1e-9, "%s %v γ=%v", in.name, reg, gamma)
			}
		}
	}
}

func TestMarginalsAreGradientAndFeasible(t *testing.T) {
	// y against central differences of Value with h = 1e-6: truncation
	// h²·|V'''| ≲ 1e-12/γ² and rounding ≈ n·ε·|V|/h ≲ 1e-8 for |V| ≲ 50,
	// so 1e-6. (Gini's V is only piecewise C²: a kink within h of θ would
	// cost O(h/γ); none occurs on these seeds.) Constraints: 0 ≤ y ≤ 1 and
	// Σy = k to 1e-12 (n ≤ 15 roundings of sums ≤ 1), Σw·y ≤ C + 1e-9.
	const h = 1e-6
	rng := rand.New(rand.NewPCG(4, 4))
	for _, in := range randomInstances(rng, 15, 15, func() float64 { return rng.NormFloat64() }) {
		for _, reg := range regs {
			for _, gamma := range []float64{0.2, 1} {
				tab, err := in.p.Forward(reg, gamma, in.theta)
				require.NoError(t, err)
				y := tab.Marginals()
				fd := make([]float64, len(y))
				th := append([]float64(nil), in.theta...)
				for i := range th {
					th[i] = in.theta[i] + h
					up, err := in.p.Forward(reg, gamma, th)
					require.NoError(t, err)
					th[i] = in.theta[i] - h
					down, err := in.p.Forward(reg, gamma, th)
					require.NoError(t, err)
					th[i] = in.theta[i]
					fd[i] = (up.Value() - down.Value()) / (2 * h)
				}
				assert.InDeltaSlice(t, fd, y, 1e-6, "%s %v γ=%v", in.name, reg, gamma)

				sum, weight := 0.0, 0.0
				for i, yi := range y {
					assert.GreaterOrEqual(t, yi, 0.0)
					assert.LessOrEqual(t, yi, 1.0)
					sum += yi
					weight += float64(in.p.Weights[i]) * yi
				}
				if in.p.Kind == TopK {
					assert.InDelta(t, float64(in.p.Capacity), sum, 1e-12, "%s %v Σy", in.name, reg)
				} else {
					assert.LessOrEqual(t, weight, float64(in.p.Capacity)+1e-9, "%s %v Σwy", in.name, reg)
				}
			}
		}
	}
}

func TestVJPIsDerivativeOfMarginals(t *testing.T) {
	// VJP(z) against central differences of y along z, h = 1e-6: y is
	// accurate to ~1e-15, so rounding is ≈1e-9 and truncation
	// h²·|V''''| ≲ 1e-12/γ³; tolerance 1e-6. The Hessian is symmetric, so
	// ⟨u, VJP(z)⟩ = ⟨z, VJP(u)⟩, to 1e-12 (sums of n ≤ 15 products ≲ 10).
	const h = 1e-6
	rng := rand.New(rand.NewPCG(5, 5))
	for _, in := range randomInstances(rng, 12, 15, func() float64 { return rng.NormFloat64() }) {
		n := in.p.N()
		for _, reg := range regs {
			gamma := 0.5
			tab, err := in.p.Forward(reg, gamma, in.theta)
			require.NoError(t, err)
			z := scores(n, rng.NormFloat64)
			u := scores(n, rng.NormFloat64)
			got, err := tab.VJP(z)
			require.NoError(t, err)
			// The VJP must not disturb the forward results.
			assert.Equal(t, tab.Marginals(), mustForward(t, in.p, reg, gamma, in.theta).Marginals())

			plus, minus := make([]float64, n), make([]float64, n)
			for i := range n {
				plus[i] = in.theta[i] + h*z[i]
				minus[i] = in.theta[i] - h*z[i]
			}
			yp := mustForward(t, in.p, reg, gamma, plus).Marginals()
			ym := mustForward(t, in.p, reg, gamma, minus).Marginals()
			fd := make([]float64, n)
			for i := range fd {
				fd[i] = (yp[i] - ym[i]) / (2 * h)
			}
			assert.InDeltaSlice(t, fd, got, 1e-6, "%s %v", in.name, reg)

			gotU, err := tab.VJP(u)
			require.NoError(t, err)
			assert.InDelta(t, dot(u, got), dot(z, gotU), 1e-12, "%s %v symmetry", in.name, reg)
			if in.p.Kind == TopK {
				// Σy = k for every θ, so Σ_i (Jz)_i = 0.
				assert.InDelta(t, 0, sum(got), 1e-12, "%s %v Σ VJP", in.name, reg)
			}
		}
	}
}

func mustForward(t *testing.T, p *Problem, reg Reg, gamma float64, theta []float64) *Tables {
	t.Helper()
	tab, err := p.Forward(reg, gamma, theta)
	require.NoError(t, err)
	return tab
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func sum(a []float64) float64 {
	s := 0.0
	for _, x := range a {
		s += x
	}
	return s
}

func TestFinalStateAndPick(t *testing.T) {
	// v[n, c] is the smoothed optimum at capacity c: the same as solving
	// the problem with capacity c (exact: the same operations in the same
	// order). q is 0 where the item does not fit.
	p := NewKnapsack([]int{2, 3, 1, 4}, 7)
	theta := []float64{1, -0.5, 2, 1.5}
	tab := mustForward(t, p, Tsallis, 0.8, theta)
	row := tab.FinalState()
	require.Len(t, row, 8)
	for c := range 8 {
		sub := mustForward(t, NewKnapsack(p.Weights, c), Tsallis, 0.8, theta)
		assert.Equal(t, sub.Value(), row[c], "c=%d", c)
	}
	assert.Equal(t, 0.0, tab.Pick(4, 3))
	assert.Greater(t, tab.Pick(4, 4), 0.0)
	assert.Panics(t, func() { tab.Pick(0, 0) })

	// Top-k: v[n, c] is the smoothed top-c value for every c ≤ k.
	theta = []float64{1, 2, 3, -1}
	top := mustForward(t, NewTopK(4, 3), Gini, 1, theta)
	assert.Equal(t, 3, top.Capacity())
	assert.Equal(t, 4, top.N())
	for c, v := range top.FinalState() {
		assert.Equal(t, mustForward(t, NewTopK(4, c), Gini, 1, theta).Value(), v, "c=%d", c)
	}
}

func TestBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ok := NewKnapsack([]int{1, 2}, 3)
	tests := []struct {
		name  string
		p     *Problem
		reg   Reg
		gamma float64
		theta []float64
		want  string
	}{
		{"gamma zero", ok, Gini, 0, []float64{1, 2}, "gamma: temperature γ = 0 must be finite and at least MinGamma = 2^-1022"},
		{"gamma negative", ok, Gini, -1, []float64{1, 2}, "gamma: temperature γ = -1 must be finite and at least MinGamma = 2^-1022"},
		{"gamma NaN", ok, Gini, nan, []float64{1, 2}, "gamma: temperature γ = NaN must be finite and at least MinGamma = 2^-1022"},
		{"gamma inf", ok, Gini, inf, []float64{1, 2}, "gamma: temperature γ = +Inf must be finite and at least MinGamma = 2^-1022"},
		{"score NaN", ok, Shannon, 1, []float64{1, nan}, "theta[1]: score NaN is not finite"},
		{"score inf", ok, Shannon, 1, []float64{-inf, 2}, "theta[0]: score -Inf is not finite"},
		{"length", ok, Shannon, 1, []float64{1}, "theta: has 1 entries, want n = 2"},
		{"weight", NewKnapsack([]int{1, 0, -2}, 3), Shannon, 1, []float64{1, 2, 3},
			"Weights[1]: weight 0 is not ≥ 1\nWeights[2]: weight -2 is not ≥ 1"},
		{"capacity", NewKnapsack([]int{1}, -1), Shannon, 1, []float64{1}, "Capacity: capacity -1 is negative"},
		{"k > n", NewTopK(2, 3), Shannon, 1, []float64{1, 2}, "Capacity: top-k with k = 3 > n = 2 items has no feasible selection"},
		{"top-k weights", &Problem{Weights: []int{1, 2}, Capacity: 1, Kind: TopK}, Shannon, 1, []float64{1, 2},
			"Weights[1]: top-k needs unit weights, got 2"},
		{"kind", &Problem{Weights: []int{1}, Capacity: 1, Kind: 9}, Shannon, 1, []float64{1}, "Kind: unknown kind 9 (want Knapsack or TopK)"},
		{"reg", ok, Reg(5), 1, []float64{1, 2}, "reg: unknown regulariser 5 (want Shannon, Gini or Tsallis)"},
		{"nil problem", nil, Shannon, 1, nil, "Problem: is nil"},
		{"huge table", NewKnapsack([]int{1, 1, 1, 1}, 1<<27), Shannon, 1, []float64{1, 2, 3, 4},
			"Capacity: table of 4 items × 134217729 capacities exceeds 268435456 cells"},
		{"overflow", NewKnapsack([]int{1, 1}, 2), Gini, 1, []float64{math.MaxFloat64, math.MaxFloat64},
			"theta: scores too large: Σ|θ| + n·γ = +Inf exceeds 2^1000, the DP values could overflow float64"},
		{"large gamma", NewKnapsack([]int{1, 1}, 2), Gini, 0x1p1000, []float64{1, 2},
			"theta: scores too large: Σ|θ| + n·γ = 2.1430172143725346e+301 exceeds 2^1000, the DP values could overflow float64"},
		{"everything", NewKnapsack([]int{0}, -1), Reg(-1), nan, []float64{nan, 1}, "Weights[0]: weight 0 is not ≥ 1\nCapacity: capacity -1 is negative\nreg: unknown regulariser -1 (want Shannon, Gini or Tsallis)\ngamma: temperature γ = NaN must be finite and at least MinGamma = 2^-1022\ntheta: has 2 entries, want n = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := tt.p.Forward(tt.reg, tt.gamma, tt.theta)
			assert.Nil(t, tab)
			require.EqualError(t, err, tt.want)
			var list ErrorList
			require.ErrorAs(t, err, &list)
		})
	}

	tab := mustForward(t, ok, Gini, 1, []float64{1, 2})
	_, err := tab.VJP([]float64{1, nan})
	assert.EqualError(t, err, "z[1]: score NaN is not finite")
	_, err = tab.VJP([]float64{1})
	assert.EqualError(t, err, "z: has 1 entries, want n = 2")
	assert.EqualError(t, tab.MarginalsInto(make([]float64, 3)), "y: has 3 entries, want n = 2")
	assert.EqualError(t, tab.VJPInto(make([]float64, 1), []float64{1, 2}), "out: has 1 entries, want n = 2")
	assert.PanicsWithValue(t, "smooth: Tables used before Forward", func() { new(Tables).Marginals() })
	assert.NoError(t, ok.Validate())
	assert.Error(t, NewTopK(1, 2).Validate())
}

func TestEmptyAndTrivialProblems(t *testing.T) {
	// n = 0: value 0, nothing to pick; k = 0: value 0, y = 0 exactly;
	// k = n: y = 1 exactly and value = Σθ (only one feasible subset).
	for _, reg := range regs {
		tab := mustForward(t, NewKnapsack(nil, 5), reg, 1, nil)
		assert.Equal(t, 0.0, tab.Value())
		assert.Empty(t, tab.Marginals())

		theta := []float64{0.5, -1, 2}
		tab = mustForward(t, NewTopK(3, 0), reg, 1, theta)
		assert.Equal(t, 0.0, tab.Value())
		assert.Equal(t, []float64{0, 0, 0}, tab.Marginals())

		tab = mustForward(t, NewTopK(3, 3), reg, 1, theta)
		assert.InDelta(t, 1.5, tab.Value(), 1e-15)
		assert.Equal(t, []float64{1, 1, 1}, tab.Marginals())
		vjp, err := tab.VJP([]float64{1, 2, 3})
		require.NoError(t, err)
		assert.Equal(t, []float64{0, 0, 0}, vjp)
	}
}
