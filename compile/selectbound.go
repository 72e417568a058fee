package compile

import (
	"math"

	"github.com/dp2nn/dp2nn/dsl"
)

// onSelectBound, when set (by tests), sees every bound selectBound gives.
var onSelectBound func(neurons int64)

// selectBound is a lower bound on the selection neurons the cells of state
// s (of the given shape) will make, counted before any of them is lowered,
// so that the cost model refuses a step far past its limits at once
// instead of walking to the limit cell by cell (knapsack with pmax = 5,000
// asks for 12.5 million selection neurons; the walk took a second to
// count the first 2 million).
//
// It counts only what is certain: each read of s's step that every cell
// lowers (not under an if, a reduction or a comparison, which may not
// lower it) and whose offset is a sum of inputs makes, at every cell, one
// selection neuron per offset value that reads a cell of its state (a
// state unit, never the constant lo; selectRead), as long as the state's
// values span more than one point. Reads outside the state, the
// indicators and every other neuron come on top.
func (l *lowering) selectBound(s *dsl.State, shape []int) (neurons, entries int64) {
	if l.round != nil || l.oround != nil || l.cur != nil || l.inputVals != nil {
		return 0, 0
	}
	var reads []*dsl.Term
	var walk func(t *dsl.Term)
	walk = func(t *dsl.Term) {
		switch t.Kind {
		case dsl.TRead:
			reads = append(reads, t)
		case dsl.TAdd, dsl.TNeg, dsl.TScale, dsl.TMin, dsl.TMax:
			for _, a := range t.Args {
				walk(a)
			}
		case dsl.TClamp:
			walk(t.Args[0])
		}
	}
	walk(s.Body)
	cells := 1
	for _, n := range shape {
		cells *= n
	}
	idx := make([]int, len(s.Dims))
	// Expected as it grows, so that a step far past the limit is refused
	// after a few of its cells (pmax = 10⁷ passes it by the 2,000th).
	const every = 1024
	for _, r := range reads {
		buf := make([]int, len(r.Index))
		lo, hi := l.selectSpan(r.State)
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi == lo {
			continue
		}
		var dlo, dhi int
		known := false
		for c := range cells {
			cellIndex(s, c, idx)
			l.bindCell(s, idx)
			if c%every == every-1 {
				l.b.Expect(neurons, entries)
			}
			static, dyn, dim, err := l.readIndex(r, idx, buf)
			if err != nil || dyn == nil || !inputOffsets(dyn) {
				break // left to the lowering, which says what is wrong
			}
			if !known {
				_, lo, hi, err := l.offsetAffine(dyn)
				if err != nil || lo < math.MinInt32 || hi > math.MaxInt32 {
					break
				}
				dlo, dhi, known = int(lo), int(hi), true
			}
			inside := true
			for d, dm := range r.State.Dims {
				if d != dim && (static[d] < dm.Lo || static[d] > dm.Hi) {
					inside = false
				}
			}
			if !inside {
				continue
			}
			dm := r.State.Dims[dim]
			if k0, k1 := max(dlo, dm.Lo-static[dim]), min(dhi, dm.Hi-static[dim]); k1 >= k0 {
				n := int64(k1 - k0 + 1)
				neurons, entries = addSat(neurons, n), addSat(entries, mulSat(3, n)) // x, and the indicator pair
			}
		}
	}
	return neurons, entries
}

// inputOffsets says whether the run-time offset of ix is a sum of inputs
// (offsetAffine then makes no neuron).
func inputOffsets(ix *dsl.IndexExpr) bool {
	for _, o := range ix.Offsets {
		if o.Term.Kind != dsl.TInput {
			return false
		}
	}
	return true
}
