package sensitivity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// randomInstances are small instances of every Pisinger family.
func randomInstances(n, per int, R int64) []knapsack.Instance {
	var out []knapsack.Instance
	for _, f := range knapsack.Families {
		for k := range per {
			out = append(out, knapsack.Generate(knapsack.Spec{Family: f, N: n, R: R, Fraction: 0.5}, uint64(k+1)))
		}
	}
	return out
}

func TestHamming(t *testing.T) {
	for _, c := range []struct {
		a, b []int
		want int
	}{
		{nil, nil, 0},
		{[]int{1, 2}, nil, 2},
		{[]int{1, 2, 5}, []int{2, 5, 7}, 2},
		{[]int{0, 3}, []int{0, 3}, 0},
	} {
		assert.Equal(t, c.want, Hamming(c.a, c.b), "%v %v", c.a, c.b)
		assert.Equal(t, c.want, Hamming(c.b, c.a))
	}
	assert.Equal(t, []int{0, 2, 3}, Lift([]int{0, 1, 2}, 1))
	in := knapsack.Instance{Profits: []int64{1, 2, 3}, Weights: []int64{4, 5, 6}, Capacity: 9}
	d := Without(in, 1)
	assert.Equal(t, []int64{1, 3}, d.Profits)
	assert.Equal(t, []int64{4, 6}, d.Weights)
	assert.Equal(t, []int64{1, 2, 3}, in.Profits, "Without must not change its argument")
}

func TestEMD(t *testing.T) {
	for _, c := range []struct {
		name string
		p, q Distribution
		want float64
	}{
		{"point masses", Distribution{"1,2": 1}, Distribution{"2,3,4": 1}, 3},
		{"half moves", Distribution{"": 0.5, "1": 0.5}, Distribution{"": 1}, 0.5},
		{"swap is free", Distribution{"1": 0.5, "2": 0.5}, Distribution{"2": 0.5, "1": 0.5}, 0},
		// moving {1} to {1,2} costs 1, {3} to {} costs 1: 0.5·1 + 0.5·1.
		{"two moves", Distribution{"1": 0.5, "3": 0.5}, Distribution{"1,2": 0.5, "": 0.5}, 1},
	} {
		got, err := EMD(c.p, c.q)
		require.NoError(t, err, c.name)
		assert.InDelta(t, c.want, got, 1e-9, c.name)
	}
}

// The twin instance: exact optimisation changes 2n items whenever one of
// the first n is deleted, greedy changes 2.
func TestTwin(t *testing.T) {
	for _, n := range []int{2, 5, 20} {
		in, err := Twin(n)
		require.NoError(t, err)
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		r, err := Deterministic(in, Exact)
		require.NoError(t, err)
		assert.Equal(t, float64(opt), r.Value)
		N := float64(n)
		assert.InDelta(t, N, r.Sensitivity, 1e-12, "n = %d", n)
		g, err := Deterministic(in, Greedy)
		require.NoError(t, err)
		assert.InDelta(t, 2*N/(2*N+1), g.Sensitivity, 1e-12)
	}
	_, err := Twin(1)
	assert.Error(t, err)
}

// Every selector gives a feasible set with its guarantee, and Deterministic
// is the mean over deletions of the Hamming distance, recomputed here.
func TestSelectors(t *testing.T) {
	for _, in := range randomInstances(12, 2, 50) {
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		n := float64(in.Len())
		for _, c := range []struct {
			name  string
			sel   Selector
			bound float64
		}{
			{"exact", Exact, 1},
			{"greedy", Greedy, 0},
			{"fptas 0.5", FPTAS(0.5), 0.5},
			{"fptas 0.1", FPTAS(0.1), 0.9},
			{"rounded P=1000", RoundedDP(1000), 1 - n*n/1000},
		} {
			s, err := c.sel(in)
			require.NoError(t, err)
			require.NoError(t, CheckFeasible(in, s), c.name)
			v := Profit(in, s)
			assert.LessOrEqual(t, v, opt)
			assert.GreaterOrEqual(t, float64(v), c.bound*float64(opt)-1e-9, "%s on %s", c.name, in.Name)
			r, err := Deterministic(in, c.sel)
			require.NoError(t, err)
			var sum float64
			for i := range in.Len() {
				d, err := c.sel(Without(in, i))
				require.NoError(t, err)
				sum += float64(Hamming(s, Lift(d, i)))
			}
			assert.InDelta(t, sum/n, r.Sensitivity, 1e-12)
			assert.Equal(t, float64(v), r.Value)
		}
	}
}

// The selection walked back from the rounded DP has at least p_NN, the
// table's value.
func TestRoundedDPValue(t *testing.T) {
	for _, in := range randomInstances(15, 2, 100) {
		for _, P := range []int{5, 20, 100} {
			s, err := RoundedDP(P)(in)
			require.NoError(t, err)
			fit := in.Fitting()
			tr, err := knapsack.FPTASWeights(fit.Profits, fit.Weights, max(fit.Capacity, 1), P)
			require.NoError(t, err)
			pnn, _ := tr.Value().Float64()
			assert.GreaterOrEqual(t, float64(Profit(in, s)), pnn, "%s P=%d", in.Name, P)
		}
	}
}

// The reconstruction's guarantee holds threshold by threshold: the exact
// mean value given τ is at least (1 − ε)·OPT.
func TestKYGuarantee(t *testing.T) {
	for _, in := range append(randomInstances(20, 2, 100), randomInstances(60, 1, 1000)...) {
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		require.NoError(t, err)
		for _, eps := range []float64{0.5, 0.2, 0.1} {
			k, err := NewKY(in, eps, 3)
			require.NoError(t, err)
			for s := range 8 {
				out, err := k.Draw(s)
				require.NoError(t, err)
				require.NoError(t, CheckFeasible(in, out))
				assert.LessOrEqual(t, Profit(in, out), opt)
				cv := k.ConditionalValue(s)
				assert.GreaterOrEqual(t, cv, (1-eps)*float64(opt)-1e-9, "%s ε=%v draw %d: E[value|τ] = %v, OPT = %d", in.Name, eps, s, cv, opt)
			}
		}
	}
}

// Reusing the candidates of the whole instance for a deletion (transport)
// gives what the DP computes from scratch.
func TestKYCandidatesWithoutItem(t *testing.T) {
	checked := 0
	for _, in := range randomInstances(14, 2, 30) {
		k, err := NewKY(in, 0.3, 1)
		require.NoError(t, err)
		for s := range 4 {
			a := k.draw(s)
			if k.whole.frac == 0 {
				continue
			}
			for del := range in.Len() {
				if slices.ContainsFunc(a.buckets, func(b kyBucket) bool { return containsSorted(b.items, del) }) {
					continue
				}
				got := k.candidates(k.without(del), a.tau)
				require.Equal(t, a.buckets, got, "%s draw %d without %d", in.Name, s, del)
				checked++
			}
		}
	}
	assert.Greater(t, checked, 100)
}

// samplerDistribution enumerates the smoothed sampler's output
// distribution from its tables: every branch of the ancestral walk.
func samplerDistribution(tab *smooth.Tables, in knapsack.Instance, del int) Distribution {
	d := Distribution{}
	var rec func(i, c int, p float64, set []int)
	rec = func(i, c int, p float64, set []int) {
		if i == 0 {
			s := slices.Clone(set)
			slices.Sort(s)
			d.Add(s, p)
			return
		}
		id := i - 1
		if del >= 0 && id >= del {
			id++
		}
		q := tab.Pick(i, c)
		if q > 0 {
			rec(i-1, c-int(in.Weights[i-1]), p*q, append(set, id))
		}
		if q < 1 {
			rec(i-1, c, p*(1-q), set)
		}
	}
	rec(in.Len(), int(in.Capacity), 1, nil)
	return d
}

// coupledExact is the exact mean Hamming distance under Smoothed's
// coupling (one shared uniform per item): both walks go down together.
func coupledExact(ta, tb *smooth.Tables, in knapsack.Instance, del int) float64 {
	b := Without(in, del)
	var rec func(i, ca, cb int, p float64, d int) float64
	// i walks the whole instance's items n..1; the deleted item only
	// moves walk a.
	rec = func(i, ca, cb int, p float64, d int) float64 {
		if i == 0 {
			return p * float64(d)
		}
		qa := ta.Pick(i, ca)
		if i-1 == del {
			e := 0.0
			if qa > 0 {
				e += rec(i-1, ca-int(in.Weights[i-1]), cb, p*qa, d+1)
			}
			if qa < 1 {
				e += rec(i-1, ca, cb, p*(1-qa), d)
			}
			return e
		}
		ib := i
		if i-1 > del {
			ib = i - 1
		}
		qb := tb.Pick(ib, cb)
		w := int(in.Weights[i-1])
		lo, hi := min(qa, qb), max(qa, qb)
		e := 0.0
		if lo > 0 { // both pick
			e += rec(i-1, ca-w, cb-w, p*lo, d)
		}
		if hi > lo { // one picks
			if qa > qb {
				e += rec(i-1, ca-w, cb, p*(hi-lo), d+1)
			} else {
				e += rec(i-1, ca, cb-w, p*(hi-lo), d+1)
			}
		}
		if hi < 1 {
			e += rec(i-1, ca, cb, p*(1-hi), d)
		}
		_ = b
		return e
	}
	return rec(in.Len(), int(in.Capacity), int(in.Capacity), 1, 0)
}

// The sampled estimate against exact enumeration on tiny instances: the
// smoothed sampler's exact output distributions give the exact EMD (an LP)
// and the exact mean distance under the coupling; the estimate must cover
// the latter with its confidence interval, and the latter bound the former.
func TestCoupledAgainstEnumeration(t *testing.T) {
	for _, in := range randomInstances(5, 1, 10) {
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
			for _, gamma := range []float64{0.05, 1} {
				name := fmt.Sprintf("%s %v γ=%v", in.Name, reg, gamma)
				sm, err := NewSmoothed(in, reg, gamma, 11)
				require.NoError(t, err)
				whole := samplerDistribution(sm.whole, in, -1)
				// the enumerated marginals are the relaxed selection
				y, err := sm.Relax(-1)
				require.NoError(t, err)
				for i := range y {
					mi := whole.Mean(func(s []int) float64 {
						if slices.Contains(s, i) {
							return 1
						}
						return 0
					})
					assert.InDelta(t, y[i], mi, 1e-9, "%s marginal %d", name, i)
				}
				var emd, coupled float64
				for del := range in.Len() {
					tb, err := sm.forward(del)
					require.NoError(t, err)
					e, err := EMD(whole, samplerDistribution(tb, Without(in, del), del))
					require.NoError(t, err)
					c := coupledExact(sm.whole, tb, in, del)
					assert.GreaterOrEqual(t, c, e-1e-9, "%s without %d: coupled mean below the EMD", name, del)
					emd += e / float64(in.Len())
					coupled += c / float64(in.Len())
				}
				r, err := Coupled(in, sm, 400)
				require.NoError(t, err)
				// 400 draws: the 95% interval misses the truth 1 time in
				// 20 by chance, and an event rarer than 1/400 may not be
				// drawn at all (at small γ every draw can be the same, and
				// the interval has width 0), moving the mean by at most
				// n·P(event) < n/400. So 1.5 half-widths plus n/400.
				assert.InDelta(t, coupled, r.Sensitivity, 1.5*r.CI+float64(in.Len())/400, "%s: estimate %v ± %v, exact coupled %v (EMD %v)", name, r.Sensitivity, r.CI, coupled, emd)
			}
		}
	}
}

// tv is the total variation distance between a distribution and the
// frequencies of sets.
func tv(p Distribution, sets [][]int) float64 {
	f := Distribution{}
	for _, s := range sets {
		f.Add(s, 1/float64(len(sets)))
	}
	var d float64
	for k, v := range p {
		d += math.Abs(v - f[k])
	}
	for k, v := range f {
		if _, ok := p[k]; !ok {
			d += v
		}
	}
	return d / 2
}

// KY's draws and its coupled draws for a deletion follow the algorithm's
// output distributions (quadrature over τ, exact in the rest); the
// incremental chain's last solution too. And its coupled estimate bounds
// the exact EMD between those distributions from above.
func TestKYDistributions(t *testing.T) {
	const draws = 3000
	for _, in := range randomInstances(5, 1, 20)[:3] {
		k, err := NewKY(in, 0.5, 5)
		require.NoError(t, err)
		whole := k.distribution(k.whole, 400)
		var sets [][]int
		for s := range draws {
			o, err := k.Draw(s)
			require.NoError(t, err)
			sets = append(sets, o)
		}
		// With ≤ 32 sets and 3000 draws, the TV of the empirical
		// distribution is about Σ√(p(1−p)/3000)/2 ≤ 0.05.
		assert.Less(t, tv(whole, sets), 0.06, "%s draws", in.Name)
		var emd float64
		for del := range in.Len() {
			sets = sets[:0]
			for s := range draws {
				o, err := k.Couple(s, del)
				require.NoError(t, err)
				sets = append(sets, o)
			}
			wd := k.distribution(k.without(del), 400)
			assert.Less(t, tv(wd, sets), 0.06, "%s without %d", in.Name, del)
			e, err := EMD(whole, wd)
			require.NoError(t, err)
			emd += e / float64(in.Len())
		}
		r, err := Coupled(in, k, 500)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, r.Sensitivity+r.CI, emd, "%s: coupled %v ± %v below the EMD %v", in.Name, r.Sensitivity, r.CI, emd)
		// the incremental chain ends in the algorithm's distribution
		sets = sets[:0]
		for seed := range uint64(draws) {
			kk, err := NewKY(in, 0.5, seed)
			require.NoError(t, err)
			arr, err := NewArrivals(in, seed)
			require.NoError(t, err)
			_, last, err := kk.incremental(arr, seed)
			require.NoError(t, err)
			sets = append(sets, last)
		}
		assert.Less(t, tv(whole, sets), 0.06, "%s incremental", in.Name)
	}
}

func TestBadInput(t *testing.T) {
	in := knapsack.Instance{Profits: []int64{3, 4}, Weights: []int64{2, 3}, Capacity: 4}
	for _, eps := range []float64{0, 1, -0.5, 2, math.NaN(), math.Inf(1)} {
		_, err := NewKY(in, eps, 1)
		assert.ErrorContains(t, err, "want 0 < ε < 1", "ε = %v", eps)
		_, err = FPTAS(eps)(in)
		assert.ErrorContains(t, err, "want 0 < ε < 1")
	}
	for _, gamma := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		_, err := NewSmoothed(in, smooth.Shannon, gamma, 1)
		assert.ErrorContains(t, err, "want a finite γ > 0", "γ = %v", gamma)
	}
	empty := knapsack.Instance{Capacity: 5}
	_, err := NewKY(empty, 0.1, 1)
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = Deterministic(empty, Exact)
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = NewSmoothed(empty, smooth.Gini, 1, 1)
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = NewSmoothed(knapsack.Instance{Profits: []int64{1}, Weights: []int64{0}, Capacity: 1}, smooth.Gini, 1, 1)
	assert.ErrorContains(t, err, "item 0 has weight 0")
	k, err := NewKY(in, 0.5, 1)
	require.NoError(t, err)
	_, err = Coupled(in, k, 1)
	assert.ErrorContains(t, err, "at least 2")
	_, err = k.Couple(0, 2)
	assert.ErrorContains(t, err, "no item 2")
	_ = rand.N[int]
}
