package onnxrt_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// min(a, b) = a − relu(a − b), exported structured and run in ONNX
// Runtime. (No Output check: the example needs the ONNX Runtime library,
// which scripts/install-ort.sh installs; it prints [2 1] [3 2].)
func ExampleSession_Run() {
	b := relu.NewBuilder()
	in := b.Input("ab", 2)
	a, c := relu.Var(in[0]), relu.Var(in[1])
	g := b.Group(relu.GroupInfo{Name: "min", Rule: "min"})
	h := b.ReLU(g, a.Minus(c))
	b.Output("min", []int{1}, g, []relu.Affine{a.Minus(relu.Var(h))})
	net, _ := b.Build()

	model, err := export.Marshal(net, export.Options{Layout: export.Structured})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
	if err != nil {
		fmt.Println(err) // the library is missing: the error says how to install it
		return
	}
	defer s.Close()
	out, err := s.Run(map[string]export.Tensor{"ab": export.NewTensor([]float64{3, 5, 7, 2}, 2, 2)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out["min"].Shape, out["min"].Data)
}
