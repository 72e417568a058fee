package sensitivity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Kind says what a Result's Sensitivity is.
type Kind string

const (
	// KindExact is the exact mean Hamming distance of a deterministic
	// algorithm over every deletion.
	KindExact Kind = "exact"
	// KindCoupled is the mean Hamming distance under a coupling of the two
	// output distributions, estimated by sampling: an upper bound on the
	// earth mover's distance (the EMD is the least such mean over all
	// couplings), reported with a 95% confidence interval.
	KindCoupled Kind = "coupled-upper-bound"
	// KindRelaxed is the mean L1 distance between relaxed selections
	// y ∈ [0,1]^n (the smoothed DP's marginals).
	KindRelaxed Kind = "relaxed-l1"
)

// Z95 is the normal quantile of a two-sided 95% confidence interval.
const Z95 = 1.959963984540054

// Result is the average sensitivity of one algorithm on one instance.
type Result struct {
	Kind Kind `json:"kind"`
	N    int  `json:"n"`
	// Sensitivity is the mean over the n deletions of the distance between
	// the output on the instance and the output without the deleted item
	// (the deleted item counts when the first output has it).
	Sensitivity float64 `json:"sensitivity"`
	// CI is the half-width of the 95% confidence interval of Sensitivity
	// (KindCoupled; 0 otherwise), over Samples independent draws.
	CI      float64 `json:"ci,omitempty"`
	Samples int     `json:"samples,omitempty"`
	// Value is the (mean) profit of the output on the whole instance;
	// ValueCI its 95% half-width for sampled outputs.
	Value   float64 `json:"value"`
	ValueCI float64 `json:"value_ci,omitempty"`
	// PerItem[i] is the (mean) distance when item i is deleted.
	PerItem []float64 `json:"-"`
}

// Selector is a deterministic algorithm: the indices of the items it
// chooses, ascending.
type Selector func(in knapsack.Instance) ([]int, error)

// Without returns the instance with item i deleted; the items after i move
// down by one.
func Without(in knapsack.Instance, i int) knapsack.Instance {
	out := in
	out.Profits = append(append(make([]int64, 0, in.Len()-1), in.Profits[:i]...), in.Profits[i+1:]...)
	out.Weights = append(append(make([]int64, 0, in.Len()-1), in.Weights[:i]...), in.Weights[i+1:]...)
	return out
}

// Lift maps item indices of Without(in, i) back to indices of in.
func Lift(sel []int, i int) []int {
	out := make([]int, len(sel))
	for k, j := range sel {
		if j >= i {
			j++
		}
		out[k] = j
	}
	return out
}

// Hamming is |a Δ b| for ascending index lists.
func Hamming(a, b []int) int {
	d, x, y := 0, 0, 0
	for x < len(a) && y < len(b) {
		switch {
		case a[x] == b[y]:
			x++
			y++
		case a[x] < b[y]:
			d++
			x++
		default:
			d++
			y++
		}
	}
	return d + len(a) - x + len(b) - y
}

// Profit is the total profit of the items sel.
func Profit(in knapsack.Instance, sel []int) int64 {
	var s int64
	for _, i := range sel {
		s += in.Profits[i]
	}
	return s
}

// CheckFeasible reports a selection that is not ascending, out of range
// or over the capacity: an algorithm's bug, never the user's.
func CheckFeasible(in knapsack.Instance, sel []int) error {
	var w int64
	for k, i := range sel {
		if i < 0 || i >= in.Len() || (k > 0 && sel[k-1] >= i) {
			return fmt.Errorf("sensitivity: selection %v is not ascending item indices of %d items", sel, in.Len())
		}
		w += in.Weights[i]
	}
	if w > in.Capacity {
		return fmt.Errorf("sensitivity: selection of weight %d exceeds capacity %d", w, in.Capacity)
	}
	return nil
}

// Deterministic is the exact average sensitivity of a deterministic
// algorithm: the mean over all n deletions of the Hamming distance.
func Deterministic(in knapsack.Instance, sel Selector) (Result, error) {
	n := in.Len()
	if n == 0 {
		return Result{}, ErrEmpty
	}
	whole, err := sel(in)
	if err != nil {
		return Result{}, err
	}
	if err := CheckFeasible(in, whole); err != nil {
		return Result{}, err
	}
	r := Result{Kind: KindExact, N: n, Value: float64(Profit(in, whole)), PerItem: make([]float64, n)}
	var sum float64
	for i := range n {
		del := Without(in, i)
		s, err := sel(del)
		if err != nil {
			return Result{}, err
		}
		if err := CheckFeasible(del, s); err != nil {
			return Result{}, err
		}
		r.PerItem[i] = float64(Hamming(whole, Lift(s, i)))
		sum += r.PerItem[i]
	}
	r.Sensitivity = sum / float64(n)
	return r, nil
}

// Coupler is a randomised algorithm on one instance that draws coupled
// pairs of outputs. Draw(s) is the output of draw s (s = 0, 1, ...) on
// the instance; Couple(s, del) is an output on the instance without item
// del whose distribution (over the draws) is exactly the algorithm's on
// that instance, coupled with draw s. Both return ascending indices of the
// whole instance and are deterministic functions of the Coupler's seed, s
// and del. Coupled calls Couple deletion by deletion (every s for one del,
// then the next), so a Coupler may keep what it computed for one del.
// A Coupler is not safe for concurrent use.
type Coupler interface {
	Draw(s int) ([]int, error)
	Couple(s, del int) ([]int, error)
}

// Coupled estimates the average sensitivity of a randomised algorithm
// from samples draws, each with a coupled output for every deletion. The
// mean Hamming distance under a coupling bounds the earth mover's distance
// from above, so the result is an upper bound (KindCoupled) with a 95%
// confidence interval over the draws (a draw's mean over the deletions is
// one independent observation).
func Coupled(in knapsack.Instance, c Coupler, samples int) (Result, error) {
	n := in.Len()
	if n == 0 {
		return Result{}, ErrEmpty
	}
	if samples < 2 {
		return Result{}, fmt.Errorf("sensitivity: %d samples, want at least 2 for a confidence interval", samples)
	}
	r := Result{Kind: KindCoupled, N: n, Samples: samples, PerItem: make([]float64, n)}
	wholes := make([][]int, samples)
	values := make([]float64, samples)
	for s := range samples {
		whole, err := c.Draw(s)
		if err != nil {
			return Result{}, err
		}
		if err := CheckFeasible(in, whole); err != nil {
			return Result{}, err
		}
		wholes[s], values[s] = whole, float64(Profit(in, whole))
	}
	means := make([]float64, samples)
	for i := range n {
		for s := range samples {
			b, err := c.Couple(s, i)
			if err != nil {
				return Result{}, err
			}
			if containsSorted(b, i) {
				return Result{}, fmt.Errorf("sensitivity: the output without item %d contains it", i)
			}
			if err := CheckFeasible(in, b); err != nil {
				return Result{}, err
			}
			d := float64(Hamming(wholes[s], b))
			r.PerItem[i] += d / float64(samples)
			means[s] += d / float64(n)
		}
	}
	var sd float64
	r.Sensitivity, sd = stat.MeanStdDev(means, nil)
	r.CI = Z95 * sd / math.Sqrt(float64(samples))
	r.Value, sd = stat.MeanStdDev(values, nil)
	r.ValueCI = Z95 * sd / math.Sqrt(float64(samples))
	return r, nil
}

func containsSorted(a []int, x int) bool {
	lo, hi := 0, len(a)
	for lo < hi {
		m := (lo + hi) / 2
		if a[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(a) && a[lo] == x
}

// Relaxed is the average sensitivity of a relaxed selection: the mean
// over deletions of Σ_k |y_k − y'_k|, where y = relax(−1) is the relaxed
// selection on the instance and y' = relax(i) the one on the instance
// without item i (indexed as Without(in, i); item i counts y_i). Value is
// Σ p_i y_i, the mean profit when y are marginal probabilities.
func Relaxed(in knapsack.Instance, relax func(del int) ([]float64, error)) (Result, error) {
	n := in.Len()
	if n == 0 {
		return Result{}, ErrEmpty
	}
	y, err := relax(-1)
	if err != nil {
		return Result{}, err
	}
	r := Result{Kind: KindRelaxed, N: n, PerItem: make([]float64, n)}
	for i, v := range y {
		r.Value += float64(in.Profits[i]) * v
	}
	var sum float64
	for i := range n {
		yd, err := relax(i)
		if err != nil {
			return Result{}, err
		}
		d := math.Abs(y[i])
		for k, v := range yd {
			j := k
			if k >= i {
				j++
			}
			d += math.Abs(y[j] - v)
		}
		r.PerItem[i] = d
		sum += d
	}
	r.Sensitivity = sum / float64(n)
	return r, nil
}
