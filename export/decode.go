package export

import (
	"fmt"
	"math"
)

// emitDecode appends the answer tail to sc. For x ([N, Len]) restricted to
// the searched indices lo..hi (a Slice when not the whole block):
//
//	mask   = x Op Threshold                  [N, k] bool (see Decode.Tolerance)
//	cand   = Where(mask, lo + i, sentinel)   [N, k]
//	best   = ReduceMax(cand, axis 1)         [N]   (ReduceMin for a minimum)
//	found  = best > sentinel                 [N]   (< for a minimum)
//	answer = Where(found, best, Fallback)    [N]
//
// where the sentinel lies just outside the indices (lo-1 for a maximum,
// hi+1 for a minimum). It is the only part of a model that is not a ReLU
// network; its nodes are named "decode/...".
func emitDecode(sc *scope, d *Decode, x string, n int) {
	mb := sc.mb
	lo, hi := d.IndexLo, d.IndexLo+n-1
	if d.Range != nil {
		lo, hi = d.Range[0], d.Range[1]
		if lo != d.IndexLo || hi != d.IndexLo+n-1 {
			x = sc.op("Slice", "decode/range", []string{x, mb.int64Const([]int{1}, int64(lo-d.IndexLo)), mb.int64Const([]int{1}, int64(hi-d.IndexLo+1)), mb.int64Const([]int{1}, 1)}, "decode/searched")
			sc.doc(fmt.Sprintf("indices %d..%d of %s", lo, hi, d.Block))
		}
	}
	index := make([]float64, hi-lo+1)
	for i := range index {
		index[i] = float64(lo + i)
	}
	sentinel, reduce, found := float64(lo-1), "ReduceMax", "Greater"
	if !d.Max {
		sentinel, reduce, found = float64(hi+1), "ReduceMin", "Less"
	}
	mask := emitCompare(sc, d, x)
	idx := mb.floats("decode/index", []int{len(index)}, index)
	sen := mb.floats("decode/sentinel", nil, []float64{sentinel})
	fb := mb.floats("decode/fallback", nil, []float64{d.Fallback})
	cand := sc.op("Where", "decode/candidates", []string{mask, idx, sen}, "decode/candidates")
	best := sc.op(reduce, "decode/best", []string{cand}, "decode/best", attrInts("axes", 1), attrInt("keepdims", 0))
	ok := sc.op(found, "decode/found", []string{best, sen}, "decode/found")
	sc.opTo("Where", "decode/answer", []string{ok, best, fb}, d.Name)
	sc.doc(describeDecode(d))
}

// emitCompare adds the mask x Op Threshold with the tolerance of d.
func emitCompare(sc *scope, d *Decode, x string) string {
	mb := sc.mb
	thr, tol := d.Threshold, d.Tolerance
	bound := func(name string, c float64, up bool) string {
		return mb.floats("decode/"+name, nil, []float64{mb.dtype.bound(c, up)})
	}
	cmp := func(op, name, b string) string {
		m := sc.op(op, "decode/"+name, []string{x, b}, "decode/"+name)
		if tol == 0 {
			sc.doc(fmt.Sprintf("%s[i] %s %v", d.Block, d.Op, thr))
		} else {
			sc.doc(fmt.Sprintf("%s[i] %s %v with tolerance %v", d.Block, d.Op, thr, tol))
		}
		return m
	}
	// Each bound is rounded to the element type in the direction that
	// keeps "x op bound" equal to the float64 comparison for every x.
	switch d.Op {
	case "<=":
		return cmp("LessOrEqual", "compare", bound("bound", thr+tol, false))
	case "<":
		return cmp("Less", "compare", bound("bound", thr-tol, true))
	case ">=":
		return cmp("GreaterOrEqual", "compare", bound("bound", thr-tol, true))
	case ">":
		return cmp("Greater", "compare", bound("bound", thr+tol, false))
	}
	above := cmp("GreaterOrEqual", "at least", bound("lower bound", thr-tol, true))
	below := cmp("LessOrEqual", "at most", bound("upper bound", thr+tol, false))
	eq := sc.op("And", "decode/equal", []string{above, below}, "decode/equal")
	if d.Op == "==" {
		return eq
	}
	return sc.op("Not", "decode/not equal", []string{eq}, "decode/not equal")
}

// bound rounds c to the element type: down (up false) to the largest
// representable value <= c, or up to the smallest one >= c. Then for
// every value x of the type, x <= c ⟺ x <= down(c), x > c ⟺ x > down(c),
// x >= c ⟺ x >= up(c) and x < c ⟺ x < up(c).
func (d DType) bound(c float64, up bool) float64 {
	if d == Float64 || math.IsInf(c, 0) {
		return c
	}
	f := float32(c)
	switch {
	case up && float64(f) < c:
		f = math.Nextafter32(f, float32(math.Inf(1)))
	case !up && float64(f) > c:
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return float64(f)
}

func describeDecode(d *Decode) string {
	which := "min"
	if d.Max {
		which = "max"
	}
	s := fmt.Sprintf("%s = %s i where %s[i] %s %v", d.Name, which, d.Block, d.Op, d.Threshold)
	if d.Tolerance != 0 {
		s += fmt.Sprintf(" (tolerance %v)", d.Tolerance)
	}
	if d.Range != nil {
		s += fmt.Sprintf(", i in %d..%d", d.Range[0], d.Range[1])
	} else {
		s += fmt.Sprintf(", i from %d", d.IndexLo)
	}
	return s + fmt.Sprintf("; %v when none", d.Fallback)
}
