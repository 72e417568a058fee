package onnxref

import (
	"fmt"
	"math"
	"slices"

	"github.com/dp2nn/dp2nn/export/onnxpb"
)

// This file holds the shape operators of the smooth graph models: Pad,
// ConstantOfShape, Squeeze and Unsqueeze, and Cast between every element
// type the interpreter holds.

// pad is Pad in constant mode: pads [begin..., end...] add (or, when
// negative, remove) elements at both ends of every axis, filled with c
// (0 when nil).
func pad(x, pads, c *value) (*value, error) {
	r := len(x.shape)
	if !pads.isInt() || len(pads.i) != 2*r {
		return nil, fmt.Errorf("pads %v for a tensor of rank %d (want %d integers)", pads.i, r, 2*r)
	}
	var fill *value
	if c != nil {
		if c.elem != x.elem || c.size() != 1 {
			return nil, fmt.Errorf("constant_value is not one element of the data's type")
		}
		fill = c
	}
	shape := make([]int, r)
	for d := range r {
		n := int64(x.shape[d]) + pads.i[d] + pads.i[r+d]
		if n < 0 || n > maxElements {
			return nil, fmt.Errorf("pads %v make axis %d of size %d", pads.i, d, n)
		}
		shape[d] = int(n)
	}
	out := like(x, shape)
	xs := strides(x.shape)
	coord := make([]int, r)
	for f := range out.size() {
		j, in := 0, true
		for d := range r {
			c := int64(coord[d]) - pads.i[d]
			if c < 0 || c >= int64(x.shape[d]) {
				in = false
				break
			}
			j += int(c) * xs[d]
		}
		switch {
		case in:
			copyElem(out, f, x, j)
		case fill != nil:
			copyElem(out, f, fill, 0)
		}
		nextCoord(coord, shape)
	}
	return out, nil
}

// constantOfShape is ConstantOfShape: a tensor of the shape in s filled
// with the one element of t (a float 0 when t is nil).
func constantOfShape(s *value, t *onnxpb.TensorProto) (*value, error) {
	if !s.isInt() || len(s.shape) != 1 {
		return nil, fmt.Errorf("shape is not a 1-D integer tensor")
	}
	fill := &value{elem: elemFloat, shape: []int{1}, f: []float64{0}}
	if t != nil {
		var err error
		if fill, err = decodeTensor(t); err != nil {
			return nil, err
		}
		if fill.size() != 1 {
			return nil, fmt.Errorf("value holds %d elements, want 1", fill.size())
		}
	}
	shape := make([]int, len(s.i))
	for i, d := range s.i {
		if d < 0 || d > maxElements {
			return nil, fmt.Errorf("bad shape %v", s.i)
		}
		shape[i] = int(d)
	}
	out := like(fill, shape)
	for f := range out.size() {
		copyElem(out, f, fill, 0)
	}
	return out, nil
}

// axesOf reads the axes of Squeeze and Unsqueeze: the input (opset 13)
// or else the attribute (opset 11); nil when neither is given.
func axesOf(n *onnxpb.NodeProto, ins []*value) ([]int64, error) {
	if len(ins) > 1 && ins[1] != nil {
		if !ins[1].isInt() || len(ins[1].shape) > 1 {
			return nil, fmt.Errorf("axes is not a 1-D integer tensor")
		}
		return ins[1].i, nil
	}
	if a := attr(n, "axes"); a != nil {
		return a.GetInts(), nil
	}
	return nil, nil
}

// squeeze removes the given axes of size 1 from x (every axis of size 1
// when axes is empty). The data are shared, as for Reshape.
func squeeze(x *value, axes []int64) (*value, error) {
	r := len(x.shape)
	drop := make([]bool, r)
	for _, a := range axes {
		d, err := normAxis(a, r)
		if err != nil {
			return nil, err
		}
		if x.shape[d] != 1 {
			return nil, fmt.Errorf("axis %d of shape %v is not of size 1", a, x.shape)
		}
		drop[d] = true
	}
	shape := []int{}
	for d, s := range x.shape {
		if !(drop[d] || len(axes) == 0 && s == 1) {
			shape = append(shape, s)
		}
	}
	out := *x
	out.shape = shape
	return &out, nil
}

// unsqueeze inserts axes of size 1 into x at the given positions of the
// output. The data are shared, as for Reshape.
func unsqueeze(x *value, axes []int64) (*value, error) {
	r := len(x.shape) + len(axes)
	if len(axes) == 0 {
		return nil, fmt.Errorf("no axes")
	}
	add := make([]bool, r)
	for _, a := range axes {
		d, err := normAxis(a, r)
		if err != nil {
			return nil, err
		}
		if add[d] {
			return nil, fmt.Errorf("axis %d given twice", a)
		}
		add[d] = true
	}
	shape := make([]int, 0, r)
	k := 0
	for d := range r {
		if add[d] {
			shape = append(shape, 1)
		} else {
			shape = append(shape, x.shape[k])
			k++
		}
	}
	out := *x
	out.shape = shape
	return &out, nil
}

// cast is Cast to float, double, int64, int32 or bool (ONNX element types
// 1, 11, 7, 6 and 9). To float rounds once; a float to an integer drops
// the fraction (toward zero, as C and ONNX Runtime do), and one that is
// NaN, infinite or out of the integer's range is refused (ONNX leaves it
// undefined); to bool is "not zero".
func cast(x *value, to int64) (*value, error) {
	out := &value{shape: slices.Clone(x.shape)}
	n := x.size()
	get := func(k int) float64 { // x's element k as a number
		switch {
		case x.isFloat():
			return x.f[k]
		case x.isInt():
			return float64(x.i[k])
		case x.b[k]:
			return 1
		}
		return 0
	}
	switch onnxpb.TensorProto_DataType(to) {
	case onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE:
		out.elem = elemDouble
		if onnxpb.TensorProto_DataType(to) == onnxpb.TensorProto_FLOAT {
			out.elem = elemFloat
		}
		if x.isInt() {
			for _, v := range x.i {
				if v >= 1<<53 || v <= -(1<<53) {
					return nil, fmt.Errorf("Cast of the integer %d, beyond 2^53, to a float is not supported", v)
				}
			}
		}
		out.f = make([]float64, n)
		for k := range n {
			out.f[k] = out.round(get(k))
		}
	case onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		lim := math.Ldexp(1, 63)
		out.elem = elemInt64
		if onnxpb.TensorProto_DataType(to) == onnxpb.TensorProto_INT32 {
			out.elem, lim = elemInt32, math.Ldexp(1, 31)
		}
		out.i = make([]int64, n)
		for k := range n {
			if x.isInt() {
				v := x.i[k]
				if out.elem == elemInt32 && (v >= 1<<31 || v < -(1<<31)) {
					return nil, fmt.Errorf("Cast of %d to int32 is out of range", v)
				}
				out.i[k] = v
				continue
			}
			v := math.Trunc(get(k))
			if !(v >= -lim && v < lim) {
				return nil, fmt.Errorf("Cast of %v to an integer is undefined in ONNX", get(k))
			}
			out.i[k] = int64(v)
		}
	case onnxpb.TensorProto_BOOL:
		out.elem = elemBool
		out.b = make([]bool, n)
		for k := range n {
			out.b[k] = get(k) != 0
		}
	default:
		return nil, fmt.Errorf("Cast to element type %d (the interpreter holds float, double, int64, int32 and bool)", to)
	}
	return out, nil
}

// split is Split of x along axis into parts of the sizes in sizes (the
// split input), or, without it, into outs parts of equal size (the last
// smaller when the axis does not divide evenly, as opset 18's
// num_outputs).
func split(x *value, axis int64, sizes *value, outs int) ([]*value, error) {
	a, err := normAxis(axis, len(x.shape))
	if err != nil {
		return nil, err
	}
	dim := x.shape[a]
	var parts []int
	if sizes != nil {
		if !sizes.isInt() || len(sizes.shape) != 1 {
			return nil, fmt.Errorf("split is not a 1-D integer tensor")
		}
		total := 0
		for _, s := range sizes.i {
			if s < 0 || s > int64(dim) {
				return nil, fmt.Errorf("split %v of an axis of size %d", sizes.i, dim)
			}
			parts = append(parts, int(s))
			total += int(s)
		}
		if total != dim {
			return nil, fmt.Errorf("split %v does not sum to the axis's size %d", sizes.i, dim)
		}
	} else {
		if outs < 1 {
			return nil, fmt.Errorf("no outputs")
		}
		each := (dim + outs - 1) / outs
		for k := range outs {
			parts = append(parts, max(0, min(each, dim-k*each)))
		}
	}
	if len(parts) != outs {
		return nil, fmt.Errorf("%d parts for %d outputs", len(parts), outs)
	}
	outer, inner := prod(x.shape[:a]), prod(x.shape[a+1:])
	res := make([]*value, outs)
	off := 0
	for k, p := range parts {
		shape := slices.Clone(x.shape)
		shape[a] = p
		v := like(x, shape)
		for o := range outer {
			copyRange(v, o*p*inner, x, (o*dim+off)*inner, p*inner)
		}
		res[k] = v
		off += p
	}
	return res, nil
}
