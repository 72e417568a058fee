package sensitivity

import (
	"fmt"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Recourse is the outcome of an incremental run: items arrive one by one
// in a random order and the algorithm keeps a solution for the items
// present (Kumabe & Yoshida, §8 and Theorem 1.5).
type Recourse struct {
	// Amortized is Σ_t |X_t Δ X_{t−1}| / n, the mean number of items the
	// solution changes per arrival; Value the mean over arrivals t of
	// p(X_t)/OPT(I_t) (1 when OPT(I_t) = 0).
	Amortized float64 `json:"amortized"`
	Ratio     float64 `json:"ratio"`
}

// Arrivals is a random arrival order of an instance's items and the
// optimum after each arrival, computed once and shared by the
// incremental runs of every algorithm.
type Arrivals struct {
	Order []int   // Order[t] arrives at step t
	Opt   []int64 // Opt[t] is the optimum of the items Order[:t+1]
}

// NewArrivals draws the order from seed and solves every prefix exactly.
func NewArrivals(in knapsack.Instance, seed uint64) (*Arrivals, error) {
	if in.Len() == 0 {
		return nil, ErrEmpty
	}
	a := &Arrivals{Order: rand.New(rand.NewPCG(seed, 0x5eed)).Perm(in.Len())}
	present := make([]bool, in.Len())
	for _, i := range a.Order {
		present[i] = true
		sub, _ := prefix(in, present)
		opt, err := knapsack.Optimum(sub.Profits, sub.Weights, sub.Capacity)
		if err != nil {
			return nil, fmt.Errorf("sensitivity: optimum of a prefix of %s: %v", in.Name, err)
		}
		a.Opt = append(a.Opt, opt)
	}
	return a, nil
}

// prefix is the instance of the items present (in index order) and the
// map from its indices to in's.
func prefix(in knapsack.Instance, present []bool) (knapsack.Instance, []int) {
	out := in
	out.Profits, out.Weights = nil, nil
	var ids []int
	for i, ok := range present {
		if ok {
			out.Profits = append(out.Profits, in.Profits[i])
			out.Weights = append(out.Weights, in.Weights[i])
			ids = append(ids, i)
		}
	}
	return out, ids
}

// IncrementalDeterministic is the recourse of recomputing a deterministic
// algorithm after every arrival.
func IncrementalDeterministic(in knapsack.Instance, sel Selector, arr *Arrivals) (Recourse, error) {
	if in.Len() == 0 {
		return Recourse{}, ErrEmpty
	}
	present := make([]bool, in.Len())
	var prev []int
	var r Recourse
	for t, i := range arr.Order {
		present[i] = true
		sub, ids := prefix(in, present)
		s, err := sel(sub)
		if err != nil {
			return Recourse{}, err
		}
		cur := make([]int, len(s))
		for k, j := range s {
			cur[k] = ids[j]
		}
		if err := r.step(in, arr.Opt[t], prev, cur); err != nil {
			return Recourse{}, err
		}
		prev = cur
	}
	r.finish(in.Len())
	return r, nil
}

func (r *Recourse) step(in knapsack.Instance, opt int64, prev, cur []int) error {
	if err := CheckFeasible(in, cur); err != nil {
		return err
	}
	r.Amortized += float64(Hamming(prev, cur))
	if opt == 0 {
		r.Ratio++
	} else {
		r.Ratio += exactRatio(Profit(in, cur), opt)
	}
	return nil
}

func (r *Recourse) finish(n int) {
	r.Amortized /= float64(n)
	r.Ratio /= float64(n)
}

// Incremental runs the dynamic algorithm of Theorem 1.5 (Proposition
// 8.1): after each arrival, the Kumabe–Yoshida draw on the items present
// is transported from the previous one (KY.transport, one-way computable),
// so every X_t has exactly the algorithm's output distribution on the
// items present and the recourse is what the coupling changes.
// The transports draw from a generator seeded by seed.
func (k *KY) Incremental(arr *Arrivals, seed uint64) (Recourse, error) {
	r, _, err := k.incremental(arr, seed)
	return r, err
}

// incremental is Incremental, also returning the last solution.
func (k *KY) incremental(arr *Arrivals, seed uint64) (Recourse, []int, error) {
	in := k.in
	present := make([]bool, in.Len())
	var prev []int
	var prevView *kyView
	var prevDraw *kyDraw
	var r Recourse
	rng := rand.New(rand.NewPCG(seed, 0xa11))
	for t, i := range arr.Order {
		present[i] = true
		v := k.newView(append([]bool(nil), present...))
		var d *kyDraw
		if prevDraw == nil {
			d = k.run(v, k.delta*v.frac*(1+rng.Float64()), rng.Float64(), 1-k.delta*rng.Float64(), nil)
		} else {
			d = k.transport(prevDraw, prevView, v, rng)
		}
		if err := r.step(in, arr.Opt[t], prev, d.out); err != nil {
			return Recourse{}, nil, err
		}
		prev, prevView, prevDraw = d.out, v, d
	}
	r.finish(in.Len())
	return r, prev, nil
}
