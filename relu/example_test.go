package relu_test

import (
	"fmt"

	"github.com/dp2nn/dp2nn/relu"
)

// min(a, b) = a − relu(a − b), evaluated on a batch of two rows.
func ExampleEval() {
	b := relu.NewBuilder()
	in := b.Input("ab", 2)
	a, c := relu.Var(in[0]), relu.Var(in[1])
	g := b.Group(relu.GroupInfo{Name: "min", Rule: "min"})
	h := b.ReLU(g, a.Minus(c))
	b.Output("min", []int{1}, g, []relu.Affine{a.Minus(relu.Var(h))})
	net, err := b.Build()
	if err != nil {
		panic(err)
	}
	out, err := relu.Eval(net, []float64{3, 5, 7, 2}, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(out)
	s := net.Stats()
	fmt.Println("depth", s.Depth, "widths", s.Widths, "params", s.Params)
	// Output:
	// [3 2]
	// depth 2 widths [1] params 6
}

// A running maximum s' = s + relu(x − s), unrolled over three steps, is
// max(s₀, x₁, x₂, x₃) with one hidden layer per step.
func ExampleUnroll() {
	b := relu.NewBuilder()
	s := relu.Var(b.Input("s", 1)[0])
	x := relu.Var(b.Input("x", 1)[0])
	g := b.Group(relu.GroupInfo{Name: "max", Rule: "max"})
	h := b.ReLU(g, x.Minus(s))
	b.Output("s", []int{1}, g, []relu.Affine{s.Plus(relu.Var(h))})
	cell, err := b.Build()
	if err != nil {
		panic(err)
	}
	net, err := relu.Unroll(cell, 3, []string{"s"}, map[string][]float64{"s": {0}})
	if err != nil {
		panic(err)
	}
	out, err := relu.Eval(net, []float32{4, -1, 6, 2, 1, 1}, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(out, net.Inputs[0].Shape, net.Depth())
	for _, gr := range net.LayerGroups(2) {
		fmt.Println(gr.Name)
	}
	// Output:
	// [6 2] [3 1] 4
	// step 2: max
}

// The smoothed ReLUs at 0: the largest value of each entropy, and q = ½.
func ExampleActivation_Apply() {
	for _, act := range []relu.Activation{relu.ReLU, relu.Shannon, relu.Gini, relu.Tsallis} {
		fmt.Printf("%-7v φ(0) = %.4f  φ'(0) = %g  φ(3) = %.4f\n", act, act.Apply(0), act.Slope(0), act.Apply(3))
	}
	// Output:
	// relu    φ(0) = 0.0000  φ'(0) = 0  φ(3) = 3.0000
	// shannon φ(0) = 0.6931  φ'(0) = 0.5  φ(3) = 3.0486
	// gini    φ(0) = 0.2500  φ'(0) = 0.5  φ(3) = 3.0000
	// tsallis φ(0) = 0.3905  φ'(0) = 0.5  φ(3) = 3.0000
}

// The gradient of a smoothed max(a, b) = a + γ·φ((b − a)/γ) with Gini and
// γ = 1 is (1 − q, q): at a = 0, b = ½, q = ¾ and the value is 0.5625.
func ExampleVJP() {
	b := relu.NewBuilder()
	in := b.Input("ab", 2)
	a, c := relu.Var(in[0]), relu.Var(in[1])
	g := b.Group(relu.GroupInfo{Name: "smooth max", Rule: "smoothed max"})
	h := b.Neuron(g, relu.Gini, c.Minus(a))
	b.Output("max", nil, g, []relu.Affine{a.Plus(relu.Var(h))})
	net, err := b.Build()
	if err != nil {
		panic(err)
	}
	grad, out, err := relu.VJP(net, []float64{0, 0.5}, []float64{1})
	if err != nil {
		panic(err)
	}
	fmt.Println(out, grad)
	// Output:
	// [0.5625] [0.25 0.75]
}

// A counting Builder measures a graph without building it.
func ExampleNewCounter() {
	b := relu.NewCounter(relu.Limit{Neurons: 1000}) // refuse past 1000 hidden neurons
	x := b.InputBlock("x", 2)
	g := b.Group(relu.GroupInfo{Name: "min", Rule: "min"})
	h := b.ReLU(g, relu.Var(x).Minus(relu.Var(x+1)))
	b.Output("min", []int{1}, g, []relu.Affine{relu.Var(x).Minus(relu.Var(h))})
	b.AlignGroups()
	s, _ := b.Shape()
	fmt.Println(s.Depth(), s.Widths, s.Entries)
	// Output: 2 [1] 4
}
