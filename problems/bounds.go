package problems

import "math"

// SizeBound is the asymptotic size of a program's network as the
// literature states it: depth (affine layers) and size (hidden neurons),
// each an O() formula in the program's params whose constant is not
// given. A measured network is within the bound when measured / formula
// stays bounded as the params grow.
type SizeBound struct {
	// Form is what the formula measures: "cell", one application of the
	// RNN cell (every state cell updated once); "unrolled", the cell
	// composed over every step of the program's steps line.
	Form string
	// Depth and Size print the formulas, e.g. "n·log n".
	Depth, Size string
	// DepthOf and SizeOf evaluate them at the program's params.
	DepthOf, SizeOf func(p map[string]int64) float64
	// Derived is set when the formula is not stated in the source but
	// follows from it (the per-step share of a stated total).
	Derived string
}

// ProgramBounds are the bounds of one program of the table.
type ProgramBounds struct {
	Source string // where the bounds are stated
	// Symbols says how the source's symbols map to the program's params.
	Symbols string
	Bounds  []SizeBound
}

// Bound returns the bound of the given form.
func (b ProgramBounds) Bound(form string) (SizeBound, bool) {
	for _, s := range b.Bounds {
		if s.Form == form {
			return s, true
		}
	}
	return SizeBound{}, false
}

// boundLog is the logarithm of the bounds: log₂ max(x, 2), so that it is at
// least 1 (a min over one or two terms still costs a layer).
func boundLog(x float64) float64 { return math.Log2(math.Max(x, 2)) }

func boundParam(ps map[string]int64, name string) float64 { return float64(ps[name]) }

// paperSection6 is the source of every bound below.
const paperSection6 = "Hertrich & Skutella, \"Provably Good Solutions to the Knapsack Problem via Neural Networks of Bounded Size\" (AAAI 2021), Section 6; as restated in issue 7 and docs/beyond.md"

// SizeBounds is the table of the programs beyond knapsack (docs/beyond.md)
// and the sizes Section 6 of Hertrich & Skutella states for them. A min
// over k terms costs depth O(log k) and size O(k); log is log₂, at least 1.
var lcsBounds = &ProgramBounds{
	Source:  paperSection6,
	Symbols: "m, n: the lengths of x and y",
	Bounds: []SizeBound{
		{Form: "cell", Depth: "1", Size: "m·n",
			DepthOf: func(ps map[string]int64) float64 { return 1 },
			SizeOf:  func(ps map[string]int64) float64 { return boundParam(ps, "m") * boundParam(ps, "n") },
			Derived: "m·n copies of the paper's constant-size cell, one per table cell"},
		{Form: "unrolled", Depth: "m+n", Size: "m·n",
			DepthOf: func(ps map[string]int64) float64 { return boundParam(ps, "m") + boundParam(ps, "n") },
			SizeOf:  func(ps map[string]int64) float64 { return boundParam(ps, "m") * boundParam(ps, "n") }},
	},
}

var bellmanFordBounds = &ProgramBounds{
	Source:  paperSection6,
	Symbols: "n: the number of vertices",
	Bounds: []SizeBound{
		{Form: "cell", Depth: "log n", Size: "n²·log n",
			DepthOf: func(ps map[string]int64) float64 { return boundLog(boundParam(ps, "n")) },
			SizeOf:  func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * n * boundLog(n) }},
		{Form: "unrolled", Depth: "n·log n", Size: "n³·log n",
			DepthOf: func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * boundLog(n) },
			SizeOf:  func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * n * n * boundLog(n) }},
	},
}

var apspBounds = &ProgramBounds{
	Source:  paperSection6,
	Symbols: "n: the number of vertices; one step is one min-plus squaring",
	Bounds: []SizeBound{
		{Form: "cell", Depth: "log n", Size: "n³·log n",
			DepthOf: func(ps map[string]int64) float64 { return boundLog(boundParam(ps, "n")) },
			SizeOf:  func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * n * n * boundLog(n) }},
		{Form: "unrolled", Depth: "log² n", Size: "n³·log² n",
			DepthOf: func(ps map[string]int64) float64 { l := boundLog(boundParam(ps, "n")); return l * l },
			SizeOf: func(ps map[string]int64) float64 {
				n, l := boundParam(ps, "n"), boundLog(boundParam(ps, "n"))
				return n * n * n * l * l
			}},
	},
}

var cspBounds = &ProgramBounds{
	Source:  paperSection6,
	Symbols: "n: the number of vertices; c*: the optimal length, at most cmax, the largest length the table holds (the bound is evaluated at c* = cmax, the worst case the network handles)",
	Bounds: []SizeBound{
		{Form: "cell", Depth: "log n", Size: "n²·c*·log n",
			DepthOf: func(ps map[string]int64) float64 { return boundLog(boundParam(ps, "n")) },
			SizeOf: func(ps map[string]int64) float64 {
				n := boundParam(ps, "n")
				return n * n * boundParam(ps, "cmax") * boundLog(n)
			},
			Derived: "the stated totals divided by the c* steps"},
		{Form: "unrolled", Depth: "c*·log n", Size: "n²·c*²·log n",
			DepthOf: func(ps map[string]int64) float64 { return boundParam(ps, "cmax") * boundLog(boundParam(ps, "n")) },
			SizeOf: func(ps map[string]int64) float64 {
				n, c := boundParam(ps, "n"), boundParam(ps, "cmax")
				return n * n * c * c * boundLog(n)
			}},
	},
}

var heldKarpBounds = &ProgramBounds{
	Source:  paperSection6,
	Symbols: "n: the number of cities",
	Bounds: []SizeBound{
		{Form: "cell", Depth: "log n", Size: "n²·2ⁿ·log n",
			DepthOf: func(ps map[string]int64) float64 { return boundLog(boundParam(ps, "n")) },
			SizeOf:  func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * n * math.Exp2(n) * boundLog(n) },
			Derived: "one layer of the stated network (a min over at most n terms) for all n·2ⁿ states at once"},
		{Form: "unrolled", Depth: "n·log n", Size: "n²·2ⁿ·log n",
			DepthOf: func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * boundLog(n) },
			SizeOf:  func(ps map[string]int64) float64 { n := boundParam(ps, "n"); return n * n * math.Exp2(n) * boundLog(n) }},
	},
}
