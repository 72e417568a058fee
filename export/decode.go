package export

import "fmt"

// decodeOpTypes maps a Decode comparison to its ONNX operator.
var decodeOpTypes = map[string]string{
	"<=": "LessOrEqual",
	"<":  "Less",
	">=": "GreaterOrEqual",
	">":  "Greater",
	"==": "Equal",
}

// emitDecode appends the answer tail to sc: for x ([N, Len]),
//
//	mask  = x Op Threshold                      [N, Len] bool
//	cand  = Where(mask, IndexLo + i, sentinel)  [N, Len]
//	best  = ReduceMax(cand, axis 1)             [N]   (ReduceMin for a minimum)
//	found = best > sentinel                     [N]   (< for a minimum)
//	answer = Where(found, best, Fallback)       [N]
//
// where the sentinel lies just outside the indices (IndexLo-1 for a
// maximum, IndexLo+Len for a minimum). It is the only part of a model that
// is not a ReLU network; its nodes are named "decode/...".
func emitDecode(sc *scope, d *Decode, x string, n int) {
	mb := sc.mb
	index := make([]float64, n)
	for i := range index {
		index[i] = float64(d.IndexLo + i)
	}
	sentinel, reduce, found := float64(d.IndexLo-1), "ReduceMax", "Greater"
	if !d.Max {
		sentinel, reduce, found = float64(d.IndexLo+n), "ReduceMin", "Less"
	}
	thr := mb.floats("decode/threshold", nil, []float64{d.Threshold})
	idx := mb.floats("decode/index", []int{n}, index)
	sen := mb.floats("decode/sentinel", nil, []float64{sentinel})
	fb := mb.floats("decode/fallback", nil, []float64{d.Fallback})
	mask := sc.op(decodeOpTypes[d.Op], "decode/compare", []string{x, thr}, "decode/mask")
	sc.doc(fmt.Sprintf("%s[i] %s %v", d.Block, d.Op, d.Threshold))
	cand := sc.op("Where", "decode/candidates", []string{mask, idx, sen}, "decode/candidates")
	best := sc.op(reduce, "decode/best", []string{cand}, "decode/best", attrInts("axes", 1), attrInt("keepdims", 0))
	ok := sc.op(found, "decode/found", []string{best, sen}, "decode/found")
	sc.opTo("Where", "decode/answer", []string{ok, best, fb}, d.Name)
	sc.doc(describeDecode(d))
}

func describeDecode(d *Decode) string {
	which := "min"
	if d.Max {
		which = "max"
	}
	return fmt.Sprintf("%s = %s i where %s[i] %s %v, i from %d; %v when none", d.Name, which, d.Block, d.Op, d.Threshold, d.IndexLo, d.Fallback)
}
