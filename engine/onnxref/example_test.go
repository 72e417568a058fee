package onnxref_test

import (
	"bytes"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/relu"
)

// A recurrent cell in the Loop form: the knapsack-like recurrence
// f'[p] = min(f[p], f[p-1] + size) run over three items.
func ExampleRun_loop() {
	const n = 3
	b := relu.NewBuilder()
	f := b.Input("f", n)
	size := b.Input("size", 1)
	g := b.Group(relu.GroupInfo{Name: "min", Rule: "min"})
	outs := make([]relu.Affine, n)
	for p := range n {
		prev := relu.Constant(0)
		if p > 0 {
			prev = relu.Var(f[p-1])
		}
		cand := prev.Plus(relu.Var(size[0]))
		outs[p] = relu.Var(f[p]).Minus(relu.Var(b.ReLU(g, relu.Var(f[p]).Minus(cand))))
	}
	b.Output("f", []int{n}, g, outs)
	cell, _ := b.Build()

	var buf bytes.Buffer
	opt := export.Options{Form: export.Loop, Init: map[string][]float64{"f": {99, 99, 99}},
		Decode: &export.Decode{Name: "answer", Block: "f", Max: true, Op: "<=", Threshold: 5, IndexLo: 1}}
	if err := export.Write(&buf, cell, opt); err != nil {
		fmt.Println(err)
		return
	}
	m, _ := export.Parse(buf.Bytes())
	out, err := onnxref.Run(m, map[string]export.Tensor{"size": export.NewTensor([]float64{4, 1, 2}, 1, 3, 1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("f:", out["f"].Data, "answer:", out["answer"].Data)
	fmt.Println("f after each step:", out["f_steps"].Shape, out["f_steps"].Data)
	// Output:
	// f: [1 3 7] answer: [2]
	// f after each step: [3 1 3] [4 99 99 1 5 99 1 3 7]
}

// A model written by hand (not by export): ScatterElements with
// reduction add sums each value into the bin its index names, and TopK
// gives the two largest bins.
func ExampleOpenBytes() {
	i64 := func(name string, v ...int64) *onnxpb.TensorProto {
		return &onnxpb.TensorProto{Name: proto.String(name), DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Dims: []int64{int64(len(v))}, Int64Data: v}
	}
	f64 := func(name string, v ...float64) *onnxpb.TensorProto {
		return &onnxpb.TensorProto{Name: proto.String(name), DataType: proto.Int32(int32(onnxpb.TensorProto_DOUBLE)), Dims: []int64{int64(len(v))}, DoubleData: v}
	}
	port := func(name string, n int64) *onnxpb.ValueInfoProto {
		return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
			ElemType: proto.Int32(int32(onnxpb.TensorProto_DOUBLE)),
			Shape:    &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: n}}}},
		}}}}
	}
	attr := func(name string, i int64, s string) *onnxpb.AttributeProto {
		if s != "" {
			return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(s)}
		}
		return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(i)}
	}
	g := &onnxpb.GraphProto{
		Name:        proto.String("bins"),
		Initializer: []*onnxpb.TensorProto{f64("zeros", 0, 0, 0, 0), i64("bin", 2, 0, 2, 3, 2), i64("k", 2)},
		Node: []*onnxpb.NodeProto{
			{OpType: proto.String("ScatterElements"), Input: []string{"zeros", "bin", "x"}, Output: []string{"sums"}, Attribute: []*onnxpb.AttributeProto{attr("reduction", 0, "add")}},
			{OpType: proto.String("TopK"), Input: []string{"sums", "k"}, Output: []string{"top", "which"}},
			{OpType: proto.String("Cast"), Input: []string{"which"}, Output: []string{"bins"}, Attribute: []*onnxpb.AttributeProto{attr("to", int64(onnxpb.TensorProto_DOUBLE), "")}},
		},
		Input:  []*onnxpb.ValueInfoProto{port("x", 5)},
		Output: []*onnxpb.ValueInfoProto{port("sums", 4), port("top", 2), port("bins", 2)},
	}
	b, _ := proto.Marshal(&onnxpb.ModelProto{IrVersion: proto.Int64(8), Graph: g, OpsetImport: []*onnxpb.OperatorSetIdProto{{Version: proto.Int64(17)}}})
	s, err := onnxref.OpenBytes(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := s.Run(map[string]export.Tensor{"x": export.NewTensor([]float64{1, 5, 2, 4, 0.5}, 5)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sums:", out["sums"].Data, "two largest:", out["top"].Data, "in bins", out["bins"].Data)
	// Output:
	// sums: [5 0 3.5 4] two largest: [5 4] in bins [0 3]
}
