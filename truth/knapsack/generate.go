package knapsack

import (
	"fmt"
	"math/rand/v2"
)

// Pisinger's classic families ("Where are the hard knapsack problems?",
// Computers & Operations Research 32, 2005, Section 2). Weights are drawn
// uniformly from [1, R] except where said; R/10 is integer division.
const (
	// Uncorrelated: p_j uniform in [1, R].
	Uncorrelated Family = "uncorrelated"
	// WeaklyCorrelated: p_j uniform in [w_j − R/10, w_j + R/10], redrawn
	// until p_j ≥ 1.
	WeaklyCorrelated Family = "weakly-correlated"
	// StronglyCorrelated: p_j = w_j + R/10.
	StronglyCorrelated Family = "strongly-correlated"
	// InverseStronglyCorrelated: p_j uniform in [1, R], w_j = p_j + R/10.
	InverseStronglyCorrelated Family = "inverse-strongly-correlated"
	// SubsetSum: p_j = w_j.
	SubsetSum Family = "subset-sum"
)

// Families lists the generated families in a fixed order.
var Families = []Family{Uncorrelated, WeaklyCorrelated, StronglyCorrelated, InverseStronglyCorrelated, SubsetSum}

// Spec says which instance to draw. Pisinger's test h of a series of H
// instances has capacity ⌊h/(H+1) · Σw⌋; here Fraction is h/(H+1).
type Spec struct {
	Family   Family
	N        int     // number of items, ≥ 0
	R        int64   // data range, ≥ 1 (≥ 10 for the correlated families to differ from the others)
	Fraction float64 // capacity as a fraction of the total weight, in [0, 1]
}

func (s Spec) String() string {
	return fmt.Sprintf("%s n=%d R=%d c=%.3gΣw", s.Family, s.N, s.R, s.Fraction)
}

// Validate reports a Spec that Generate cannot draw from.
func (s Spec) Validate() error {
	switch s.Family {
	case Uncorrelated, WeaklyCorrelated, StronglyCorrelated, InverseStronglyCorrelated, SubsetSum:
	default:
		return fmt.Errorf("knapsack: unknown family %q", s.Family)
	}
	switch {
	case s.N < 0:
		return fmt.Errorf("knapsack: %v: negative number of items", s)
	case s.R < 1 || s.R > 1<<40:
		return fmt.Errorf("knapsack: %v: range R out of 1..2^40", s)
	case !(s.Fraction >= 0 && s.Fraction <= 1):
		return fmt.Errorf("knapsack: %v: capacity fraction out of [0, 1]", s)
	}
	return nil
}

// Generate draws the instance of spec with a PCG generator seeded by seed:
// the same spec and seed always give the same instance. It panics on a
// spec that fails Validate, which is a bug of the caller.
func Generate(spec Spec, seed uint64) Instance {
	if err := spec.Validate(); err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b6e61707361636b)) // "knapsack"
	return Draw(spec, rng, fmt.Sprintf("%s-n%d-R%d-seed%d", spec.Family, spec.N, spec.R, seed))
}

// Draw draws one instance of spec from rng and names it name; a sequence
// of Draws from one generator gives a reproducible series.
func Draw(spec Spec, rng *rand.Rand, name string) Instance {
	if err := spec.Validate(); err != nil {
		panic(err)
	}
	R, tenth := spec.R, spec.R/10
	uniform := func(lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) }
	in := Instance{Name: name, Family: spec.Family, Profits: make([]int64, spec.N), Weights: make([]int64, spec.N)}
	var total int64
	for j := range spec.N {
		var p, w int64
		switch spec.Family {
		case Uncorrelated:
			w, p = uniform(1, R), uniform(1, R)
		case WeaklyCorrelated:
			w = uniform(1, R)
			for p = 0; p < 1; {
				p = uniform(w-tenth, w+tenth)
			}
		case StronglyCorrelated:
			w = uniform(1, R)
			p = w + tenth
		case InverseStronglyCorrelated:
			p = uniform(1, R)
			w = p + tenth
		case SubsetSum:
			w = uniform(1, R)
			p = w
		}
		in.Profits[j], in.Weights[j] = p, w
		total += w
	}
	in.Capacity = int64(spec.Fraction * float64(total))
	return in
}
