package onnxref

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/export/onnxpb"
)

// The operators' tables are the worked examples of the ONNX operator
// pages (onnx.ai/onnx/operators), plus the corner cases the pages state
// in words (ties, negative indices, duplicates).

func f64(shape []int, v ...float64) *value {
	return &value{elem: elemDouble, shape: shape, f: append([]float64{}, v...)}
}

func f32(shape []int, v ...float64) *value {
	return &value{elem: elemFloat, shape: shape, f: append([]float64{}, v...)}
}

func i64(shape []int, v ...int64) *value {
	return &value{elem: elemInt64, shape: shape, i: append([]int64{}, v...)}
}

func aI(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func aS(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

func aInts(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

// runOp runs one node of type op on ins with attrs.
func runOp(op string, ins []*value, attrs ...*onnxpb.AttributeProto) ([]*value, error) {
	n := &onnxpb.NodeProto{OpType: proto.String(op), Attribute: attrs}
	e := &env{vals: map[string]*value{}}
	for i, v := range ins {
		name := ""
		if v != nil {
			name = string(rune('a' + i))
			e.vals[name] = v
		}
		n.Input = append(n.Input, name)
	}
	return runNode(n, ins, e)
}

type opCase struct {
	name  string
	op    string
	ins   []*value
	attrs []*onnxpb.AttributeProto
	want  []*value // nil with err
	err   string
}

func runCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := runOp(c.op, c.ins, c.attrs...)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, len(c.want))
			for k, w := range c.want {
				require.Equal(t, w.elem, got[k].elem, "output %d type", k)
				require.Equal(t, w.shape, got[k].shape, "output %d shape", k)
				switch {
				case w.isFloat():
					require.Equal(t, w.f, got[k].f, "output %d", k)
				case w.isInt():
					require.Equal(t, w.i, got[k].i, "output %d", k)
				default:
					require.Equal(t, w.b, got[k].b, "output %d", k)
				}
			}
		})
	}
}

func TestTopK(t *testing.T) {
	x := f64([]int{3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	k3 := i64([]int{1}, 3)
	runCases(t, []opCase{
		{name: "top_k", op: "TopK", ins: []*value{x, k3}, attrs: []*onnxpb.AttributeProto{aI("axis", 1)},
			want: []*value{f64([]int{3, 3}, 3, 2, 1, 7, 6, 5, 11, 10, 9), i64([]int{3, 3}, 3, 2, 1, 3, 2, 1, 3, 2, 1)}},
		{name: "top_k_negative_axis", op: "TopK", ins: []*value{x, k3}, attrs: []*onnxpb.AttributeProto{aI("axis", -1)},
			want: []*value{f64([]int{3, 3}, 3, 2, 1, 7, 6, 5, 11, 10, 9), i64([]int{3, 3}, 3, 2, 1, 3, 2, 1, 3, 2, 1)}},
		{name: "top_k_smallest", op: "TopK",
			ins:   []*value{f64([]int{3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 11, 10, 9, 8), k3},
			attrs: []*onnxpb.AttributeProto{aI("axis", 1), aI("largest", 0), aI("sorted", 1)},
			want:  []*value{f64([]int{3, 3}, 0, 1, 2, 4, 5, 6, 8, 9, 10), i64([]int{3, 3}, 0, 1, 2, 0, 1, 2, 3, 2, 1)}},
		{name: "default axis is the last", op: "TopK", ins: []*value{x, i64([]int{1}, 1)},
			want: []*value{f64([]int{3, 1}, 3, 7, 11), i64([]int{3, 1}, 3, 3, 3)}},
		{name: "axis 0", op: "TopK", ins: []*value{x, i64([]int{1}, 2)}, attrs: []*onnxpb.AttributeProto{aI("axis", 0)},
			want: []*value{f64([]int{2, 4}, 8, 9, 10, 11, 4, 5, 6, 7), i64([]int{2, 4}, 2, 2, 2, 2, 1, 1, 1, 1)}},
		{name: "ties: the lower index first", op: "TopK", ins: []*value{f64([]int{5}, 1, 3, 1, 3, 2), i64([]int{1}, 5)},
			want: []*value{f64([]int{5}, 3, 3, 2, 1, 1), i64([]int{5}, 1, 3, 4, 0, 2)}},
		{name: "ties smallest", op: "TopK", ins: []*value{f64([]int{5}, 1, 3, 1, 3, 2), i64([]int{1}, 3)}, attrs: []*onnxpb.AttributeProto{aI("largest", 0)},
			want: []*value{f64([]int{3}, 1, 1, 2), i64([]int{3}, 0, 2, 4)}},
		{name: "NaN above every number", op: "TopK", ins: []*value{f64([]int{3}, 1, math.NaN(), 3), i64([]int{1}, 2)}, attrs: []*onnxpb.AttributeProto{aI("largest", 0)},
			want: []*value{f64([]int{2}, 1, 3), i64([]int{2}, 0, 2)}},
		{name: "-inf last", op: "TopK", ins: []*value{f64([]int{3}, math.Inf(-1), -1, 0), i64([]int{1}, 3)},
			want: []*value{f64([]int{3}, 0, -1, math.Inf(-1)), i64([]int{3}, 2, 1, 0)}},
		{name: "K = 0", op: "TopK", ins: []*value{x, i64([]int{1}, 0)},
			want: []*value{f64([]int{3, 0}), i64([]int{3, 0})}},
		{name: "K too large", op: "TopK", ins: []*value{x, i64([]int{1}, 5)}, err: "K = 5 for an axis of size 4"},
		{name: "K not one integer", op: "TopK", ins: []*value{x, i64([]int{2}, 1, 2)}, err: "K is not one integer"},
		{name: "bad axis", op: "TopK", ins: []*value{x, k3}, attrs: []*onnxpb.AttributeProto{aI("axis", 2)}, err: "axis 2 out of range"},
	})
}

func TestCumSum(t *testing.T) {
	x := f64([]int{5}, 1, 2, 3, 4, 5)
	ax0 := i64(nil, 0)
	x2 := f64([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	runCases(t, []opCase{
		{name: "cumsum_1d", op: "CumSum", ins: []*value{x, ax0}, want: []*value{f64([]int{5}, 1, 3, 6, 10, 15)}},
		{name: "cumsum_1d_exclusive", op: "CumSum", ins: []*value{x, ax0}, attrs: []*onnxpb.AttributeProto{aI("exclusive", 1)},
			want: []*value{f64([]int{5}, 0, 1, 3, 6, 10)}},
		{name: "cumsum_1d_reverse", op: "CumSum", ins: []*value{x, ax0}, attrs: []*onnxpb.AttributeProto{aI("reverse", 1)},
			want: []*value{f64([]int{5}, 15, 14, 12, 9, 5)}},
		{name: "cumsum_1d_reverse_exclusive", op: "CumSum", ins: []*value{x, ax0}, attrs: []*onnxpb.AttributeProto{aI("reverse", 1), aI("exclusive", 1)},
			want: []*value{f64([]int{5}, 14, 12, 9, 5, 0)}},
		{name: "cumsum_2d_axis_0", op: "CumSum", ins: []*value{x2, ax0}, want: []*value{f64([]int{2, 3}, 1, 2, 3, 5, 7, 9)}},
		{name: "cumsum_2d_axis_1", op: "CumSum", ins: []*value{x2, i64([]int{1}, 1)}, want: []*value{f64([]int{2, 3}, 1, 3, 6, 4, 9, 15)}},
		{name: "cumsum_2d_negative_axis", op: "CumSum", ins: []*value{x2, i64(nil, -1)}, want: []*value{f64([]int{2, 3}, 1, 3, 6, 4, 9, 15)}},
		{name: "int64", op: "CumSum", ins: []*value{i64([]int{3}, 5, -2, 7), ax0}, want: []*value{i64([]int{3}, 5, 3, 10)}},
		// float32: every partial sum is rounded (1 + 2^-24 is 1 in float32).
		{name: "float32 rounds each sum", op: "CumSum", ins: []*value{f32([]int{3}, 1, math.Ldexp(1, -24), math.Ldexp(1, -24)), ax0},
			want: []*value{f32([]int{3}, 1, 1, 1)}},
		{name: "bad axis", op: "CumSum", ins: []*value{x, i64(nil, 1)}, err: "axis 1 out of range"},
	})
}

func TestGatherElements(t *testing.T) {
	d3 := f64([]int{3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	runCases(t, []opCase{
		{name: "gather_elements_0", op: "GatherElements", ins: []*value{f64([]int{2, 2}, 1, 2, 3, 4), i64([]int{2, 2}, 0, 0, 1, 0)},
			attrs: []*onnxpb.AttributeProto{aI("axis", 1)}, want: []*value{f64([]int{2, 2}, 1, 1, 4, 3)}},
		{name: "gather_elements_1", op: "GatherElements", ins: []*value{d3, i64([]int{2, 3}, 1, 2, 0, 2, 0, 0)},
			attrs: []*onnxpb.AttributeProto{aI("axis", 0)}, want: []*value{f64([]int{2, 3}, 4, 8, 3, 7, 2, 3)}},
		{name: "gather_elements_negative_indices", op: "GatherElements", ins: []*value{d3, i64([]int{2, 3}, -1, -2, 0, -2, 0, 0)},
			attrs: []*onnxpb.AttributeProto{aI("axis", 0)}, want: []*value{f64([]int{2, 3}, 7, 5, 3, 4, 2, 3)}},
		{name: "negative axis", op: "GatherElements", ins: []*value{f64([]int{2, 2}, 1, 2, 3, 4), i64([]int{2, 2}, 0, 0, 1, 0)},
			attrs: []*onnxpb.AttributeProto{aI("axis", -1)}, want: []*value{f64([]int{2, 2}, 1, 1, 4, 3)}},
		{name: "index out of range", op: "GatherElements", ins: []*value{d3, i64([]int{1, 1}, 3)}, err: "index 3 out of range [-3, 3)"},
		{name: "index below range", op: "GatherElements", ins: []*value{d3, i64([]int{1, 1}, -4)}, err: "index -4 out of range"},
		{name: "rank", op: "GatherElements", ins: []*value{d3, i64([]int{1}, 0)}, err: "indices of rank 1 for data of rank 2"},
		{name: "larger off the axis", op: "GatherElements", ins: []*value{d3, i64([]int{1, 4}, 0, 0, 0, 0)}, err: "dimension 1 is larger"},
	})
}

func TestScatterElements(t *testing.T) {
	zeros := func() *value { return f64([]int{3, 3}, 0, 0, 0, 0, 0, 0, 0, 0, 0) }
	row := func() *value { return f64([]int{1, 5}, 1, 2, 3, 4, 5) }
	axis1 := aI("axis", 1)
	two, u, v := 2.0, 1.1, 2.1 // variables: the products and sums are rounded in order, as at run time
	runCases(t, []opCase{
		{name: "scatter_elements_without_axis", op: "ScatterElements",
			ins:  []*value{zeros(), i64([]int{2, 3}, 1, 0, 2, 0, 2, 1), f64([]int{2, 3}, 1.0, 1.1, 1.2, 2.0, 2.1, 2.2)},
			want: []*value{f64([]int{3, 3}, 2.0, 1.1, 0.0, 1.0, 0.0, 2.2, 0.0, 2.1, 1.2)}},
		{name: "scatter_elements_with_axis", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1},
			ins:  []*value{row(), i64([]int{1, 2}, 1, 3), f64([]int{1, 2}, 1.1, 2.1)},
			want: []*value{f64([]int{1, 5}, 1.0, 1.1, 3.0, 2.1, 5.0)}},
		{name: "scatter_elements_with_negative_indices", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1},
			ins:  []*value{row(), i64([]int{1, 2}, 1, -3), f64([]int{1, 2}, 1.1, 2.1)},
			want: []*value{f64([]int{1, 5}, 1.0, 1.1, 2.1, 4.0, 5.0)}},
		{name: "scatter_elements_with_duplicate_indices (add)", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1, aS("reduction", "add")},
			ins:  []*value{row(), i64([]int{1, 2}, 1, 1), f64([]int{1, 2}, 1.1, 2.1)},
			want: []*value{f64([]int{1, 5}, 1.0, two+u+v, 3.0, 4.0, 5.0)}},
		{name: "scatter_elements_with_reduction_mul", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1, aS("reduction", "mul")},
			ins:  []*value{row(), i64([]int{1, 2}, 1, 1), f64([]int{1, 2}, 1.1, 2.1)},
			want: []*value{f64([]int{1, 5}, 1.0, two*u*v, 3.0, 4.0, 5.0)}},
		{name: "scatter_elements_with_reduction_max", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1, aS("reduction", "max")},
			ins:  []*value{row(), i64([]int{1, 2}, 1, 1), f64([]int{1, 2}, 1.1, 2.1)},
			want: []*value{f64([]int{1, 5}, 1.0, 2.1, 3.0, 4.0, 5.0)}},
		{name: "scatter_elements_with_reduction_min", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1, aS("reduction", "min")},
			ins:  []*value{row(), i64([]int{1, 2}, 1, 1), f64([]int{1, 2}, 1.1, 2.1)},
			want: []*value{f64([]int{1, 5}, 1.0, 1.1, 3.0, 4.0, 5.0)}},
		{name: "float32 rounds each addition", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{aS("reduction", "add")},
			ins:  []*value{f32([]int{2}, 1, 0), i64([]int{2}, 0, 0), f32([]int{2}, math.Ldexp(1, -24), math.Ldexp(1, -24))},
			want: []*value{f32([]int{2}, 1, 0)}},
		{name: "duplicates without reduction", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1},
			ins: []*value{row(), i64([]int{1, 2}, 1, 1), f64([]int{1, 2}, 1.1, 2.1)}, err: "two updates of element 1 with reduction none"},
		{name: "index out of range", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{axis1},
			ins: []*value{row(), i64([]int{1, 1}, 5), f64([]int{1, 1}, 1)}, err: "index 5 out of range [-5, 5)"},
		{name: "updates shape", op: "ScatterElements",
			ins: []*value{row(), i64([]int{1, 1}, 0), f64([]int{1, 2}, 1, 2)}, err: "indices of shape [1 1] and updates of shape [1 2] differ"},
		{name: "types", op: "ScatterElements",
			ins: []*value{row(), i64([]int{1, 1}, 0), f32([]int{1, 1}, 1)}, err: "data and updates of element types"},
		{name: "unknown reduction", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{aS("reduction", "sum")},
			ins: []*value{row(), i64([]int{1, 1}, 0), f64([]int{1, 1}, 1)}, err: `unknown reduction "sum"`},
	})
}

func TestScatterND(t *testing.T) {
	// The page's example 2 and scatternd_add: data [4, 4, 4], k = 1.
	block := func(rows ...[4]float64) []float64 {
		var v []float64
		for _, r := range rows {
			v = append(v, r[:]...)
		}
		return v
	}
	a := block([4]float64{1, 2, 3, 4}, [4]float64{5, 6, 7, 8}, [4]float64{8, 7, 6, 5}, [4]float64{4, 3, 2, 1})
	b := block([4]float64{8, 7, 6, 5}, [4]float64{4, 3, 2, 1}, [4]float64{1, 2, 3, 4}, [4]float64{5, 6, 7, 8})
	u1 := block([4]float64{5, 5, 5, 5}, [4]float64{6, 6, 6, 6}, [4]float64{7, 7, 7, 7}, [4]float64{8, 8, 8, 8})
	u2 := block([4]float64{1, 1, 1, 1}, [4]float64{2, 2, 2, 2}, [4]float64{3, 3, 3, 3}, [4]float64{4, 4, 4, 4})
	data := func() *value {
		return f64([]int{4, 4, 4}, append(append(append(append([]float64{}, a...), a...), b...), b...)...)
	}
	upd := f64([]int{2, 4, 4}, append(append([]float64{}, u1...), u2...)...)
	cat := func(parts ...[]float64) []float64 {
		var v []float64
		for _, p := range parts {
			v = append(v, p...)
		}
		return v
	}
	sum := make([]float64, 16)
	prodv := make([]float64, 16)
	for i := range sum {
		sum[i] = a[i] + u1[i] + u2[i]
		prodv[i] = a[i] * u1[i] * u2[i]
	}
	runCases(t, []opCase{
		{name: "scatternd example 1", op: "ScatterND",
			ins:  []*value{f64([]int{8}, 1, 2, 3, 4, 5, 6, 7, 8), i64([]int{4, 1}, 4, 3, 1, 7), f64([]int{4}, 9, 10, 11, 12)},
			want: []*value{f64([]int{8}, 1, 11, 3, 10, 9, 6, 7, 12)}},
		{name: "scatternd example 2", op: "ScatterND", ins: []*value{data(), i64([]int{2, 1}, 0, 2), upd},
			want: []*value{f64([]int{4, 4, 4}, cat(u1, a, u2, b)...)}},
		{name: "scatternd_add", op: "ScatterND", attrs: []*onnxpb.AttributeProto{aS("reduction", "add")},
			ins: []*value{data(), i64([]int{2, 1}, 0, 0), upd}, want: []*value{f64([]int{4, 4, 4}, cat(sum, a, b, b)...)}},
		{name: "scatternd_multiply", op: "ScatterND", attrs: []*onnxpb.AttributeProto{aS("reduction", "mul")},
			ins: []*value{data(), i64([]int{2, 1}, 0, 0), upd}, want: []*value{f64([]int{4, 4, 4}, cat(prodv, a, b, b)...)}},
		{name: "scatternd_max", op: "ScatterND", attrs: []*onnxpb.AttributeProto{aS("reduction", "max")},
			ins:  []*value{f64([]int{8}, 1, 2, 3, 4, 5, 6, 7, 8), i64([]int{4, 1}, 4, 3, 1, 7), f64([]int{4}, 9, 0, 11, 0)},
			want: []*value{f64([]int{8}, 1, 11, 3, 4, 9, 6, 7, 8)}},
		{name: "scatternd_min", op: "ScatterND", attrs: []*onnxpb.AttributeProto{aS("reduction", "min")},
			ins:  []*value{f64([]int{8}, 1, 2, 3, 4, 5, 6, 7, 8), i64([]int{4, 1}, 4, 3, 1, 7), f64([]int{4}, 9, 0, 11, 0)},
			want: []*value{f64([]int{8}, 1, 2, 3, 0, 5, 6, 7, 0)}},
		{name: "k = rank: single elements, negative index", op: "ScatterND", attrs: []*onnxpb.AttributeProto{aS("reduction", "add")},
			ins:  []*value{f64([]int{2, 2}, 1, 2, 3, 4), i64([]int{2, 2}, 0, 1, -1, -1), f64([]int{2}, 10, 20)},
			want: []*value{f64([]int{2, 2}, 1, 12, 3, 24)}},
		{name: "duplicates without reduction", op: "ScatterND", ins: []*value{data(), i64([]int{2, 1}, 0, 0), upd}, err: "two updates of element 0 with reduction none"},
		{name: "updates shape", op: "ScatterND", ins: []*value{data(), i64([]int{2, 1}, 0, 1), f64([]int{2, 4}, 0, 0, 0, 0, 0, 0, 0, 0)}, err: "updates of shape [2 4], want [2 4 4]"},
		{name: "k too large", op: "ScatterND", ins: []*value{f64([]int{2}, 0, 0), i64([]int{1, 2}, 0, 0), f64([]int{1}, 1)}, err: "the last dimension 2 is not in [1, 1]"},
		{name: "index out of range", op: "ScatterND", ins: []*value{f64([]int{2}, 0, 0), i64([]int{1, 1}, 2), f64([]int{1}, 1)}, err: "index 2 out of range"},
	})
}

func TestShapeOps(t *testing.T) {
	x := f64([]int{2, 2}, 1, 2, 3, 4)
	ones := &onnxpb.TensorProto{DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Dims: []int64{1}, Int64Data: []int64{7}}
	runCases(t, []opCase{
		{name: "pad end", op: "Pad", ins: []*value{x, i64([]int{4}, 0, 0, 0, 1)}, want: []*value{f64([]int{2, 3}, 1, 2, 0, 3, 4, 0)}},
		{name: "pad constant", op: "Pad", ins: []*value{x, i64([]int{4}, 1, 0, 0, 0), f64(nil, 9)}, want: []*value{f64([]int{3, 2}, 9, 9, 1, 2, 3, 4)}},
		{name: "pad negative crops", op: "Pad", ins: []*value{x, i64([]int{4}, 0, -1, 0, 0)}, want: []*value{f64([]int{2, 1}, 2, 4)}},
		{name: "pad reflect", op: "Pad", ins: []*value{x, i64([]int{4}, 0, 0, 0, 1)}, attrs: []*onnxpb.AttributeProto{aS("mode", "reflect")}, err: `mode "reflect"`},
		{name: "pads length", op: "Pad", ins: []*value{x, i64([]int{2}, 0, 1)}, err: "want 4 integers"},
		{name: "constant of shape (float 0)", op: "ConstantOfShape", ins: []*value{i64([]int{2}, 2, 1)}, want: []*value{f32([]int{2, 1}, 0, 0)}},
		{name: "constant of shape int64", op: "ConstantOfShape", ins: []*value{i64([]int{1}, 3)},
			attrs: []*onnxpb.AttributeProto{{Name: proto.String("value"), Type: onnxpb.AttributeProto_TENSOR.Enum(), T: ones}}, want: []*value{i64([]int{3}, 7, 7, 7)}},
		{name: "squeeze", op: "Squeeze", ins: []*value{f64([]int{2, 1, 1}, 1, 2), i64([]int{1}, 1)}, want: []*value{f64([]int{2, 1}, 1, 2)}},
		{name: "squeeze all", op: "Squeeze", ins: []*value{f64([]int{1, 2, 1}, 1, 2)}, want: []*value{f64([]int{2}, 1, 2)}},
		{name: "squeeze not 1", op: "Squeeze", ins: []*value{x, i64([]int{1}, 0)}, err: "is not of size 1"},
		{name: "squeeze axes attribute (opset 11)", op: "Squeeze", ins: []*value{f64([]int{1, 2}, 1, 2)}, attrs: []*onnxpb.AttributeProto{aInts("axes", 0)},
			want: []*value{f64([]int{2}, 1, 2)}},
		{name: "unsqueeze", op: "Unsqueeze", ins: []*value{x, i64([]int{2}, 0, 3)}, want: []*value{f64([]int{1, 2, 2, 1}, 1, 2, 3, 4)}},
		{name: "unsqueeze negative", op: "Unsqueeze", ins: []*value{x, i64([]int{1}, -1)}, want: []*value{f64([]int{2, 2, 1}, 1, 2, 3, 4)}},
		{name: "cast bool to double", op: "Cast", ins: []*value{{elem: elemBool, shape: []int{2}, b: []bool{true, false}}}, attrs: []*onnxpb.AttributeProto{aI("to", 11)},
			want: []*value{f64([]int{2}, 1, 0)}},
		{name: "cast double to int64 truncates", op: "Cast", ins: []*value{f64([]int{3}, 2.7, -2.7, 0)}, attrs: []*onnxpb.AttributeProto{aI("to", 7)},
			want: []*value{i64([]int{3}, 2, -2, 0)}},
		{name: "cast NaN to int64", op: "Cast", ins: []*value{f64([]int{1}, math.NaN())}, attrs: []*onnxpb.AttributeProto{aI("to", 7)}, err: "undefined in ONNX"},
		{name: "cast inf to int64", op: "Cast", ins: []*value{f64([]int{1}, math.Inf(1))}, attrs: []*onnxpb.AttributeProto{aI("to", 7)}, err: "undefined in ONNX"},
		{name: "cast to string", op: "Cast", ins: []*value{x}, attrs: []*onnxpb.AttributeProto{aI("to", 8)}, err: "Cast to element type 8"},
	})
}

func TestSplit(t *testing.T) {
	one := []int{1}
	x2 := f64([]int{2, 6}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
	for _, c := range []struct {
		name  string
		ins   []*value
		axis  int64
		outs  int
		attrs []*onnxpb.AttributeProto
		want  []*value
		err   string
	}{
		{name: "split_equal_parts_1d", ins: []*value{f64([]int{6}, 1, 2, 3, 4, 5, 6)}, outs: 3,
			want: []*value{f64([]int{2}, 1, 2), f64([]int{2}, 3, 4), f64([]int{2}, 5, 6)}},
		{name: "split_variable_parts_1d", ins: []*value{f64([]int{6}, 1, 2, 3, 4, 5, 6), i64([]int{2}, 2, 4)}, outs: 2,
			want: []*value{f64([]int{2}, 1, 2), f64([]int{4}, 3, 4, 5, 6)}},
		{name: "split_equal_parts_2d", ins: []*value{x2}, axis: 1, outs: 2,
			want: []*value{f64([]int{2, 3}, 1, 2, 3, 7, 8, 9), f64([]int{2, 3}, 4, 5, 6, 10, 11, 12)}},
		{name: "split_variable_parts_2d", ins: []*value{x2, i64([]int{2}, 2, 4)}, axis: 1, outs: 2,
			want: []*value{f64([]int{2, 2}, 1, 2, 7, 8), f64([]int{2, 4}, 3, 4, 5, 6, 9, 10, 11, 12)}},
		{name: "split_1d_uneven_split_opset18", ins: []*value{f64([]int{7}, 1, 2, 3, 4, 5, 6, 7)}, outs: 4,
			want: []*value{f64([]int{2}, 1, 2), f64([]int{2}, 3, 4), f64([]int{2}, 5, 6), f64(one, 7)}},
		{name: "split attribute (opset 11)", ins: []*value{f64([]int{3}, 1, 2, 3)}, outs: 2, attrs: []*onnxpb.AttributeProto{aInts("split", 1, 2)},
			want: []*value{f64(one, 1), f64([]int{2}, 2, 3)}},
		{name: "int32 scalars", ins: []*value{{elem: elemInt32, shape: []int{3}, i: []int64{4, 5, 6}}, i64([]int{3}, 1, 1, 1)}, outs: 3,
			want: []*value{{elem: elemInt32, shape: one, i: []int64{4}}, {elem: elemInt32, shape: one, i: []int64{5}}, {elem: elemInt32, shape: one, i: []int64{6}}}},
		{name: "sizes do not sum", ins: []*value{f64([]int{3}, 1, 2, 3), i64([]int{2}, 1, 1)}, outs: 2, err: "does not sum"},
		{name: "sizes and outputs", ins: []*value{f64([]int{3}, 1, 2, 3), i64([]int{2}, 1, 2)}, outs: 3, err: "2 parts for 3 outputs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := &onnxpb.NodeProto{OpType: proto.String("Split"), Attribute: append(c.attrs, aI("axis", c.axis))}
			for range c.ins {
				n.Input = append(n.Input, "in")
			}
			for range c.outs {
				n.Output = append(n.Output, "out")
			}
			got, err := runNode(n, c.ins, &env{vals: map[string]*value{}})
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, len(c.want))
			for k, w := range c.want {
				require.Equal(t, w.shape, got[k].shape, "part %d", k)
				require.Equal(t, w.elem, got[k].elem, "part %d", k)
				require.Equal(t, w.f, got[k].f, "part %d", k)
				require.Equal(t, w.i, got[k].i, "part %d", k)
			}
		})
	}
}

func TestIntegerArithmetic(t *testing.T) {
	i32 := func(shape []int, v ...int64) *value { return &value{elem: elemInt32, shape: shape, i: v} }
	one := []int{1}
	runCases(t, []opCase{
		{name: "add broadcast", op: "Add", ins: []*value{i64([]int{3}, 1, 2, 3), i64(nil, 10)}, want: []*value{i64([]int{3}, 11, 12, 13)}},
		{name: "mul", op: "Mul", ins: []*value{i64(one, 7), i64(one, -6)}, want: []*value{i64(one, -42)}},
		{name: "div truncates toward zero", op: "Div", ins: []*value{i64([]int{2}, 7, -7), i64(nil, 2)}, want: []*value{i64([]int{2}, 3, -3)}},
		{name: "min int32", op: "Min", ins: []*value{i32(one, 5), i32(one, 9)}, want: []*value{i32(one, 5)}},
		{name: "less int32", op: "Less", ins: []*value{i32([]int{2}, 1, 9), i32(one, 5)}, want: []*value{{elem: elemBool, shape: []int{2}, b: []bool{true, false}}}},
		{name: "int32 overflow", op: "Add", ins: []*value{i32(one, math.MaxInt32), i32(one, 1)}, err: "overflows"},
		{name: "int64 overflow", op: "Mul", ins: []*value{i64(one, math.MaxInt64/2+1), i64(one, 2)}, err: "overflows"},
		{name: "division by zero", op: "Div", ins: []*value{i64(one, 1), i64(one, 0)}, err: "division by zero"},
		{name: "mixed types", op: "Add", ins: []*value{i64(one, 1), i32(one, 1)}, err: "element types"},
	})
}

func TestSlice(t *testing.T) {
	x := f64([]int{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)
	runCases(t, []opCase{
		// the page's slice example: data [[1..4],[5..8]], axes [0 1], starts [1 0], ends [2 3], steps [1 1]
		{name: "slice", op: "Slice", ins: []*value{x, i64([]int{2}, 1, 0), i64([]int{2}, 2, 3), i64([]int{2}, 0, 1)}, want: []*value{f64([]int{1, 3}, 5, 6, 7)}},
		{name: "slice_neg", op: "Slice", ins: []*value{x, i64([]int{1}, 0), i64([]int{1}, -1), i64([]int{1}, 1)}, want: []*value{f64([]int{2, 3}, 1, 2, 3, 5, 6, 7)}},
		{name: "slice_end_out_of_bounds", op: "Slice", ins: []*value{x, i64([]int{1}, 1), i64([]int{1}, 1000), i64([]int{1}, 1)}, want: []*value{f64([]int{2, 3}, 2, 3, 4, 6, 7, 8)}},
		{name: "slice_default_axes", op: "Slice", ins: []*value{x, i64([]int{2}, 0, 2), i64([]int{2}, 1, 4)}, want: []*value{f64([]int{1, 2}, 3, 4)}},
		{name: "empty", op: "Slice", ins: []*value{x, i64([]int{1}, 3), i64([]int{1}, 1), i64([]int{1}, 1)}, want: []*value{f64([]int{2, 0})}},
		{name: "int32 rows", op: "Slice", ins: []*value{{elem: elemInt32, shape: []int{3, 1}, i: []int64{7, 8, 9}}, i64([]int{1}, 1), i64([]int{1}, 3)},
			want: []*value{{elem: elemInt32, shape: []int{2, 1}, i: []int64{8, 9}}}},
		{name: "step 2", op: "Slice", ins: []*value{x, i64([]int{1}, 0), i64([]int{1}, 4), i64([]int{1}, 1), i64([]int{1}, 2)}, err: "unsupported axis 1 or step 2"},
	})
}

// Integer scatters and sums that leave their type's range are refused,
// not wrapped.
func TestIntegerOverflowRefused(t *testing.T) {
	i32 := func(shape []int, v ...int64) *value { return &value{elem: elemInt32, shape: shape, i: v} }
	one := []int{1}
	runCases(t, []opCase{
		{name: "scatter add int32", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{aS("reduction", "add")},
			ins: []*value{i32(one, math.MaxInt32), i64(one, 0), i32(one, 1)}, err: "overflows"},
		{name: "scatternd mul int64", op: "ScatterND", attrs: []*onnxpb.AttributeProto{aS("reduction", "mul")},
			ins: []*value{i64(one, math.MaxInt64/2+1), i64([]int{1, 1}, 0), i64(one, 2)}, err: "overflows"},
		{name: "scatter add int64 fits", op: "ScatterElements", attrs: []*onnxpb.AttributeProto{aS("reduction", "add")},
			ins: []*value{i64(one, 5), i64(one, 0), i64(one, -7)}, want: []*value{i64(one, -2)}},
		{name: "cumsum int32", op: "CumSum", ins: []*value{i32([]int{2}, math.MaxInt32, 1), i64(nil, 0)}, err: "overflows"},
	})
}

// TopK on random rows with many ties gives what picking, k times, the
// largest (smallest) remaining element with the lowest index gives.
func TestTopKTiesAgainstSelection(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	for range 300 {
		rows, dim := 1+rng.IntN(3), 1+rng.IntN(7)
		k := rng.IntN(dim + 1)
		largest := rng.IntN(2) == 1
		x := f64([]int{rows, dim})
		for range rows * dim {
			x.f = append(x.f, float64(rng.IntN(3))) // ties
		}
		got, err := topK(x, int64(k), 1, largest)
		require.NoError(t, err)
		for r := range rows {
			used := make([]bool, dim)
			for j := range k {
				best := -1
				for c := range dim {
					if used[c] {
						continue
					}
					v := x.f[r*dim+c]
					if best < 0 || (largest && v > x.f[r*dim+best]) || (!largest && v < x.f[r*dim+best]) {
						best = c
					}
				}
				used[best] = true
				require.Equal(t, int64(best), got[1].i[r*k+j], "row %d rank %d of %v", r, j, x.f[r*dim:(r+1)*dim])
				require.Equal(t, x.f[r*dim+best], got[0].f[r*k+j])
			}
		}
	}
}
