package exporttest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// Cases returns the shared table: random sparse graphs (integer and
// fractional) and hand-made DP cells. The graphs are the same on every
// call.
func Cases() []Case {
	intSample := func(rng *rand.Rand, _ string, _ int) float64 { return float64(rng.IntN(17) - 8) }
	fracSample := func(rng *rand.Rand, _ string, _ int) float64 { return rng.Float64()*4 - 2 }
	cases := []Case{
		{
			Name:    "random small",
			Graph:   RandomGraph(rand.New(rand.NewPCG(1, 1)), RandomOptions{Inputs: []int{3, 2}, Outputs: []int{2, 1}, Layers: 3, Width: 6, FanIn: 3, Skip: 0.3, Weights: 2}),
			Sample:  intSample,
			Integer: true,
		},
		{
			Name:    "random skip",
			Graph:   RandomGraph(rand.New(rand.NewPCG(2, 2)), RandomOptions{Inputs: []int{5, 1, 4}, Outputs: []int{4, 3}, Layers: 5, Width: 40, FanIn: 4, Skip: 0.5, Weights: 2, Constants: 0.05}),
			Sample:  intSample,
			Integer: true,
		},
		{
			Name:    "random wide sparse",
			Graph:   RandomGraph(rand.New(rand.NewPCG(3, 3)), RandomOptions{Inputs: []int{30}, Outputs: []int{20}, Layers: 3, Width: 300, FanIn: 2, Skip: 0.2, Weights: 1, MaxFanIn: 9}),
			Sample:  intSample,
			Integer: true,
		},
		{
			Name:   "random fractional",
			Graph:  RandomGraph(rand.New(rand.NewPCG(4, 4)), RandomOptions{Inputs: []int{4, 3}, Outputs: []int{3}, Layers: 5, Width: 20, FanIn: 3, Skip: 0.4, Fractional: true}),
			Sample: fracSample,
		},
	}
	return append(cases, MinPlusCell(), MaxPlusCell(), KnapsackCell(5), ShiftedMinPlusCell(), BellmanFordCell(4), MaxSubarrayCell(5))
}

// RandomOptions shape a random graph. Every hidden neuron of layer l reads
// 1..FanIn units of layer l-1 (so the Builder puts it on layer l) and,
// with probability Skip, one unit of any earlier layer or input.
type RandomOptions struct {
	Inputs     []int   // lengths of input blocks "x0", "x1", ...
	Outputs    []int   // lengths of output blocks "y0", "y1", ...
	Layers     int     // hidden layers
	Width      int     // neurons per hidden layer
	FanIn      int     // terms per neuron from the layer below, at most
	MaxFanIn   int     // when > FanIn, one neuron in 16 reads up to this many (long rows)
	Skip       float64 // probability of an extra term from any earlier unit
	Weights    int     // integer weights in [-Weights, Weights] \ {0}; biases in [-2, 2]
	Fractional bool    // weights and biases uniform in [-1, 1) instead
	Constants  float64 // probability that a hidden neuron has no terms
}

// RandomGraph builds a random sparse layered graph with skip
// connections. With integer weights up to 2, fan-in up to 4 and inputs in
// [-8, 8], values stay below 8·10^5 over 5 layers: exact in float32.
func RandomGraph(rng *rand.Rand, o RandomOptions) *relu.Graph {
	b := relu.NewBuilder()
	var all []relu.Unit
	var layer []relu.Unit
	for i, n := range o.Inputs {
		us := b.Input(fmt.Sprintf("x%d", i), n)
		all = append(all, us...)
		layer = append(layer, us...)
	}
	weight := func() float64 {
		if o.Fractional {
			return rng.Float64()*2 - 1
		}
		w := rng.IntN(o.Weights) + 1
		if rng.IntN(2) == 0 {
			return float64(-w)
		}
		return float64(w)
	}
	bias := func() float64 {
		if o.Fractional {
			return rng.Float64()*2 - 1
		}
		return float64(rng.IntN(5) - 2)
	}
	affine := func(below []relu.Unit) relu.Affine {
		a := relu.Constant(bias())
		k := 1 + rng.IntN(o.FanIn)
		if o.MaxFanIn > o.FanIn && rng.IntN(16) == 0 {
			k = o.FanIn + 1 + rng.IntN(o.MaxFanIn-o.FanIn)
		}
		for range k {
			a = a.PlusScaled(weight(), relu.Var(below[rng.IntN(len(below))]))
		}
		if rng.Float64() < o.Skip {
			a = a.PlusScaled(weight(), relu.Var(all[rng.IntN(len(all))]))
		}
		return a
	}
	for l := 1; l <= o.Layers; l++ {
		groups := []int{
			b.Group(relu.GroupInfo{Name: fmt.Sprintf("random %d.a", l), Rule: "random", Term: fmt.Sprintf("layer %d", l), Pos: fmt.Sprintf("random.dp:%d:1", l)}),
			b.Group(relu.GroupInfo{Name: fmt.Sprintf("random %d.b", l), Rule: "random", Term: fmt.Sprintf("layer %d", l), Pos: fmt.Sprintf("random.dp:%d:9", l)}),
		}
		var next []relu.Unit
		for i := range o.Width {
			g := groups[i*len(groups)/o.Width]
			if rng.Float64() < o.Constants {
				b.ReLU(g, relu.Constant(float64(rng.IntN(3)))) // lands on layer 1, read by nobody
				continue
			}
			a := affine(layer)
			if !readsLayer(b, a, l-1) { // every term cancelled: read the layer below again
				a = a.PlusScaled(1, relu.Var(layer[0]))
			}
			next = append(next, b.ReLU(g, a))
		}
		all = append(all, next...)
		layer = next
	}
	out := b.Group(relu.GroupInfo{Name: "random out", Rule: "random"})
	for i, n := range o.Outputs {
		affs := make([]relu.Affine, n)
		for k := range affs {
			affs[k] = affine(layer)
		}
		b.Output(fmt.Sprintf("y%d", i), []int{n}, out, affs)
	}
	g, err := b.Build()
	if err != nil {
		panic(fmt.Sprintf("exporttest: %v", err))
	}
	return g
}

func readsLayer(b *relu.Builder, a relu.Affine, l int) bool {
	for _, t := range a.Terms {
		if b.Layer(t.Unit) == l {
			return true
		}
	}
	return false
}

// minOf returns min(a, c) = a − relu(a − c) as the hidden neuron and the
// affine result.
func minOf(b *relu.Builder, g int, a, c relu.Affine) relu.Affine {
	h := b.ReLU(g, a.Minus(c))
	return a.Minus(relu.Var(h))
}

// MinPlusCell is the recurrence f'[p] = min(f[p], f[p-1] + size) with
// f[0] = 0: the knapsack DP with every profit 1. State f[6] starts at 100
// ("infeasible"); sizes are integers in 0..10. The decode tail asks for
// the largest p with f[p] <= 15.
func MinPlusCell() Case {
	const n = 6
	b := relu.NewBuilder()
	f := b.Input("f", n)
	size := b.Input("size", 1)
	g := b.Group(relu.GroupInfo{Name: "min f[p], f[p-1] + size", Rule: "min", Term: "min(f[p], f[p - 1] + size)", Pos: "minplus.dp:5:11"})
	outs := make([]relu.Affine, n)
	for p := range n {
		prev := relu.Constant(0)
		if p > 0 {
			prev = relu.Var(f[p-1])
		}
		outs[p] = minOf(b, g, relu.Var(f[p]), prev.Plus(relu.Var(size[0])))
	}
	b.Output("f", []int{n}, g, outs)
	return Case{
		Name:    "min-plus cell",
		Graph:   mustBuild(b),
		State:   []string{"f"},
		Init:    map[string][]float64{"f": fill(n, 100)},
		Decode:  &export.Decode{Name: "answer", Block: "f", Max: true, Op: "<=", Threshold: 15, IndexLo: 1, Fallback: 0},
		Sample:  func(rng *rand.Rand, _ string, _ int) float64 { return float64(rng.IntN(11)) },
		Integer: true,
		Steps:   4,
	}
}

// ShiftedMinPlusCell is f'[p] = min(f[p], f[p-1] + size + shift[p]):
// MinPlusCell with a data block shift (integers in 0..3, given once per
// instance, read by every step) beside the per-step input size.
func ShiftedMinPlusCell() Case {
	const n = 5
	b := relu.NewBuilder()
	f := b.Input("f", n)
	size := b.Input("size", 1)
	shift := b.Input("shift", n)
	g := b.Group(relu.GroupInfo{Name: "min f[p], f[p-1] + size + shift[p]", Rule: "min", Term: "min(f[p], f[p - 1] + size + shift[p])"})
	outs := make([]relu.Affine, n)
	for p := range n {
		prev := relu.Constant(0)
		if p > 0 {
			prev = relu.Var(f[p-1])
		}
		outs[p] = minOf(b, g, relu.Var(f[p]), prev.Plus(relu.Var(size[0])).Plus(relu.Var(shift[p])))
	}
	b.Output("f", []int{n}, g, outs)
	return Case{
		Name:  "shifted min-plus cell",
		Graph: mustBuild(b),
		State: []string{"f"},
		Init:  map[string][]float64{"f": fill(n, 100)},
		Sample: func(rng *rand.Rand, block string, _ int) float64 {
			if block == "shift" {
				return float64(rng.IntN(4))
			}
			return float64(rng.IntN(11))
		},
		Integer: true,
		Steps:   3,
		Data:    []string{"shift"},
	}
}

// BellmanFordCell is one Bellman-Ford step on n vertices, d'[v] =
// min(d[v], min_u d[u] + c[u, v]), with the arc costs c a data block
// ([n, n], integers in 0..9 or +inf for a missing arc) and no per-step
// input: the Loop form runs Steps = n - 1 steps. +inf is BigM = 1000,
// above every finite distance (at most 9(n-1)); d starts at 0 for vertex
// 0 and BigM elsewhere, and a sum with BigM stays at or above BigM.
func BellmanFordCell(n int) Case {
	const bigM = 1000
	b := relu.NewBuilder()
	d := b.Input("d", n)
	c := b.Input("c", n, n)
	g := b.Group(relu.GroupInfo{Name: "min d[v], d[u] + c[u, v]", Rule: "min", Term: "min(d[v], min(u in 1..n: d[u] + c[u, v]))", Pos: "bellmanford.dp:16:13"})
	outs := make([]relu.Affine, n)
	for v := range n {
		cur := relu.Var(d[v])
		for u := range n {
			// The candidate first: min(a, x) = a − relu(a − x) is NaN for
			// a = +inf, so the data must reach the cell as BigM.
			cur = minOf(b, g, relu.Var(d[u]).Plus(relu.Var(c[u*n+v])), cur)
		}
		outs[v] = cur
	}
	b.Output("d", []int{n}, g, outs)
	init := fill(n, bigM)
	init[0] = 0
	return Case{
		Name:  fmt.Sprintf("bellman-ford cell n=%d", n),
		Graph: mustBuild(b),
		State: []string{"d"},
		Init:  map[string][]float64{"d": init},
		Sample: func(rng *rand.Rand, block string, _ int) float64 {
			if block == "c" && rng.IntN(3) == 0 {
				return math.Inf(1)
			}
			if block == "d" { // a state value, in the Cell form
				return float64(rng.IntN(bigM + 1))
			}
			return float64(rng.IntN(10))
		},
		Integer: true,
		Steps:   n - 1,
		Data:    []string{"c"},
		Inf:     &export.Inf{BigM: bigM, Data: []string{"c"}, Finite: map[string]float64{"d": float64(9 * (n - 1))}},
	}
}

// MaxSubarrayCell is Kadane's recurrence s'[p] = x[p] + max(s[p-1], 0)
// (s[-1] = 0): s[p] is the largest sum of a subarray of the data x (one
// value per p, integers in -5..5) ending at p. Unit p reads only unit
// p-1, so it settles at step p+1 (Settled, 0-based p): the settled
// Unrolled form computes each unit once.
func MaxSubarrayCell(n int) Case {
	b := relu.NewBuilder()
	s := b.Input("s", n)
	x := b.Input("x", n)
	g := b.Group(relu.GroupInfo{Name: "x[p] + max(s[p-1], 0)", Rule: "max", Term: "x[p] + max(s[p - 1], 0)"})
	outs := make([]relu.Affine, n)
	settled := make([]int, n)
	for p := range n {
		outs[p] = relu.Var(x[p])
		if p > 0 {
			outs[p] = outs[p].Plus(relu.Var(b.ReLU(g, relu.Var(s[p-1]))))
		}
		settled[p] = p + 1
	}
	b.Output("s", []int{n}, g, outs)
	return Case{
		Name:    fmt.Sprintf("max-subarray cell n=%d", n),
		Graph:   mustBuild(b),
		State:   []string{"s"},
		Init:    map[string][]float64{"s": fill(n, 0)},
		Sample:  func(rng *rand.Rand, _ string, _ int) float64 { return float64(rng.IntN(11) - 5) },
		Integer: true,
		Steps:   n,
		Data:    []string{"x"},
		Settled: map[string][]int{"s": settled},
	}
}

// MaxPlusCell is g'[i] = max(g[i], g[i-1] + v[i]) on two state blocks
// that swap roles: g'[i] uses g, h'[i] = max(h[i], g[i] - v[i]). It tests
// several states and a min decode (smallest i with h[i] >= 3).
func MaxPlusCell() Case {
	const n = 4
	b := relu.NewBuilder()
	gs := b.Input("g", n)
	v := b.Input("v", n)
	hs := b.Input("h", n)
	gg := b.Group(relu.GroupInfo{Name: "max g", Rule: "max", Term: "max(g[i], g[i-1] + v[i])"})
	gh := b.Group(relu.GroupInfo{Name: "max h", Rule: "max", Term: "max(h[i], g[i] - v[i])"})
	gOut := make([]relu.Affine, n)
	hOut := make([]relu.Affine, n)
	for i := range n {
		cand := relu.Var(v[i])
		if i > 0 {
			cand = cand.Plus(relu.Var(gs[i-1]))
		}
		// max(a, c) = c + relu(a − c)
		a := relu.Var(gs[i])
		gOut[i] = cand.Plus(relu.Var(b.ReLU(gg, a.Minus(cand))))
		ch := relu.Var(gs[i]).Minus(relu.Var(v[i]))
		hOut[i] = ch.Plus(relu.Var(b.ReLU(gh, relu.Var(hs[i]).Minus(ch))))
	}
	b.Output("g", []int{n}, gg, gOut)
	b.Output("h", []int{n}, gh, hOut)
	return Case{
		Name:    "max-plus cell",
		Graph:   mustBuild(b),
		State:   []string{"g", "h"},
		Init:    map[string][]float64{"g": {0, -1, -2, -3}, "h": fill(n, -5)},
		Decode:  &export.Decode{Name: "first", Block: "h", Max: false, Op: ">=", Threshold: 3, IndexLo: 0, Fallback: -1},
		Sample:  func(rng *rand.Rand, _ string, _ int) float64 { return float64(rng.IntN(7) - 3) },
		Integer: true,
		Steps:   3,
	}
}

// KnapsackCell is the profit-indexed 0-1 knapsack step of Hertrich &
// Skutella with integer sizes: f'[p] = min(f[p], f[p - profit] + size),
// f[p] = 0 for p <= 0, profit in 1..pmax, size in 0..10, f = 100 for
// "infeasible" and capacity 8. The read f[p - profit] selects with
// indicator neurons: d_q = relu(profit − q) + relu(q − profit) is 0 only
// for q = profit, and Σ_q relu(f[p−q] − M·d_q) with M = 200 > f is the
// selected value.
func KnapsackCell(pmax int) Case {
	const big, m = 100, 200
	b := relu.NewBuilder()
	f := b.Input("f", pmax)
	profit := b.Input("profit", 1)
	size := b.Input("size", 1)
	gPlus := b.Group(relu.GroupInfo{Name: "indicator+ profit", Rule: "indicator", Term: "profit", Pos: "knapsack.dp:16:31"})
	gMinus := b.Group(relu.GroupInfo{Name: "indicator- profit", Rule: "indicator", Term: "profit", Pos: "knapsack.dp:16:31"})
	gSel := b.Group(relu.GroupInfo{Name: "select f[p - profit]", Rule: "offset-select", Term: "f[p - profit]", Pos: "knapsack.dp:16:29"})
	gMin := b.Group(relu.GroupInfo{Name: "min", Rule: "min", Term: "min(f[p], f[p - profit] + size)", Pos: "knapsack.dp:16:10"})
	pr := relu.Var(profit[0])
	d := make([]relu.Affine, pmax+1)
	for q := 1; q <= pmax; q++ {
		up := b.ReLU(gPlus, pr.AddConst(float64(-q)))
		down := b.ReLU(gMinus, pr.Scale(-1).AddConst(float64(q)))
		d[q] = relu.Var(up).Plus(relu.Var(down))
	}
	outs := make([]relu.Affine, pmax)
	for p := 1; p <= pmax; p++ {
		sel := relu.Constant(0)
		for q := 1; q < p; q++ {
			sel = sel.Plus(relu.Var(b.ReLU(gSel, relu.Var(f[p-q-1]).PlusScaled(-m, d[q]))))
		}
		outs[p-1] = minOf(b, gMin, relu.Var(f[p-1]), sel.Plus(relu.Var(size[0])))
	}
	b.Output("f", []int{pmax}, gMin, outs)
	return Case{
		Name:   fmt.Sprintf("knapsack cell pmax=%d", pmax),
		Graph:  mustBuild(b),
		State:  []string{"f"},
		Init:   map[string][]float64{"f": fill(pmax, big)},
		Decode: &export.Decode{Name: "answer", Block: "f", Max: true, Op: "<=", Threshold: 8, IndexLo: 1, Fallback: 0},
		Sample: func(rng *rand.Rand, block string, _ int) float64 {
			if block == "profit" {
				return float64(1 + rng.IntN(pmax))
			}
			if block == "size" {
				return float64(rng.IntN(11))
			}
			return float64(rng.IntN(2 * big)) // a state value, in the Cell form
		},
		Integer: true,
		Steps:   4,
	}
}

func fill(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func mustBuild(b *relu.Builder) *relu.Graph {
	g, err := b.Build()
	if err != nil {
		panic(fmt.Sprintf("exporttest: %v", err))
	}
	return g
}

// DecodeCase is the identity y = x on 6 values, to test the decode tail
// alone: the network adds no rounding, and its samples sit on and next to
// the thresholds of DecodeTails, in float32 and float64 (0.1 is not a
// float32; float32(0.1) is just above it).
func DecodeCase() Case {
	b := relu.NewBuilder()
	x := b.Input("x", 6)
	g := b.Group(relu.GroupInfo{Name: "identity", Rule: "identity"})
	outs := make([]relu.Affine, len(x))
	for i, u := range x {
		outs[i] = relu.Var(u)
	}
	b.Output("y", []int{6}, g, outs)
	values := []float64{0.1, float64(float32(0.1)), float64(math.Nextafter32(float32(0.1), 0)), 7, 7.5, 8, 8.5, -1, 100}
	return Case{
		Name:    "decode identity",
		Graph:   mustBuild(b),
		Sample:  func(rng *rand.Rand, _ string, _ int) float64 { return values[rng.IntN(len(values))] },
		Integer: true, // no arithmetic at all: every runtime must agree exactly
	}
}

// DecodeTails lists decode tails over block "y" of DecodeCase (indices
// 1..6): every comparison, exact, at the half-integer (Integer) and with
// a bound, maximum and minimum, a sub-range, and a NaN fallback ("none").
func DecodeTails() []*export.Decode {
	var ds []*export.Decode
	for _, op := range []string{"<=", "<", ">=", ">", "==", "!="} {
		for _, t := range []struct {
			thr, bound float64
			integer    bool
		}{{0.1, 0, false}, {8, 0, false}, {8, 0, true}, {7.5, 0, true}, {7.5, 0.5, false}, {8, 1e-9, false}} {
			ds = append(ds,
				&export.Decode{Name: "answer", Block: "y", Max: true, Op: op, Threshold: t.thr, Integer: t.integer, Bound: t.bound, IndexLo: 1, Fallback: 0},
				&export.Decode{Name: "answer", Block: "y", Max: false, Op: op, Threshold: t.thr, Integer: t.integer, Bound: t.bound, IndexLo: 1, Range: []int{2, 5}, Fallback: math.NaN()})
		}
	}
	return ds
}
