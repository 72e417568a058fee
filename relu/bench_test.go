package relu

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// benchGraph is a random sparse layered graph of about 100k neurons:
// 128 inputs, 10 hidden layers of 10,000 neurons, each reading 8 random
// neurons of the layer below and one random earlier unit (a skip
// connection), and 128 outputs: about 900k weights.
var benchGraph = sync.OnceValue(func() *Graph {
	const inputs, layers, width, fanIn, outputs = 128, 10, 10_000, 8, 128
	rng := rand.New(rand.NewPCG(11, 12))
	b := NewBuilder()
	below := b.Input("x", inputs)
	all := append([]Unit(nil), below...)
	affine := func() Affine {
		a := Constant(rng.NormFloat64())
		for range fanIn {
			a = a.PlusScaled(rng.NormFloat64()/3, Var(below[rng.IntN(len(below))]))
		}
		return a.PlusScaled(rng.NormFloat64()/3, Var(all[rng.IntN(len(all))]))
	}
	for l := range layers {
		g := b.Group(GroupInfo{Name: fmt.Sprintf("layer %d", l+1), Rule: "random"})
		units := make([]Unit, width)
		for i := range units {
			units[i] = b.ReLU(g, affine())
		}
		below = units
		all = append(all, units...)
	}
	outs := make([]Affine, outputs)
	for i := range outs {
		outs[i] = affine()
	}
	b.Output("y", []int{outputs}, b.Group(GroupInfo{Name: "out", Rule: "random"}), outs)
	g, err := b.Build()
	if err != nil {
		panic(err)
	}
	return g
})

func BenchmarkEval(b *testing.B) {
	for _, batch := range []int{1, 64, 256} {
		b.Run(fmt.Sprintf("float32/batch=%d", batch), func(b *testing.B) { benchEval[float32](b, benchGraph(), batch) })
		b.Run(fmt.Sprintf("float64/batch=%d", batch), func(b *testing.B) { benchEval[float64](b, benchGraph(), batch) })
	}
}

// BenchmarkEvalSmooth is BenchmarkEval with every hidden neuron a smoothed
// ReLU: the cost of φ (computed in float64, per value) beside the affine
// work.
func BenchmarkEvalSmooth(b *testing.B) {
	for _, act := range []Activation{Shannon, Gini, Tsallis} {
		g := *benchGraph()
		g.Act = append([]Activation(nil), g.Act...)
		for j, a := range g.Act {
			if a == ReLU {
				g.Act[j] = act
			}
		}
		for _, batch := range []int{1, 64} {
			b.Run(fmt.Sprintf("%v/float32/batch=%d", act, batch), func(b *testing.B) { benchEval[float32](b, &g, batch) })
			b.Run(fmt.Sprintf("%v/float64/batch=%d", act, batch), func(b *testing.B) { benchEval[float64](b, &g, batch) })
		}
	}
}

func benchEval[T Float](b *testing.B, g *Graph, batch int) {
	e, err := NewEvaluator[T](g)
	if err != nil {
		b.Fatal(err)
	}
	in := make([]T, batch*g.NumInputs)
	rng := rand.New(rand.NewPCG(13, 14))
	for i := range in {
		in[i] = T(rng.NormFloat64())
	}
	out := make([]T, batch*g.NumOutputs())
	if err := e.Run(in, out, batch); err != nil { // allocate scratch outside the timing
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := e.Run(in, out, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.NumNeurons()*batch)*float64(b.N)/b.Elapsed().Seconds(), "neurons/s")
}
