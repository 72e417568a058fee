package knapsack

import (
	"fmt"
	"io"
	"math/big"
	"slices"
	"text/tabwriter"
)

// CheckGuarantee checks the FPTAS-NN guarantee of Hertrich & Skutella for
// an answer pNN on an instance of n items with optimum opt:
// pNN ≤ opt and pNN ≥ (1 − n²/P)·opt, compared exactly (no tolerance:
// pNN is rational, opt, n and P are integers). It returns nil or an error
// saying which bound fails and by how much.
func CheckGuarantee(pNN *big.Rat, opt int64, n, P int) error {
	if P < 1 {
		return fmt.Errorf("knapsack: P = %d, want ≥ 1", P)
	}
	o := new(big.Rat).SetInt64(opt)
	if pNN.Cmp(o) > 0 {
		return fmt.Errorf("knapsack: p_NN = %s exceeds OPT = %d", pNN.RatString(), opt)
	}
	// (1 − n²/P)·opt = (P − n²)·opt / P
	nn := new(big.Int).Mul(big.NewInt(int64(n)), big.NewInt(int64(n)))
	bound := new(big.Rat).SetFrac(
		new(big.Int).Mul(new(big.Int).Sub(big.NewInt(int64(P)), nn), big.NewInt(opt)),
		big.NewInt(int64(P)))
	if pNN.Cmp(bound) < 0 {
		short := new(big.Rat).Sub(bound, pNN)
		return fmt.Errorf("knapsack: p_NN = %s is below (1 − %d²/%d)·OPT = %s (OPT = %d, short by %s)",
			pNN.RatString(), n, P, bound.RatString(), opt, short.RatString())
	}
	return nil
}

// StudyRow summarises the FPTAS reference on the instances of one family
// and size for one P.
type StudyRow struct {
	Family    Family
	N         int   // items per instance, as given (before Fitting)
	P         int   // the FPTAS parameter
	Widths    []int // FPTASWidths(P)
	Instances int
	Bound     float64 // 1 − N²/P, the guaranteed ratio (vacuous when ≤ 0)
	Worst     float64 // smallest p_NN/OPT (1 when OPT = 0)
	Mean      float64 // mean p_NN/OPT
	Exact     int     // instances with p_NN = OPT
	// Violations counts instances where CheckGuarantee failed; FirstViolation
	// is its message for the first of them.
	Violations     int
	FirstViolation string
}

// Width is the largest hidden layer of the cell.
func (r StudyRow) Width() int { return slices.Max(r.Widths) }

// Study runs the rounded DP (exact, on integer weights) on every instance
// for every P and checks the guarantee against the optimum from Optimum.
// Each instance is first reduced to its Fitting items, as the guarantee
// requires, and checked with n = their number. Rows come grouped by
// family, N and P, in order of first appearance.
func Study(instances []Instance, Ps []int) ([]StudyRow, error) {
	type key struct {
		family Family
		n, P   int
	}
	var rows []StudyRow
	index := map[key]int{}
	sums := map[key]float64{}
	for _, in := range instances {
		fit := in.Fitting()
		opt, err := Optimum(fit.Profits, fit.Weights, fit.Capacity)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		for _, P := range Ps {
			k := key{in.Family, in.Len(), P}
			at, ok := index[k]
			if !ok {
				at = len(rows)
				index[k] = at
				rows = append(rows, StudyRow{Family: in.Family, N: in.Len(), P: P, Widths: FPTASWidths(P),
					Bound: 1 - float64(in.Len())*float64(in.Len())/float64(P), Worst: 1})
			}
			r := &rows[at]
			pNN, err := fptasValue(fit, P)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in.Name, err)
			}
			ratio := 1.0
			if opt > 0 {
				ratio, _ = new(big.Rat).Quo(pNN, new(big.Rat).SetInt64(opt)).Float64()
			}
			r.Instances++
			r.Worst = min(r.Worst, ratio)
			sums[k] += ratio
			r.Mean = sums[k] / float64(r.Instances)
			if pNN.Cmp(new(big.Rat).SetInt64(opt)) == 0 {
				r.Exact++
			}
			if err := CheckGuarantee(pNN, opt, fit.Len(), P); err != nil {
				if r.Violations == 0 {
					r.FirstViolation = fmt.Sprintf("%s: %v", in.Name, err)
				}
				r.Violations++
			}
		}
	}
	return rows, nil
}

// fptasValue is p_NN of the exact rounded DP on a Fitting instance,
// keeping only the last table. Capacity 0 leaves only items of weight 0,
// so capacity 1 is the same instance.
func fptasValue(in Instance, P int) (*big.Rat, error) {
	t, err := roundedDP(in.Profits, in.Weights, max(in.Capacity, 1), 2*max(in.Capacity, 1), P, false)
	if err != nil {
		return nil, err
	}
	return t.Value(), nil
}

// WriteStudy prints rows as an aligned text table.
func WriteStudy(w io.Writer, rows []StudyRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "family\tn\tP\twidths\tinstances\tbound\tworst\tmean\texact\tviolations\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%v\t%d\t%.4f\t%.4f\t%.4f\t%d\t%d\t\n", r.Family, r.N, r.P, r.Widths,
			r.Instances, r.Bound, r.Worst, r.Mean, r.Exact, r.Violations)
	}
	return tw.Flush()
}
