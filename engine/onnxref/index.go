package onnxref

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"
)

// scatterCopies counts the data tensors scatters copied (not written in
// place): the tests' check of the in-place rule (inplace.go).
var scatterCopies atomic.Int64

// This file holds the indexing operators of the smooth graph models
// (export/smoothonnx) and of their Loop form: TopK, CumSum,
// GatherElements, ScatterElements and ScatterND, by the ONNX operator
// specifications (opset 11 to 18).

// normAxis returns axis counted from the front of a rank-r tensor.
func normAxis(axis int64, r int) (int, error) {
	if axis < -int64(r) || axis >= int64(r) {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, r)
	}
	if axis < 0 {
		axis += int64(r)
	}
	return int(axis), nil
}

// normIndex returns index x of an axis of size dim, negative counting
// from the end, or an error out of [−dim, dim).
func normIndex(x int64, dim int) (int, error) {
	if x < -int64(dim) || x >= int64(dim) {
		return 0, fmt.Errorf("index %d out of range [%d, %d)", x, -dim, dim)
	}
	if x < 0 {
		x += int64(dim)
	}
	return int(x), nil
}

// axisScalar reads the one integer of an axis or K input (a scalar or a
// 1-D tensor of one element).
func axisScalar(what string, v *value) (int64, error) {
	if !v.isInt() || len(v.i) != 1 || len(v.shape) > 1 {
		return 0, fmt.Errorf("%s is not one integer (shape %v)", what, v.shape)
	}
	return v.i[0], nil
}

// less orders two elements of x for TopK: NaN above every number (as
// numpy sorts), so that the order is total.
func lessAt(x *value, a, b int) bool {
	if x.isFloat() {
		p, q := x.f[a], x.f[b]
		if math.IsNaN(p) {
			return false
		}
		return math.IsNaN(q) || p < q
	}
	return x.i[a] < x.i[b]
}

// topK is TopK: the k largest (smallest) elements of x along axis and
// their indices, sorted; equal elements keep the lower index first, as
// the specification says. sorted = 0 leaves the order to the runtime, so
// the sorted order is also right.
func topK(x *value, k int64, axis int64, largest bool) ([]*value, error) {
	if x.elem == elemBool {
		return nil, fmt.Errorf("TopK of a boolean tensor")
	}
	a, err := normAxis(axis, len(x.shape))
	if err != nil {
		return nil, err
	}
	dim := x.shape[a]
	if k < 0 || k > int64(dim) {
		return nil, fmt.Errorf("K = %d for an axis of size %d", k, dim)
	}
	shape := slices.Clone(x.shape)
	shape[a] = int(k)
	vals := like(x, shape)
	idx := &value{elem: elemInt64, shape: shape, i: make([]int64, len(vals.f)+len(vals.i))}
	outer, inner := prod(x.shape[:a]), prod(x.shape[a+1:])
	type entry struct {
		v float64 // the element (an integer as a float64 only to sort a float tensor; see below)
		i int
	}
	order := make([]entry, dim)
	for o := range outer {
		for in := range inner {
			base := o*dim*inner + in
			for j := range order {
				order[j].i = j
				if x.isFloat() {
					order[j].v = x.f[base+j*inner]
				}
			}
			// A stable sort keeps equal elements in index order.
			if x.isFloat() {
				slices.SortStableFunc(order, func(p, q entry) int {
					if largest {
						p, q = q, p
					}
					return floatOrder(p.v, q.v)
				})
			} else {
				slices.SortStableFunc(order, func(p, q entry) int {
					pi, qi := base+p.i*inner, base+q.i*inner
					if largest {
						pi, qi = qi, pi
					}
					switch {
					case lessAt(x, pi, qi):
						return -1
					case lessAt(x, qi, pi):
						return 1
					}
					return 0
				})
			}
			for j := range int(k) {
				at := (o*int(k)+j)*inner + in
				copyElem(vals, at, x, base+order[j].i*inner)
				idx.i[at] = int64(order[j].i)
			}
		}
	}
	return []*value{vals, idx}, nil
}

// floatOrder compares p and q with NaN above every number (lessAt's
// order).
func floatOrder(p, q float64) int {
	pn, qn := math.IsNaN(p), math.IsNaN(q)
	switch {
	case pn && qn:
		return 0
	case pn:
		return 1
	case qn:
		return -1
	case p < q:
		return -1
	case p > q:
		return 1
	}
	return 0
}

// prod is the product of dims (1 for none).
func prod(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// cumSum is CumSum of x along axis: each sum rounded to x's type, added
// in order from the first element (the last when reverse); exclusive
// leaves the element itself out.
func cumSum(x *value, axis int64, exclusive, reverse bool) (*value, error) {
	if !x.isFloat() && !x.isInt() {
		return nil, fmt.Errorf("CumSum of a boolean tensor")
	}
	a, err := normAxis(axis, len(x.shape))
	if err != nil {
		return nil, err
	}
	out := like(x, x.shape)
	dim := x.shape[a]
	outer, inner := prod(x.shape[:a]), prod(x.shape[a+1:])
	for o := range outer {
		for in := range inner {
			var sf float64
			var si int64
			for s := range dim {
				j := s
				if reverse {
					j = dim - 1 - s
				}
				at := (o*dim+j)*inner + in
				if x.isFloat() {
					if exclusive {
						out.f[at], sf = sf, out.round(sf+x.f[at])
					} else {
						sf = out.round(sf + x.f[at])
						out.f[at] = sf
					}
				} else {
					next := si + x.i[at]
					if (x.i[at] >= 0) != (next >= si) || x.elem == elemInt32 && (next > math.MaxInt32 || next < math.MinInt32) {
						return nil, fmt.Errorf("CumSum overflows the integer type")
					}
					if exclusive {
						out.i[at] = si
					} else {
						out.i[at] = next
					}
					si = next
				}
			}
		}
	}
	return out, nil
}

// strides returns the row-major strides of shape.
func strides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for d := len(shape) - 1; d >= 0; d-- {
		st[d] = s
		s *= shape[d]
	}
	return st
}

// elementsIndex checks the shapes of GatherElements and ScatterElements
// (data and indices of one rank, indices no larger than data off the
// axis) and calls visit with each flat index of indices and the flat
// index of data it names.
func elementsIndex(data, idx *value, axis int64, visit func(i, j int)) error {
	if !idx.isInt() {
		return fmt.Errorf("indices are not integers")
	}
	r := len(data.shape)
	if len(idx.shape) != r {
		return fmt.Errorf("indices of rank %d for data of rank %d", len(idx.shape), r)
	}
	a, err := normAxis(axis, r)
	if err != nil {
		return err
	}
	if r == 0 {
		return fmt.Errorf("data is a scalar")
	}
	for d := range r {
		if d != a && idx.shape[d] > data.shape[d] {
			return fmt.Errorf("indices of shape %v for data of shape %v: dimension %d is larger", idx.shape, data.shape, d)
		}
	}
	ds := strides(data.shape)
	coord := make([]int, r)
	for i, x := range idx.i {
		k, err := normIndex(x, data.shape[a])
		if err != nil {
			return err
		}
		j := 0
		for d := range r {
			c := coord[d]
			if d == a {
				c = k
			}
			j += c * ds[d]
		}
		visit(i, j)
		nextCoord(coord, idx.shape)
	}
	return nil
}

// gatherElements is GatherElements: out[i][j][k] = data[idx[i][j][k]][j][k]
// for axis 0, and so on; the output has the shape of indices.
func gatherElements(data, idx *value, axis int64) (*value, error) {
	out := like(data, slices.Clone(idx.shape))
	err := elementsIndex(data, idx, axis, func(i, j int) { copyElem(out, i, data, j) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reduction is the reduction attribute of ScatterElements and ScatterND.
type reduction int

const (
	reduceNone reduction = iota
	reduceAdd
	reduceMul
	reduceMax
	reduceMin
)

func parseReduction(s string) (reduction, error) {
	switch s {
	case "", "none":
		return reduceNone, nil
	case "add":
		return reduceAdd, nil
	case "mul":
		return reduceMul, nil
	case "max":
		return reduceMax, nil
	case "min":
		return reduceMin, nil
	}
	return 0, fmt.Errorf("unknown reduction %q (want none, add, mul, max or min)", s)
}

// scatterInto applies update u (element k of upd) to element j of out by
// red, rounded to out's type; an integer result beyond the type's range
// is an error (ONNX does not say what it should be).
func scatterInto(out *value, j int, upd *value, k int, red reduction) error {
	if red == reduceNone {
		copyElem(out, j, upd, k)
		return nil
	}
	if out.isFloat() {
		x, y := out.f[j], upd.f[k]
		switch red {
		case reduceAdd:
			x += y
		case reduceMul:
			x *= y
		case reduceMax:
			x = math.Max(x, y)
		case reduceMin:
			x = math.Min(x, y)
		}
		out.f[j] = out.round(x)
		return nil
	}
	x, y := out.i[j], upd.i[k]
	var r int64
	ok := true
	switch red {
	case reduceAdd:
		r = x + y
		ok = (y >= 0) == (r >= x)
	case reduceMul:
		r = x * y
		ok = x == 0 || (r/x == y && !(x == -1 && y == math.MinInt64))
	case reduceMax:
		r = max(x, y)
	case reduceMin:
		r = min(x, y)
	}
	if !ok || out.elem == elemInt32 && (r > math.MaxInt32 || r < math.MinInt32) {
		return fmt.Errorf("the reduction of %d and %d overflows the integer type", x, y)
	}
	out.i[j] = r
	return nil
}

// checkScatter checks that data and updates are of one element type and
// that a reduction has numbers to work on.
func checkScatter(data, upd *value, red reduction) error {
	if data.elem != upd.elem {
		return fmt.Errorf("data and updates of element types %d and %d", data.elem, upd.elem)
	}
	if red != reduceNone && data.elem == elemBool {
		return fmt.Errorf("a reduction of booleans")
	}
	return nil
}

// scatterElements is ScatterElements: a copy of data (data itself when
// inPlace: the caller owns it and reads it no more) with updates written
// at the positions indices name along axis, combined by red in the order
// of indices. With no reduction, two updates of one element have no
// defined result, and are refused.
func scatterElements(data, idx, upd *value, axis int64, red reduction, inPlace bool) (*value, error) {
	if err := checkScatter(data, upd, red); err != nil {
		return nil, err
	}
	if !slices.Equal(idx.shape, upd.shape) {
		return nil, fmt.Errorf("indices of shape %v and updates of shape %v differ", idx.shape, upd.shape)
	}
	out, seen := scatterTarget(data, red, inPlace)
	var dup error
	err := elementsIndex(data, idx, axis, func(i, j int) {
		if seen != nil {
			if seen[j] && dup == nil {
				dup = fmt.Errorf("two updates of element %d with reduction none (the result is undefined in ONNX)", j)
			}
			seen[j] = true
		}
		if e := scatterInto(out, j, upd, i, red); e != nil && dup == nil {
			dup = e
		}
	})
	if err == nil {
		err = dup
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scatterTarget is the tensor a scatter writes into: data itself when
// inPlace, else a copy; and for reduction none a record of the elements
// written, to refuse duplicates.
func scatterTarget(data *value, red reduction, inPlace bool) (*value, []bool) {
	out := data
	if !inPlace {
		scatterCopies.Add(1)
		out = like(data, slices.Clone(data.shape))
		copy(out.f, data.f)
		copy(out.i, data.i)
		copy(out.b, data.b)
	}
	var seen []bool
	if red == reduceNone {
		seen = make([]bool, data.size())
	}
	return out, seen
}

// scatterND is ScatterND: indices [..., k] name k-tuples that index the
// first k axes of data; each tuple's slice of data (of shape
// data.shape[k:]) is combined with its slice of updates by red, in the
// order of indices. Without reduction, two updates of one element are
// refused (undefined in ONNX). inPlace as for scatterElements.
func scatterND(data, idx, upd *value, red reduction, inPlace bool) (*value, error) {
	if err := checkScatter(data, upd, red); err != nil {
		return nil, err
	}
	if !idx.isInt() || len(idx.shape) == 0 {
		return nil, fmt.Errorf("indices are not an integer tensor of rank ≥ 1")
	}
	q, r := len(idx.shape), len(data.shape)
	k := idx.shape[q-1]
	if k < 1 || k > r {
		return nil, fmt.Errorf("indices of shape %v: the last dimension %d is not in [1, %d]", idx.shape, k, r)
	}
	want := append(slices.Clone(idx.shape[:q-1]), data.shape[k:]...)
	if !slices.Equal(upd.shape, want) {
		return nil, fmt.Errorf("updates of shape %v, want %v for indices %v and data %v", upd.shape, want, idx.shape, data.shape)
	}
	out, seen := scatterTarget(data, red, inPlace)
	ds := strides(data.shape)
	slice := prod(data.shape[k:])
	tuples := prod(idx.shape[:q-1])
	for t := range tuples {
		base := 0
		for d := range k {
			c, err := normIndex(idx.i[t*k+d], data.shape[d])
			if err != nil {
				return nil, err
			}
			base += c * ds[d]
		}
		for s := range slice {
			if seen != nil {
				if seen[base+s] {
					return nil, fmt.Errorf("two updates of element %d with reduction none (the result is undefined in ONNX)", base+s)
				}
				seen[base+s] = true
			}
			if err := scatterInto(out, base+s, upd, t*slice+s, red); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
