package verify

import "math"

// nanAnswer is the failure of a decoded answer that is NaN (the value, or
// a cell of a state answer): no exact program has a NaN answer, so the
// network went wrong. The report is still printed beside it (JSON writes
// NaN as the string "nan", internal/jsonfinite), with exit code 1.
func (r *SolveReport) nanAnswer() error {
	if r.Value != nil && math.IsNaN(*r.Value) {
		return mismatchf("%s: the network gives NaN for %s: the network is wrong on this instance", r.Instance, r.decl)
	}
	for i, c := range r.Cells {
		if math.IsNaN(c) {
			return mismatchf("%s: the network gives NaN for cell %d of %s: the network is wrong on this instance", r.Instance, i, r.decl)
		}
	}
	return nil
}
