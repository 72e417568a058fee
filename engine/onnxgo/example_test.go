package onnxgo_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/engine/onnxgo"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// max(a, b) = b + relu(a − b), exported dense and run in onnx-go.
func ExampleRun() {
	b := relu.NewBuilder()
	in := b.Input("ab", 2)
	a, c := relu.Var(in[0]), relu.Var(in[1])
	g := b.Group(relu.GroupInfo{Name: "max", Rule: "max"})
	h := b.ReLU(g, a.Minus(c))
	b.Output("max", []int{1}, g, []relu.Affine{c.Plus(relu.Var(h))})
	net, _ := b.Build()

	model, err := export.Marshal(net, export.Options{Layout: export.Dense})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := onnxgo.Run(model, map[string]export.Tensor{"ab": export.NewTensor([]float64{3, 5, 7, 2}, 2, 2)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out["max"].Shape, out["max"].Data)
	// Output: [2 1] [5 7]
}
