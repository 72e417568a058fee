// Package relu is the network IR of dp2nn: a feed-forward ReLU network with
// skip connections that can be built, measured, unrolled and run.
//
// A Graph stores its neurons in CSR form, sorted by layer. Inputs are layer
// 0; hidden neurons apply ReLU or, for the smooth scheme, one of the
// smoothed ReLUs Shannon, Gini or Tsallis (Activation.Apply and Slope); the
// neurons of the last layer are the outputs and apply the identity. Named Blocks give the inputs and outputs
// their meaning, and named Groups remember the lowering rule and DSL term
// each neuron came from, so a mismatch can be traced back to the source.
//
// A Builder adds neurons one affine function at a time and assigns layers
// as soon as possible. Eval, Evaluator and Trace run a graph in float32 or
// float64, rounding every operation to the element type; the batch is laid
// out unit-major inside the evaluator so the inner loop runs over the batch.
// Stats measures depth, widths, size and parameters in the terms of
// Hertrich & Skutella, Unroll composes a recurrent cell n times into one
// feed-forward graph, and VJP gives the gradient of the outputs along a
// cotangent by reverse mode.
//
// A counting Builder (NewCounter) runs the same construction keeping no
// weight and returns the graph's Shape (layer widths, and per layer the
// weight entries by source and row length) without building it, refusing
// with a *LimitError once it passes a neuron limit; UnrolledShape does
// the same for Unroll. Graph.Shape measures a built graph the same way.
//
// min(a, b) = a − relu(a − b), built and run:
//
//	b := relu.NewBuilder()
//	in := b.Input("x", 2)
//	a, c := relu.Var(in[0]), relu.Var(in[1])
//	g := b.Group(relu.GroupInfo{Name: "min", Rule: "min"})
//	h := b.ReLU(g, a.Minus(c))
//	b.Output("min", []int{1}, g, []relu.Affine{a.Minus(relu.Var(h))})
//	net, _ := b.Build()
//	out, _ := relu.Eval[float64](net, []float64{3, 5, 7, 2}, 2) // two rows
//	// out == []float64{3, 2}
package relu
