package onnxgo

import (
	"fmt"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	onnx "github.com/owulveryck/onnx-go"
	"github.com/owulveryck/onnx-go/backend/x/gorgonnx"
	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"
)

// Run decodes model into a fresh gorgonnx graph, runs it on one tensor
// per graph input and returns every graph output by name.
//
// The graph is decoded anew on every call: gorgonnx's Gemm accumulates
// into its C input in place when C already has the output's size (a
// batch of 1 with C the bias), which would change the weights of a graph
// that is run twice.
func Run(model []byte, inputs map[string]export.Tensor) (out map[string]export.Tensor, err error) {
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return nil, fmt.Errorf("onnxgo: %w", err)
	}
	elem := onnxpb.TensorProto_FLOAT
	var ins, outs []string
	for _, vi := range m.GetGraph().GetInput() {
		ins = append(ins, vi.GetName())
		elem = onnxpb.TensorProto_DataType(vi.GetType().GetTensorType().GetElemType())
	}
	for _, vi := range m.GetGraph().GetOutput() {
		outs = append(outs, vi.GetName())
	}
	if elem == onnxpb.TensorProto_DOUBLE && hasOp(m.GetGraph(), "Min") {
		// gorgonnx builds Min from a float32 constant 1, which does not
		// unify with float64 tensors.
		return nil, fmt.Errorf("onnxgo: gorgonnx runs Min (the replacement of +inf by BigM in data blocks) in float32 only; use the float32 model")
	}
	for name := range inputs {
		if !contains(ins, name) {
			return nil, fmt.Errorf("onnxgo: the model has no input %q (inputs: %v)", name, ins)
		}
	}
	defer func() { // gorgonnx panics on some unsupported graphs
		if r := recover(); r != nil {
			err = fmt.Errorf("onnxgo: gorgonnx panicked: %v", r)
		}
	}()
	backend := gorgonnx.NewGraph()
	om := onnx.NewModel(backend)
	if err := om.UnmarshalBinary(model); err != nil {
		return nil, fmt.Errorf("onnxgo: %w", err)
	}
	for i, name := range ins {
		t, ok := inputs[name]
		if !ok {
			return nil, fmt.Errorf("onnxgo: missing input %q", name)
		}
		var backing any
		switch elem {
		case onnxpb.TensorProto_FLOAT:
			d := make([]float32, len(t.Data))
			for k, x := range t.Data {
				d[k] = float32(x)
			}
			backing = d
		case onnxpb.TensorProto_DOUBLE:
			backing = append([]float64(nil), t.Data...)
		default:
			return nil, fmt.Errorf("onnxgo: input %s has element type %v", name, elem)
		}
		if err := om.SetInput(i, tensor.New(tensor.WithShape(t.Shape...), tensor.WithBacking(backing))); err != nil {
			return nil, fmt.Errorf("onnxgo: input %s: %w", name, err)
		}
	}
	if err := backend.Run(); err != nil {
		return nil, fmt.Errorf("onnxgo: %w", err)
	}
	ts, err := om.GetOutputTensors()
	if err != nil {
		return nil, fmt.Errorf("onnxgo: %w", err)
	}
	out = make(map[string]export.Tensor, len(ts))
	for i, t := range ts {
		var d []float64
		switch x := t.Data().(type) {
		case []float32:
			for _, v := range x {
				d = append(d, float64(v))
			}
		case []float64:
			d = append(d, x...)
		default:
			return nil, fmt.Errorf("onnxgo: output %s holds %T", outs[i], x)
		}
		out[outs[i]] = export.Tensor{Shape: append([]int(nil), t.Shape()...), Data: d}
	}
	return out, nil
}

func hasOp(g *onnxpb.GraphProto, op string) bool {
	for _, n := range g.GetNode() {
		if n.GetOpType() == op {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
