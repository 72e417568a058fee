package onnxref_test

import (
	"bytes"
	"fmt"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
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
