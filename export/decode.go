package export

import (
	"fmt"
	"math"
)

// emitDecode appends the answer tail to sc. For x ([N, Len]) restricted to
// the searched indices lo..hi (a Slice when not the whole block):
//
//	mask   = x Op Threshold                  [N, k] bool (see Decode)
//	cand   = Where(mask, lo + i, sentinel)   [N, k]
//	best   = ReduceMax(cand, axis 1)         [N]   (ReduceMin for a minimum)
//	found  = best > sentinel                 [N]   (< for a minimum)
//	answer = Where(found, best, Fallback)    [N]
//
// where the sentinel lies just outside the indices (lo-1 for a maximum,
// hi+1 for a minimum). With a Bound it does this twice, for the mask of
// the indices whose comparison certainly holds and for the mask of those
// where it may hold: the exact answer lies between the two bests, so it
// is certain when they are equal (and, in the Loop form with MaxSteps,
// the run took at most MaxSteps steps):
//
//	certain = best(sure) == best(maybe)      [N]
//	answer  = Where(certain, answer(sure), NaN)
//	<Name>_certain = Where(certain, 1, 0)
//
// It is the only part of a model that is not a ReLU network; its nodes
// are named "decode/...".
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
	idx := mb.floats("decode/index", []int{len(index)}, index)
	sen := mb.floats("decode/sentinel", nil, []float64{sentinel})
	fb := mb.floats("decode/fallback", nil, []float64{d.Fallback})
	best := func(mask, name string) string {
		cand := sc.op("Where", "decode/candidates"+name, []string{mask, idx, sen}, "decode/candidates"+name)
		return sc.op(reduce, "decode/best"+name, []string{cand}, "decode/best"+name, attrInts("axes", 1), attrInt("keepdims", 0))
	}
	if d.Bound == 0 {
		b := best(emitCompare(sc, d, x), "")
		ok := sc.op(found, "decode/found", []string{b, sen}, "decode/found")
		sc.opTo("Where", "decode/answer", []string{ok, b, fb}, d.Name)
		sc.doc(describeDecode(d))
		return
	}
	sure, maybe := emitBounded(sc, d, x)
	bs, bm := best(sure, " (certain)"), best(maybe, " (possible)")
	certain := sc.op("Equal", "decode/certain", []string{bs, bm}, "decode/certain")
	if d.MaxSteps > 0 && sc.trips != "" {
		within := sc.op("LessOrEqual", "decode/steps within bound", []string{sc.trips, mb.int64Const(nil, int64(d.MaxSteps))}, "decode/steps within bound")
		certain = sc.op("And", "decode/certain and steps", []string{certain, within}, "decode/certain and steps")
	}
	ok := sc.op(found, "decode/found", []string{bs, sen}, "decode/found")
	ans := sc.op("Where", "decode/answer if certain", []string{ok, bs, fb}, "decode/answer if certain")
	nan := mb.floats("decode/not certain", nil, []float64{math.NaN()})
	sc.opTo("Where", "decode/answer", []string{certain, ans, nan}, d.Name)
	sc.doc(describeDecode(d))
	one, zero := mb.floats("decode/one", nil, []float64{1}), mb.floats("decode/zero", nil, []float64{0})
	sc.opTo("Where", "decode/certain out", []string{certain, one, zero}, d.CertainName())
	sc.doc("1 where the answer is certain")
}

// emitCompare adds the mask x Op Threshold of a tail without a bound: at
// the half-integer for Integer, as written otherwise.
func emitCompare(sc *scope, d *Decode, x string) string {
	thr := d.Threshold
	if d.Integer {
		fl, ce := math.Floor(thr), math.Ceil(thr)
		switch d.Op {
		case "<=":
			return compareTo(sc, d, x, "Less", "compare", fl+0.5)
		case "<":
			return compareTo(sc, d, x, "Less", "compare", ce-0.5)
		case ">=":
			return compareTo(sc, d, x, "Greater", "compare", ce-0.5)
		case ">":
			return compareTo(sc, d, x, "Greater", "compare", fl+0.5)
		}
		// x == thr for an integer x: ce − 0.5 < x < fl + 0.5 (empty when
		// thr is not an integer).
		above := compareTo(sc, d, x, "Greater", "above", ce-0.5)
		below := compareTo(sc, d, x, "Less", "below", fl+0.5)
		return equalMask(sc, d, above, below)
	}
	switch d.Op {
	case "<=":
		return compareTo(sc, d, x, "LessOrEqual", "compare", thr)
	case "<":
		return compareTo(sc, d, x, "Less", "compare", thr)
	case ">=":
		return compareTo(sc, d, x, "GreaterOrEqual", "compare", thr)
	case ">":
		return compareTo(sc, d, x, "Greater", "compare", thr)
	}
	above := compareTo(sc, d, x, "GreaterOrEqual", "at least", thr)
	below := compareTo(sc, d, x, "LessOrEqual", "at most", thr)
	return equalMask(sc, d, above, below)
}

// emitBounded adds the masks of a tail with a bound B: sure where the
// comparison holds for every exact value within B of x, maybe where it
// holds for some.
func emitBounded(sc *scope, d *Decode, x string) (sure, maybe string) {
	thr, b := d.Threshold, d.Bound
	switch d.Op {
	case "<=", "<":
		return compareTo(sc, d, x, "Less", "certainly holds", thr-b), compareTo(sc, d, x, "LessOrEqual", "may hold", thr+b)
	case ">=", ">":
		return compareTo(sc, d, x, "Greater", "certainly holds", thr+b), compareTo(sc, d, x, "GreaterOrEqual", "may hold", thr-b)
	}
	// near: |x − thr| ≤ B, where the exact value may equal thr.
	near := sc.op("And", "decode/near", []string{
		compareTo(sc, d, x, "GreaterOrEqual", "above lower", thr-b),
		compareTo(sc, d, x, "LessOrEqual", "below upper", thr+b),
	}, "decode/near")
	never := compareTo(sc, d, x, "Less", "never", math.Inf(-1))
	always := sc.op("Not", "decode/always", []string{never}, "decode/always")
	far := sc.op("Not", "decode/far", []string{near}, "decode/far")
	if d.Op == "==" {
		return never, near // equality is never certain on rounded values
	}
	return far, always
}

// compareTo adds "x op c" with c rounded to the element type in the
// direction that keeps the comparison equal to the float64 one for
// every value of the type.
func compareTo(sc *scope, d *Decode, x, op, name string, c float64) string {
	up := op == "Less" || op == "GreaterOrEqual"
	bname := "decode/" + name + " bound"
	if name == "compare" {
		bname = "decode/bound"
	}
	b := sc.mb.floats(bname, nil, []float64{sc.mb.dtype.bound(c, up)})
	m := sc.op(op, "decode/"+name, []string{x, b}, "decode/"+name)
	sc.doc(fmt.Sprintf("%s[i] %s %v", d.Block, opSymbol[op], c))
	return m
}

var opSymbol = map[string]string{"Less": "<", "LessOrEqual": "<=", "Greater": ">", "GreaterOrEqual": ">="}

// equalMask is above ∧ below for "==", its negation for "!=".
func equalMask(sc *scope, d *Decode, above, below string) string {
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
	switch {
	case d.Integer:
		s += " (integers, compared at the half-integer)"
	case d.Bound != 0:
		s += fmt.Sprintf(" (values within %v of the exact ones; NaN when that leaves the answer open", d.Bound)
		if d.MaxSteps > 0 {
			s += fmt.Sprintf(" or the run is longer than %d steps", d.MaxSteps)
		}
		s += ")"
	}
	if d.Range != nil {
		s += fmt.Sprintf(", i in %d..%d", d.Range[0], d.Range[1])
	} else {
		s += fmt.Sprintf(", i from %d", d.IndexLo)
	}
	return s + fmt.Sprintf("; %v when none", d.Fallback)
}
