package smooth

import (
	"fmt"
	"math"
)

// Kind is the boundary condition of the DP, which decides what a feasible
// selection is.
type Kind int

const (
	// Knapsack: v[0, c] = 0 for every c, so v[n, C] ranges over the
	// subsets of total weight ≤ C.
	Knapsack Kind = iota
	// TopK: unit weights, C = k, v[0, 0] = 0 and v[0, c > 0] = −∞, so
	// v[n, k] ranges over the subsets of exactly k items.
	TopK
)

func (k Kind) String() string {
	switch k {
	case Knapsack:
		return "knapsack"
	case TopK:
		return "top-k"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// maxCells bounds n·(C+1), the size of the table of pick probabilities
// (8 bytes a cell), so that a typo in a capacity is an error, not an
// out-of-memory crash.
const maxCells = 1 << 28

// Problem is the fixed part of a DP: item weights and the capacity. Scores
// θ are the runtime part, given to Forward. Item i of the recursion (1-based
// in the formulas) is Weights[i−1].
type Problem struct {
	Weights  []int // w_i ≥ 1; all 1 for TopK
	Capacity int   // C ≥ 0; k for TopK
	Kind     Kind
}

// NewKnapsack returns the knapsack problem with the given weights and
// capacity. The weights are not copied.
func NewKnapsack(weights []int, capacity int) *Problem {
	return &Problem{Weights: weights, Capacity: capacity, Kind: Knapsack}
}

// NewTopK returns the problem "pick exactly k of n items".
func NewTopK(n, k int) *Problem {
	w := make([]int, max(n, 0))
	for i := range w {
		w[i] = 1
	}
	return &Problem{Weights: w, Capacity: k, Kind: TopK}
}

// N is the number of items.
func (p *Problem) N() int { return len(p.Weights) }

// Validate reports everything wrong with p, or nil.
func (p *Problem) Validate() error {
	var errs ErrorList
	p.validate(&errs)
	return errs.Err()
}

func (p *Problem) validate(errs *ErrorList) {
	if p == nil {
		addArg(errs, "Problem", "is nil")
		return
	}
	n := len(p.Weights)
	switch p.Kind {
	case Knapsack:
		for i, w := range p.Weights {
			if w < 1 {
				addArg(errs, fmt.Sprintf("Weights[%d]", i), "weight %d is not ≥ 1", w)
			}
		}
	case TopK:
		for i, w := range p.Weights {
			if w != 1 {
				addArg(errs, fmt.Sprintf("Weights[%d]", i), "top-k needs unit weights, got %d", w)
			}
		}
		if p.Capacity > n {
			addArg(errs, "Capacity", "top-k with k = %d > n = %d items has no feasible selection", p.Capacity, n)
		}
	default:
		addArg(errs, "Kind", "unknown kind %d (want Knapsack or TopK)", int(p.Kind))
	}
	if p.Capacity < 0 {
		addArg(errs, "Capacity", "capacity %d is negative", p.Capacity)
	} else if p.Capacity >= maxCells || n*(p.Capacity+1) > maxCells {
		addArg(errs, "Capacity", "table of %d items × %d capacities exceeds %d cells", n, p.Capacity+1, maxCells)
	}
}

// validateRun checks everything a Forward call depends on. name is how the
// caller spelled theta ("theta" or "theta[3]").
func (p *Problem) validateRun(errs *ErrorList, reg Reg, gamma float64) {
	p.validate(errs)
	if !reg.valid() {
		addArg(errs, "reg", "unknown regulariser %d (want Shannon, Gini or Tsallis)", int(reg))
	}
	if !validGamma(gamma) {
		addArg(errs, "gamma", "temperature γ = %v must be finite and at least MinGamma = 2^-1022", gamma)
	}
}

// maxMagnitude bounds Σ|θ_i| + n·γ: every v[i, c] is finite or −∞ and
// |v[i, c]| ≤ Σ|θ| + n·γ·Range (Proposition 2 of docs/smooth.md), so below
// this bound no cell can overflow float64 and no NaN can arise.
const maxMagnitude = 0x1p1000

// validateScale checks that the scores theta (called name), of which there
// are n, are small enough for the DP values to stay finite at temperature
// gamma.
func validateScale(errs *ErrorList, name string, theta []float64, gamma float64) {
	s := float64(len(theta)) * gamma
	for _, th := range theta {
		s += math.Abs(th)
	}
	if !(s <= maxMagnitude) { // also catches NaN and +Inf sums
		addArg(errs, name, "scores too large: Σ|θ| + n·γ = %g exceeds 2^1000, the DP values could overflow float64", s)
	}
}

// validateVector checks that x (called name) has n finite entries.
func validateVector(errs *ErrorList, name string, x []float64, n int) {
	if len(x) != n {
		addArg(errs, name, "has %d entries, want n = %d", len(x), n)
		return
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			addArg(errs, fmt.Sprintf("%s[%d]", name, i), "score %v is not finite", v)
		}
	}
}
