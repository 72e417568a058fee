package problems

import (
	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
)

// PaperBound is a construction's network size as published, for the
// programs whose construction a paper gives.
type PaperBound struct {
	Source   string   // the paper and construction
	Depth    int      // affine layers
	Widths   []int    // hidden layer widths
	Formulas []string // the formula of each width
}

// PaperWidths returns the published widths of the network the given
// scheme should produce for m, when a paper gives them. The table names
// problems on purpose: it is the yardstick the compiler's general rules
// are measured against.
func PaperWidths(m *dsl.Model, opt compile.Options) (PaperBound, bool) {
	knapsack := m.Name == "knapsack" || m.Name == "knapsack_int"
	switch {
	case knapsack && opt.Scheme == compile.FPTAS:
		P := opt.P
		return PaperBound{
			Source:   "Hertrich & Skutella (AAAI 2021), FPTAS-NN",
			Depth:    5,
			Widths:   []int{2, 2*P*P + 2*P, P*P + P, P},
			Formulas: []string{"2", "2P²+2P", "P²+P", "P"},
		}, true
	case knapsack && (opt.Scheme == compile.Exact || opt.Scheme == 0):
		p, ok := m.Param("pmax")
		if !ok {
			return PaperBound{}, false
		}
		n := int(p)
		return PaperBound{
			Source:   "Hertrich & Skutella (AAAI 2021), DP-NN",
			Depth:    4,
			Widths:   []int{2 * n, n * (n - 1) / 2, n},
			Formulas: []string{"2p*", "p*(p*-1)/2", "p*"},
		}, true
	}
	return PaperBound{}, false
}

// Agrees reports whether a network of the given depth and hidden widths
// has exactly the published size.
func (b PaperBound) Agrees(depth int, widths []int) bool {
	if depth != b.Depth || len(widths) != len(b.Widths) {
		return false
	}
	for i := range widths {
		if widths[i] != b.Widths[i] {
			return false
		}
	}
	return true
}
