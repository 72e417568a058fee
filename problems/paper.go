package problems

import "github.com/dp2nn/dp2nn/dsl"

// PaperBound is a construction's network size as published, for the
// programs whose construction a paper gives.
type PaperBound struct {
	Source   string   // the paper and construction
	Depth    int      // affine layers
	Widths   []int    // hidden layer widths
	Formulas []string // the formula of each width
}

// PaperWidths returns the published widths of the network the exact
// scheme (P = 0) or the fptas scheme with table size P should produce for
// m, when m is a problem of the table whose construction a paper gives.
func PaperWidths(m *dsl.Model, P int) (PaperBound, bool) {
	p, ok := Identify(m)
	if !ok || p.Paper == nil {
		return PaperBound{}, false
	}
	return p.Paper(m, P)
}

// knapsackPaper is the size of the DP-NN and the FPTAS-NN of Hertrich &
// Skutella for the profit-indexed knapsack programs.
func knapsackPaper(m *dsl.Model, P int) (PaperBound, bool) {
	if P > 0 {
		return PaperBound{
			Source:   "Hertrich & Skutella (AAAI 2021), FPTAS-NN",
			Depth:    5,
			Widths:   []int{2, 2*P*P + 2*P, P*P + P, P},
			Formulas: []string{"2", "2P²+2P", "P²+P", "P"},
		}, true
	}
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
