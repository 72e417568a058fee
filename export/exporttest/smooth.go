package exporttest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// Tolerances of the smooth tests, relative: |got − want| <= tol·max(1,
// |want|), against the float64 reference of this file.
const (
	// SmoothTol64: a model in float64 differs from the reference by a few
	// ulps per operation (ONNX Runtime's Exp, Log, Sqrt and Softplus are
	// within an ulp or two of Go's math; Gemm sums in another order) on
	// paths of at most ~60 operations: 60·4·1.1e-16 ≈ 3e-14, so 1e-12
	// leaves room but catches any wrong formula.
	SmoothTol64 = 1e-12
	// SmoothTol32: float32 rounds inputs, weights and every operation to
	// ε = 6e-8; over ~60 operations on a path that is ≈ 4e-6 relative, so
	// 1e-5.
	SmoothTol32 = 1e-5
	// FiniteDiffTol: central differences with step FiniteDiffStep of the
	// float64 reference have truncation error h²·|f'''|/6 < 1e-11 (the
	// activations' third derivatives are O(1/γ²) with γ >= 1/2) and
	// rounding error ε·|f|/h ≈ 2e-16·20/1e-6 = 4e-9; at Gini's kinks of
	// φ' (x = ±1, probability ≈ h per neuron with random inputs) the error
	// is h·|jump of φ''| ≈ 1e-6. 1e-5 covers all three.
	FiniteDiffTol  = 1e-5
	FiniteDiffStep = 1e-6
)

// SmoothTol is SmoothTol64 or SmoothTol32.
func SmoothTol(d export.DType) float64 {
	if d == export.Float64 {
		return SmoothTol64
	}
	return SmoothTol32
}

// Phi returns φ(x) and φ'(x) of a hidden activation in float64, written
// from the formulas of relu.Activation's doc, independently of relu and
// export. ReLU's slope at 0 is taken as 0.
func Phi(act relu.Activation, x float64) (float64, float64) {
	switch act {
	case relu.ReLU:
		if x > 0 {
			return x, 1
		}
		return 0, 0
	case relu.Shannon:
		return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))), 1 / (1 + math.Exp(-x))
	case relu.Gini:
		q := math.Min(math.Max((1+x)/2, 0), 1)
		return q*x + q*(1-q), q
	case relu.Tsallis:
		c := math.Min(math.Max(x/2, -1), 1)
		q := (1 + c*math.Sqrt(2-c*c)) / 2
		return q*x + 4.0/3*(1-math.Pow(q, 1.5)-math.Pow(1-q, 1.5)), q
	}
	panic(fmt.Sprintf("exporttest: %v is not a hidden activation", act))
}

// Forward64 evaluates g on one instance x (NumInputs values) in float64
// and returns every neuron's pre-activation and value.
func Forward64(g *relu.Graph, x []float64) (pre, val []float64) {
	n := g.NumNeurons()
	pre, val = make([]float64, n), make([]float64, n)
	unit := func(u relu.Unit) float64 {
		if int(u) < g.NumInputs {
			return x[u]
		}
		return val[int(u)-g.NumInputs]
	}
	for j := range n {
		s := g.Bias[j]
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			s += g.W[r] * unit(g.Src[r])
		}
		pre[j] = s
		val[j] = s
		if g.Act[j] != relu.Identity {
			val[j], _ = Phi(g.Act[j], s)
		}
	}
	return pre, val
}

// Backward64 is reverse mode through g at x: given the derivative of a
// scalar with respect to each output neuron (seed, NumOutputs values), it
// returns the derivative with respect to each input unit.
func Backward64(g *relu.Graph, x, seed []float64) []float64 {
	pre, _ := Forward64(g, x)
	n := g.NumNeurons()
	first := n - g.NumOutputs()
	d := make([]float64, g.NumInputs+n) // per unit, then per neuron value
	copy(d[g.NumInputs+first:], seed)
	for j := n - 1; j >= 0; j-- {
		dp := d[g.NumInputs+j]
		if g.Act[j] != relu.Identity {
			_, s := Phi(g.Act[j], pre[j])
			dp *= s
		}
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			d[g.Src[r]] += g.W[r] * dp
		}
	}
	return d[:g.NumInputs]
}

// SmoothReference computes in float64 what a model exported from c with
// opt must output on in: the output (or final state) blocks (not the
// Loop form's per-step states) and, with opt.Gradient, the gradient
// outputs by reverse mode (Backward64), or by central differences of the
// forward pass when finiteDiff is set. The gradient with respect to a
// data block of the Unrolled form is the sum over the steps.
func (c Case) SmoothReference(opt export.Options, in map[string]export.Tensor, finiteDiff bool) map[string]export.Tensor {
	g := c.Graph
	out := map[string]export.Tensor{}
	batch := in[c.firstStepInput(opt)].Shape[0]
	steps := 1
	switch {
	case opt.Form == export.Unrolled || opt.Form == export.Loop && !c.perStep():
		steps = opt.Steps
	case opt.Form != export.Cell:
		steps = in[c.firstStepInput(opt)].Shape[1]
	}
	// rows[r][k] is the input units of instance r at step k (state units
	// filled in by run).
	rows := make([][][]float64, batch)
	for r := range batch {
		rows[r] = make([][]float64, steps)
		for k := range steps {
			x := make([]float64, g.NumInputs)
			for _, b := range g.Inputs {
				if opt.Form == export.Cell || slices.Contains(opt.Data, b.Name) {
					for i := range b.Len {
						x[b.Start+i] = dataValue(opt, b.Name, in[b.Name].Data[r*b.Len+i])
					}
				} else if !slices.Contains(opt.State, b.Name) {
					copy(x[b.Start:], in[b.Name].Data[(r*steps+k)*b.Len:][:b.Len])
				}
			}
			rows[r][k] = x
		}
	}
	first := g.NumNeurons() - g.NumOutputs()
	// run returns the output neurons after the last step, filling in the
	// state units of every step of rows.
	run := func(rs [][]float64) []float64 {
		var outs []float64
		for k, x := range rs {
			if opt.Form != export.Cell {
				for _, name := range opt.State {
					b, _ := g.Input(name)
					if k == 0 {
						copy(x[b.Start:], opt.Init[name])
					} else {
						o, _ := g.Output(name)
						copy(x[b.Start:], outs[o.Start-first:][:o.Len])
					}
				}
			}
			_, val := Forward64(g, x)
			outs = val[first:]
		}
		return outs
	}
	finals := make([][]float64, batch)
	for r := range batch {
		finals[r] = run(rows[r])
	}
	blocks := g.Outputs
	if opt.Form != export.Cell {
		blocks = nil
		for _, name := range opt.State {
			b, _ := g.Output(name)
			blocks = append(blocks, b)
		}
	}
	for _, b := range blocks {
		d := make([]float64, 0, batch*b.Len)
		for r := range batch {
			d = append(d, finals[r][b.Start-first:][:b.Len]...)
		}
		name := b.Name
		if opt.Form == export.Cell {
			name = OutputName(g, b.Name)
		}
		out[name] = export.NewTensor(d, batch, b.Len)
	}
	gr := opt.Gradient
	if gr == nil {
		return out
	}
	ob, _ := g.Output(gr.Output)
	target := ob.Start - first + gr.Index
	wrt := c.gradientBlocks(opt)
	grads := make([][]float64, len(wrt)) // per block: batch × steps × Len
	for r := range batch {
		// d[k] is the derivative with respect to the input units at step k.
		d := make([][]float64, steps)
		if finiteDiff {
			for k := range steps {
				d[k] = make([]float64, g.NumInputs)
				for _, i := range wrt {
					b := g.Inputs[i]
					for u := b.Start; u < b.Start+b.Len; u++ {
						x0 := rows[r][k][u]
						rows[r][k][u] = x0 + FiniteDiffStep
						up := run(rows[r])[target]
						rows[r][k][u] = x0 - FiniteDiffStep
						down := run(rows[r])[target]
						rows[r][k][u] = x0
						d[k][u] = (up - down) / (2 * FiniteDiffStep)
					}
				}
			}
			run(rows[r]) // restore the state units
		} else {
			seed := make([]float64, g.NumOutputs())
			seed[target] = 1
			for k := steps - 1; k >= 0; k-- {
				d[k] = Backward64(g, rows[r][k], seed)
				seed = make([]float64, g.NumOutputs())
				for _, name := range opt.State {
					b, _ := g.Input(name)
					o, _ := g.Output(name)
					copy(seed[o.Start-first:], d[k][b.Start:b.Start+b.Len])
				}
			}
		}
		for w, i := range wrt {
			b := g.Inputs[i]
			if opt.Form != export.Cell && slices.Contains(opt.Data, b.Name) { // every step reads it
				sum := make([]float64, b.Len)
				for k := range steps {
					for u := range sum {
						sum[u] += d[k][b.Start+u]
					}
				}
				grads[w] = append(grads[w], sum...)
				continue
			}
			for k := range steps {
				grads[w] = append(grads[w], d[k][b.Start:b.Start+b.Len]...)
			}
		}
	}
	for w, i := range wrt {
		b := g.Inputs[i]
		name := gr.Name
		if len(wrt) > 1 {
			name += "_" + b.Name
		}
		if opt.Form == export.Cell || slices.Contains(opt.Data, b.Name) {
			out[name] = export.NewTensor(grads[w], batch, b.Len)
		} else {
			out[name] = export.NewTensor(grads[w], batch, steps, b.Len)
		}
	}
	return out
}

func (c Case) firstStepInput(opt export.Options) string {
	for _, b := range c.Graph.Inputs {
		if opt.Form == export.Cell || !slices.Contains(opt.State, b.Name) {
			return b.Name
		}
	}
	panic("exporttest: no per-step input")
}

// gradientBlocks lists the input blocks of opt.Gradient, as export does.
func (c Case) gradientBlocks(opt export.Options) []int {
	var idx []int
	if w := opt.Gradient.WithRespectTo; w != nil {
		for _, name := range w {
			idx = append(idx, slices.IndexFunc(c.Graph.Inputs, func(b relu.Block) bool { return b.Name == name }))
		}
		return idx
	}
	for i, b := range c.Graph.Inputs {
		if opt.Form == export.Cell || !slices.Contains(opt.State, b.Name) {
			idx = append(idx, i)
		}
	}
	return idx
}

// CompareRel is Compare with the tolerance relative to the wanted value:
// |got − want| <= tol·max(1, |want|).
func CompareRel(got, want map[string]export.Tensor, tol float64) error {
	scaled := map[string]export.Tensor{}
	scaledWant := map[string]export.Tensor{}
	for n, w := range want {
		g, ok := got[n]
		if !ok || len(g.Data) != len(w.Data) {
			return Compare(got, want, tol)
		}
		sg, sw := make([]float64, len(w.Data)), make([]float64, len(w.Data))
		for i := range w.Data {
			s := max(1, math.Abs(w.Data[i]))
			sg[i], sw[i] = g.Data[i]/s, w.Data[i]/s
		}
		scaled[n], scaledWant[n] = export.Tensor{Shape: g.Shape, Data: sg}, export.Tensor{Shape: w.Shape, Data: sw}
	}
	return Compare(scaled, scaledWant, tol)
}

// smoothMax returns max_Ω(a, c) = a + γ·φ((c − a)/γ) as one hidden
// neuron of activation act and the affine result.
func smoothMax(b *relu.Builder, grp int, act relu.Activation, gamma float64, a, c relu.Affine) relu.Affine {
	h := b.Neuron(grp, act, c.Minus(a).Scale(1/gamma))
	return a.PlusScaled(gamma, relu.Var(h))
}

// SmoothMaxTree is the smoothed maximum of 8 inputs as a balanced tree of
// pairwise max_Ω (γ = 1/2), level l using acts[l] (3 levels).
func SmoothMaxTree(acts [3]relu.Activation) Case {
	b := relu.NewBuilder()
	x := b.Input("x", 8)
	level := make([]relu.Affine, len(x))
	for i, u := range x {
		level[i] = relu.Var(u)
	}
	for l, act := range acts {
		grp := b.Group(relu.GroupInfo{Name: fmt.Sprintf("max level %d", l+1), Rule: "smoothed max", Term: "max(a, b)"})
		var next []relu.Affine
		for i := 0; i < len(level); i += 2 {
			next = append(next, smoothMax(b, grp, act, 0.5, level[i], level[i+1]))
		}
		level = next
	}
	out := b.Group(relu.GroupInfo{Name: "max", Rule: "smoothed max"})
	b.Output("m", []int{1}, out, level)
	return Case{
		Name:   fmt.Sprintf("smooth max tree %v/%v/%v", acts[0], acts[1], acts[2]),
		Graph:  mustBuild(b),
		Sample: func(rng *rand.Rand, _ string, _ int) float64 { return rng.Float64()*6 - 3 },
	}
}

// SmoothKnapsackChain is a knapsack-like recurrence over capacities
// 0..4 with items of weight 2: f'[c] = max_Ω(f[c] − pen[c], f[c−2] + v)
// for c >= 2, f'[c] = f[c] − pen[c] below, with γ = 1 and activation
// act(c) for capacity c. Per-step inputs v [1] and pen [5]; state f
// starts at 0.
func SmoothKnapsackChain(name string, act func(c int) relu.Activation) Case {
	const n = 5
	b := relu.NewBuilder()
	f := b.Input("f", n)
	v := b.Input("v", 1)
	pen := b.Input("pen", n)
	outs := make([]relu.Affine, n)
	grps := make([]int, n)
	for c := range n {
		grps[c] = b.Group(relu.GroupInfo{Name: fmt.Sprintf("max f[%d]", c), Rule: "smoothed max", Term: "max(f[c] - pen[c], f[c - 2] + v)"})
		keep := relu.Var(f[c]).Minus(relu.Var(pen[c]))
		if c < 2 {
			outs[c] = keep
			continue
		}
		outs[c] = smoothMax(b, grps[c], act(c), 1, keep, relu.Var(f[c-2]).Plus(relu.Var(v[0])))
	}
	b.OutputGroups("f", []int{n}, grps, outs)
	return Case{
		Name:  "smooth knapsack chain " + name,
		Graph: mustBuild(b),
		State: []string{"f"},
		Init:  map[string][]float64{"f": make([]float64, n)},
		Sample: func(rng *rand.Rand, block string, _ int) float64 {
			if block == "pen" {
				return rng.Float64() * 0.5
			}
			return rng.Float64()*4 - 1 // v, and f in the Cell form
		},
		Steps: 4,
	}
}

// RandomMixedGraph is RandomGraph with fractional weights whose hidden
// layers have three groups, each with an activation drawn from ReLU and
// the smoothed ReLUs (ReLU only when reluOnly), so layers mix activations
// in interleaved runs.
func RandomMixedGraph(seed uint64, reluOnly bool) Case {
	rng := rand.New(rand.NewPCG(seed, 99))
	b := relu.NewBuilder()
	var all, layer []relu.Unit
	for i, n := range []int{3, 2} {
		us := b.Input(fmt.Sprintf("x%d", i), n)
		all = append(all, us...)
		layer = append(layer, us...)
	}
	acts := []relu.Activation{relu.ReLU, relu.Shannon, relu.Gini, relu.Tsallis}
	affine := func(below []relu.Unit) relu.Affine {
		a := relu.Constant(rng.Float64()*2 - 1)
		for range 1 + rng.IntN(3) {
			a = a.PlusScaled(rng.Float64()*2-1, relu.Var(below[rng.IntN(len(below))]))
		}
		if rng.Float64() < 0.3 {
			a = a.PlusScaled(rng.Float64()*2-1, relu.Var(all[rng.IntN(len(all))]))
		}
		return a
	}
	for l := 1; l <= 3; l++ {
		var grps []int
		var gacts []relu.Activation
		for k := range 3 {
			grps = append(grps, b.Group(relu.GroupInfo{Name: fmt.Sprintf("random %d.%d", l, k), Rule: "random"}))
			a := relu.ReLU
			if !reluOnly {
				a = acts[rng.IntN(len(acts))]
			}
			gacts = append(gacts, a)
		}
		var next []relu.Unit
		for i := range 9 {
			a := affine(layer)
			if !readsLayer(b, a, l-1) {
				a = a.PlusScaled(1, relu.Var(layer[0]))
			}
			next = append(next, b.Neuron(grps[i%3], gacts[i%3], a))
		}
		all = append(all, next...)
		layer = next
	}
	out := b.Group(relu.GroupInfo{Name: "random out", Rule: "random"})
	for i, n := range []int{2, 1} {
		affs := make([]relu.Affine, n)
		for k := range affs {
			affs[k] = affine(layer)
		}
		b.Output(fmt.Sprintf("y%d", i), []int{n}, out, affs)
	}
	name := "random mixed"
	if reluOnly {
		name = "random relu-only"
	}
	return Case{
		Name:   fmt.Sprintf("%s %d", name, seed),
		Graph:  mustBuild(b),
		Sample: func(rng *rand.Rand, _ string, _ int) float64 { return rng.Float64()*4 - 2 },
	}
}

// SmoothCases is the table of the smooth-activation tests: smoothed max
// trees, knapsack-like chains and random graphs mixing activations.
func SmoothCases() []Case {
	by := func(a relu.Activation) func(int) relu.Activation { return func(int) relu.Activation { return a } }
	mixed := func(c int) relu.Activation { return []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis}[c%3] }
	return []Case{
		SmoothMaxTree([3]relu.Activation{relu.Shannon, relu.Shannon, relu.Shannon}),
		SmoothMaxTree([3]relu.Activation{relu.Gini, relu.Tsallis, relu.ReLU}),
		SmoothMaxTree([3]relu.Activation{relu.Tsallis, relu.Gini, relu.Shannon}),
		SmoothKnapsackChain("shannon", by(relu.Shannon)),
		SmoothKnapsackChain("gini", by(relu.Gini)),
		SmoothKnapsackChain("tsallis", by(relu.Tsallis)),
		SmoothKnapsackChain("mixed", mixed),
		RandomMixedGraph(1, false),
		RandomMixedGraph(2, false),
		RandomMixedGraph(3, false),
		RandomMixedGraph(4, true),
	}
}

// SmoothVariants lists the export options of a smooth case: every
// layout, form and dtype without a gradient and, in the dense layout's
// Cell and Unrolled forms, with one (the first output's last cell with
// respect to every input or per-step block).
func (c Case) SmoothVariants() []export.Options {
	var opts []export.Options
	for _, o := range c.Variants() {
		o.Decode = nil
		opts = append(opts, o)
		if o.Layout == export.Dense && o.Form != export.Loop && o.Settled == nil {
			out := c.Graph.Outputs[0]
			o.Gradient = &export.Gradient{Name: "grad", Output: out.Name, Index: out.Len - 1}
			opts = append(opts, o)
		}
	}
	return opts
}
