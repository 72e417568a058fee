package relu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Hand-built graphs shared by the tests, each with its formula written in
// the order the evaluator computes (bias first, then terms in the order
// they were added), so float32 and float64 results must match exactly.

// buildMin is min(a, b) = a − relu(a − b).
func buildMin(t testing.TB) *Graph {
	b := NewBuilder()
	in := b.Input("ab", 2)
	a, c := Var(in[0]), Var(in[1])
	g := b.Group(GroupInfo{Name: "min", Rule: "min", Term: "min(a, b)", Pos: "t.dp:1:1"})
	h := b.ReLU(g, a.Minus(c))
	b.Output("min", []int{1}, g, []Affine{a.Minus(Var(h))})
	return mustBuild(t, b)
}

func minFormula[T Float](x []T) T { return x[0] - max(x[0]-x[1], 0) }

// buildMax is max(a, b) = b + relu(a − b).
func buildMax(t testing.TB) *Graph {
	b := NewBuilder()
	in := b.Input("ab", 2)
	a, c := Var(in[0]), Var(in[1])
	g := b.Group(GroupInfo{Name: "max", Rule: "max"})
	h := b.ReLU(g, a.Minus(c))
	b.Output("max", nil, g, []Affine{c.Plus(Var(h))})
	return mustBuild(t, b)
}

func maxFormula[T Float](x []T) T { return x[1] + max(x[0]-x[1], 0) }

// buildAbs is |x| = relu(x) + relu(−x).
func buildAbs(t testing.TB) *Graph {
	b := NewBuilder()
	in := b.Input("x", 1)
	x := Var(in[0])
	g := b.Group(GroupInfo{Name: "abs", Rule: "abs"})
	p := b.ReLU(g, x)
	n := b.ReLU(g, x.Scale(-1))
	b.Output("abs", nil, g, []Affine{Var(p).Plus(Var(n))})
	return mustBuild(t, b)
}

func absFormula[T Float](x []T) T { return max(x[0], 0) + max(-x[0], 0) }

// buildSkip has skip connections across two and three layers:
// h1 = relu(x), h2 = relu(h1 − 1), h3 = relu(h2 + y) and the output
// h3 + x + h1 reads layers 3, 0 and 1.
func buildSkip(t testing.TB) *Graph {
	b := NewBuilder()
	in := b.Input("xy", 2)
	x, y := Var(in[0]), Var(in[1])
	g1 := b.Group(GroupInfo{Name: "h1", Rule: "relu"})
	g2 := b.Group(GroupInfo{Name: "h2", Rule: "relu"})
	g3 := b.Group(GroupInfo{Name: "h3", Rule: "relu"})
	out := b.Group(GroupInfo{Name: "out", Rule: "sum"})
	h1 := b.ReLU(g1, x)
	h2 := b.ReLU(g2, Var(h1).AddConst(-1))
	h3 := b.ReLU(g3, Var(h2).Plus(y))
	b.Output("out", nil, out, []Affine{Var(h3).Plus(x).Plus(Var(h1))})
	return mustBuild(t, b)
}

func skipFormula[T Float](in []T) T {
	x, y := in[0], in[1]
	h1 := max(x, 0)
	h2 := max(h1-1, 0)
	h3 := max(h2+y, 0)
	return h3 + x + h1
}

func mustBuild(t testing.TB, b *Builder) *Graph {
	t.Helper()
	g, err := b.Build()
	require.NoError(t, err)
	return g
}

// cellOptions shape a random recurrent cell.
type cellOptions struct {
	state, stepX, stepY int // lengths of state "f" and per-step inputs "x", "y"
	depth               int // affine layers of the cell (≥ 1)
	width               int // hidden neurons per layer
	fanIn               int // sources per neuron from the layer below
	integer             bool
	acts                []Activation // hidden activations drawn uniformly; none: all ReLU
}

// integerInputBound bounds |input| and |init| for integer cells.
const integerInputBound = 8

// randomCell builds a cell with state "f", per-step inputs "x" and "y" and
// an extra output "aux" that Unroll must drop. Every hidden neuron reads
// fanIn units of the layer below plus one unit of any earlier layer (a skip
// connection); layer 1 reads the state and the step inputs. Integer cells
// have weights ±1 and biases in {−1, 0, 1}, so with fan-in k+1 a value
// grows by at most a factor (k+2) per layer.
func randomCell(t testing.TB, rng *rand.Rand, o cellOptions) *Graph {
	b := NewBuilder()
	f := b.Input("f", o.state)
	x := b.Input("x", o.stepX)
	y := b.Input("y", 1, o.stepY)
	layers := [][]Unit{append(append(append([]Unit(nil), f...), x...), y...)}
	var all []Unit
	all = append(all, layers[0]...)
	weight := func() float64 {
		if o.integer {
			return float64(2*rng.IntN(2) - 1)
		}
		return rng.NormFloat64()
	}
	bias := func() float64 {
		if o.integer {
			return float64(rng.IntN(3) - 1)
		}
		return rng.NormFloat64()
	}
	affine := func(below []Unit) Affine {
		a := Constant(bias())
		for range o.fanIn {
			a = a.PlusScaled(weight(), Var(below[rng.IntN(len(below))]))
		}
		return a.PlusScaled(weight(), Var(all[rng.IntN(len(all))]))
	}
	for l := 1; l < o.depth; l++ {
		g := b.Group(GroupInfo{Name: fmt.Sprintf("layer %d", l), Rule: "random"})
		var units []Unit
		for range o.width {
			a := affine(layers[l-1])
			deepest := 0
			for _, term := range a.Terms {
				deepest = max(deepest, b.Layer(term.Unit))
			}
			if deepest < l-1 { // ±1 terms cancelled: keep the layer chain
				a = a.PlusScaled(1, Var(layers[l-1][0]))
			}
			act := ReLU
			if len(o.acts) > 0 { // draw only then, so all-ReLU cells keep their seeds
				act = o.acts[rng.IntN(len(o.acts))]
			}
			units = append(units, b.Neuron(g, act, a))
		}
		layers = append(layers, units)
		all = append(all, units...)
	}
	top := layers[len(layers)-1]
	gA := b.Group(GroupInfo{Name: "out A", Rule: "random"})
	gB := b.Group(GroupInfo{Name: "out B", Rule: "random"})
	outs := make([]Affine, o.state)
	groups := make([]int, o.state)
	for i := range outs {
		outs[i] = affine(top)
		groups[i] = gA
		if i%2 == 1 {
			groups[i] = gB
		}
	}
	b.OutputGroups("f", []int{o.state}, groups, outs)
	b.Output("aux", nil, gA, []Affine{affine(top)})
	return mustBuild(t, b)
}

// randomValues returns n values: integers in ±integerInputBound or normal
// floats.
func randomValues(rng *rand.Rand, n int, integer bool) []float64 {
	v := make([]float64, n)
	for i := range v {
		if integer {
			v[i] = float64(rng.IntN(2*integerInputBound+1) - integerInputBound)
		} else {
			v[i] = rng.NormFloat64()
		}
	}
	return v
}

func convert[T Float](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}
