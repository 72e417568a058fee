// Package compile lowers a checked DSL program to a ReLU network by
// general rules.
//
// Lower takes a dsl.Model and returns a Network: an RNN cell (a relu.Graph)
// that maps the state and one step's inputs to the next state. Each
// operator of the step recursion is lowered by one rule with a stated cost
// (docs/lowering.md):
//
//	a + b, c·a, constants     affine, folded into the next layer: free
//	min(a, b) = a − relu(a − b)          1 neuron, 1 layer
//	max(a, b) = a + relu(b − a)          1 neuron, 1 layer
//	min/max of n terms                   balanced tree: n−1 neurons, ⌈log2 n⌉ layers
//	clamp(x, lo, hi) = lo + relu(x−lo) − relu(x−hi)   2 neurons, 1 layer
//	x[i + D], D an integer input         selection gadget: 2·|range D| indicator
//	                                     neurons (shared), 1 neuron per (cell, D value),
//	                                     2 layers
//
// The package never names a problem: a knapsack network comes out of these
// rules applied to examples/knapsack.dp, and so does any other program that
// uses the same operators.
//
// The answer line ("answer max p where f[p] <= 1") is not continuous, so it
// is not part of the network: Network.Decode computes it from the final
// state, and Network.Backtrack recovers which steps were taken.
//
// Estimate predicts, before anything large is built, what a job costs:
// the exact layer widths (it runs these very rules with a counting
// relu.Builder), the parameters and ONNX file sizes, and the memory of
// building, evaluating and exporting the network and of the exact ground
// truth; it refuses a job past its limits with a *TooLargeError naming
// the flag that raises them (cost.go, docs/lowering.md "Cost model").
//
//	f, _ := dsl.Parse("knapsack.dp", src)
//	m, _ := dsl.Check(f, map[string]int64{"pmax": 10})
//	net, _ := compile.Lower(m, compile.Options{})
//	fmt.Println(net.Cell.Stats().Widths) // [20 45 10]
//	c, _ := compile.Estimate(m, compile.Options{}, compile.Job{}, compile.Limits{})
//	fmt.Println(c.Widths) // [20 45 10], without building the network
package compile
