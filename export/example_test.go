package export_test

import (
	"bytes"
	"fmt"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// min(a, b) = a − relu(a − b), exported and run by the reference
// interpreter on a batch of two instances.
func Example() {
	b := relu.NewBuilder()
	in := b.Input("ab", 2)
	a, c := relu.Var(in[0]), relu.Var(in[1])
	g := b.Group(relu.GroupInfo{Name: "min", Rule: "min"})
	h := b.ReLU(g, a.Minus(c))
	b.Output("min", []int{1}, g, []relu.Affine{a.Minus(relu.Var(h))})
	net, _ := b.Build()

	var buf bytes.Buffer
	if err := export.Write(&buf, net, export.Options{Layout: export.Structured}); err != nil {
		fmt.Println(err)
		return
	}
	m, err := export.Parse(buf.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := onnxref.Run(m, map[string]export.Tensor{"ab": export.NewTensor([]float64{3, 5, 7, 2}, 2, 2)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Form, m.Layout, m.DType, out["min"].Shape, out["min"].Data)
	// Output: cell structured float32 [2 1] [3 2]
}
