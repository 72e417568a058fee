package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/relu"
)

// Gradient asks for a gradient output: per instance, the derivative of
// one cell of an output block with respect to whole input blocks,
// computed in the graph by reverse mode (the backward pass unrolled into
// ONNX operators). For the smooth knapsack, the derivative of the value
// with respect to the profits is the vector of marginals:
//
//	&export.Gradient{Name: "marginals", Output: "f", Index: capacity - 1, WithRespectTo: []string{"profit"}}
//
// Supported for the Dense layout in the Cell and Unrolled forms; Write
// refuses it otherwise.
type Gradient struct {
	// Name is the output's name when the gradient is taken with respect
	// to one block; with several, the output of block B is Name + "_" + B.
	Name string
	// Output is the differentiated output block: any output block in the
	// Cell form, a state block (its value after the last step) in the
	// Unrolled form.
	Output string
	Index  int // the differentiated cell of Output, 0..Len-1, row-major
	// WithRespectTo lists input blocks. In the Cell form any input block
	// (state blocks are inputs there), each giving an output [N, Len]; in
	// the Unrolled form per-step blocks only (the initial state is a
	// constant), each giving [N, Steps, Len]: the derivative with respect
	// to the block's value at every step, and data blocks, each giving
	// [N, Len] (every step reads them). nil lists every input block
	// (Cell) or every per-step and data block (Unrolled).
	WithRespectTo []string
}

// checkGradient reports the problems of opt.Gradient that do not depend
// on the layout.
func checkGradient(g *relu.Graph, opt Options, spec *formSpec, bad func(string, ...any)) {
	d := opt.Gradient
	if d == nil {
		return
	}
	if d.Name == "" {
		bad("gradient: empty output name")
	}
	if opt.Form == Loop {
		bad("gradient: the loop form has no gradient output; use the cell or unrolled form")
	}
	b, ok := g.Output(d.Output)
	switch {
	case !ok:
		bad("gradient: %q is not an output block of the graph", d.Output)
	case opt.Form == Unrolled && !spec.isState[d.Output]:
		bad("gradient: %q is not a state block (state: %s); the unrolled form outputs only the state", d.Output, strings.Join(spec.state, ", "))
	case d.Index < 0 || d.Index >= b.Len:
		bad("gradient: index %d is outside block %q (0..%d)", d.Index, d.Output, b.Len-1)
	}
	seen := map[string]bool{}
	for _, name := range d.WithRespectTo {
		if seen[name] {
			bad("gradient: input block %q is listed twice", name)
		}
		seen[name] = true
		switch _, ok := g.Input(name); {
		case !ok:
			bad("gradient: %q is not an input block of the graph", name)
		case opt.Form == Unrolled && spec.isState[name]:
			bad("gradient: %q is a state block, whose initial value is a constant in the unrolled form; differentiate with respect to per-step blocks, or use the cell form", name)
		}
	}
}

// gradientBlocks returns the input blocks the gradient is taken with
// respect to.
func gradientBlocks(g *relu.Graph, opt Options, spec *formSpec) []int {
	var idx []int
	for i, b := range g.Inputs {
		listed := opt.Gradient.WithRespectTo == nil || slices.Contains(opt.Gradient.WithRespectTo, b.Name)
		if listed && (opt.Form == Cell || !spec.isState[b.Name]) {
			idx = append(idx, i)
		}
	}
	if opt.Gradient.WithRespectTo != nil { // in the order listed
		slices.SortStableFunc(idx, func(a, b int) int {
			return slices.Index(opt.Gradient.WithRespectTo, g.Inputs[a].Name) - slices.Index(opt.Gradient.WithRespectTo, g.Inputs[b].Name)
		})
	}
	return idx
}

// denseTape is what one emit call of the dense emitter computed: the
// tensors of every source and the activations of every hidden layer.
type denseTape struct {
	prefix string
	vals   []string    // per source
	acts   []activated // per hidden layer
}

// backward adds the reverse pass through one emitted cell: given the
// gradient with respect to each output block ([N, Len], "" for zero) it
// returns the gradient with respect to each input block ("" for zero).
// For each target from the last down, grad_pre = grad_act ⊙ φ'(pre), then
// every source s gets grad_pre·W_sᵀ (Gemm with transB, accumulated
// through Gemm's C input).
func (e *denseEmitter) backward(sc *scope, tape *denseTape, seed []string) []string {
	p, g := e.p, e.p.g
	grad := make([]string, p.numSources())
	prefix := tape.prefix + "grad/"
	for ti := len(p.targets) - 1; ti >= 0; ti-- {
		t := p.targets[ti]
		var gpre string
		if t.output >= 0 {
			gpre = seed[t.output]
		} else if gact := grad[len(g.Inputs)+t.layer-1]; gact != "" {
			a := tape.acts[t.layer]
			var slopes []string
			for k, c := range a.classes {
				slopes = append(slopes, emitSlope(sc, prefix+t.label, prefix+t.name, c.act, a.pre[k], a.q[k]))
			}
			d := slopes[0]
			if len(slopes) > 1 {
				d = sc.op("Concat", prefix+t.label+"/slopes", slopes, prefix+t.name+"/slope", attrInt("axis", 1))
			}
			gpre = sc.op("Mul", prefix+t.label+"/d pre", []string{gact, d}, prefix+t.name+"/d pre")
		}
		if gpre == "" || len(t.sources) == 0 {
			continue
		}
		for _, m := range e.weights[ti] {
			args := []string{gpre, m.name}
			if grad[m.src] != "" {
				args = append(args, grad[m.src])
			}
			grad[m.src] = sc.op("Gemm", prefix+t.label+"/gemm^T "+p.sourceName(m.src), args, prefix+"d "+p.sourceName(m.src), attrInt("transB", 1))
		}
	}
	return grad[:len(g.Inputs)]
}

// batchRows returns Expand of the constant row v ([1, len(v)]) to [N,
// len(v)], with N the first dimension of x.
func batchRows(sc *scope, name, x string, v []float64) string {
	mb := sc.mb
	n := sc.op("Shape", name+"/input shape", []string{x}, name+"/input shape")
	n = sc.op("Slice", name+"/batch size", []string{n, mb.int64Const([]int{1}, 0), mb.int64Const([]int{1}, 1)}, name+"/N")
	shape := sc.op("Concat", name+"/N×len", []string{n, mb.int64Const([]int{1}, int64(len(v)))}, name+"/N×len", attrInt("axis", 0))
	row := mb.floats(name+"/row", []int{1, len(v)}, v)
	return sc.op("Expand", name+"/rows", []string{row, shape}, name+"/rows")
}

// emitGradient adds the gradient outputs of opt.Gradient after the
// forward pass that em recorded (one tape in the Cell form, one per step
// in the Unrolled form).
func emitGradient(sc *scope, g *relu.Graph, em *denseEmitter, opt Options, spec *formSpec) error {
	mb := sc.mb
	d := opt.Gradient
	blocks := gradientBlocks(g, opt, spec)
	names := make([]string, len(blocks))
	for k, i := range blocks {
		names[k] = d.Name
		if len(blocks) > 1 {
			names[k] = d.Name + "_" + g.Inputs[i].Name
		}
		if !mb.reserve(names[k]) {
			return fmt.Errorf("export: gradient output name %q is already used by an input or output", names[k])
		}
	}
	x0 := g.Inputs[slices.IndexFunc(g.Inputs, func(b relu.Block) bool {
		return b.Len > 0 && (opt.Form == Cell || !spec.isState[b.Name])
	})].Name
	out := slices.IndexFunc(g.Outputs, func(b relu.Block) bool { return b.Name == d.Output })
	onehot := make([]float64, g.Outputs[out].Len)
	onehot[d.Index] = 1
	seed := make([]string, len(g.Outputs))
	seed[out] = batchRows(sc, "grad/seed", x0, onehot)
	zeros := map[int]string{} // per input block: [N, Len] zeros, on demand
	zero := func(i int) string {
		if zeros[i] == "" {
			zeros[i] = batchRows(sc, "grad/zero "+g.Inputs[i].Name, x0, make([]float64, g.Inputs[i].Len))
		}
		return zeros[i]
	}
	doc := fmt.Sprintf("∂%s[%d]/∂%%s per instance (reverse mode through the network)", d.Output, d.Index)
	if opt.Form == Cell {
		grads := em.backward(sc, em.tapes[0], seed)
		for k, i := range blocks {
			x := grads[i]
			if x == "" {
				x = zero(i)
			}
			b := g.Inputs[i]
			sc.opTo("Identity", "grad/"+names[k], []string{x}, names[k])
			mb.main.Output = append(mb.main.Output, valueInfo(names[k], mb.elem, batchRow(b.Len), fmt.Sprintf(doc, b.Name)))
		}
		return nil
	}
	perStep := make([][]string, opt.Steps) // per step, per input block
	for k := opt.Steps; k >= 1; k-- {
		grads := em.backward(sc, em.tapes[k-1], seed)
		perStep[k-1] = grads
		seed = make([]string, len(g.Outputs))
		for s, o := range spec.stateOut {
			seed[o] = grads[spec.stateIn[s]]
		}
	}
	for k, i := range blocks {
		b := g.Inputs[i]
		if spec.isData[b.Name] { // read by every step: the sum over the steps
			sum := ""
			for st := range opt.Steps {
				switch x := perStep[st][i]; {
				case x == "":
				case sum == "":
					sum = x
				default:
					sum = sc.op("Add", fmt.Sprintf("grad/s%d/sum %s", st+1, b.Name), []string{sum, x}, fmt.Sprintf("grad/s%d/sum %s", st+1, b.Name))
				}
			}
			if sum == "" {
				sum = zero(i)
			}
			sc.opTo("Identity", "grad/"+names[k], []string{sum}, names[k])
			mb.main.Output = append(mb.main.Output, valueInfo(names[k], mb.elem, batchRow(b.Len), fmt.Sprintf(doc, b.Name)+", summed over the steps that read it"))
			continue
		}
		var steps []string
		for st := range opt.Steps {
			x := perStep[st][i]
			if x == "" {
				x = zero(i)
			}
			steps = append(steps, sc.op("Reshape", fmt.Sprintf("grad/s%d/%s N×1×len", st+1, b.Name), []string{x, mb.int64Const([]int{3}, 0, 1, int64(b.Len))}, fmt.Sprintf("grad/s%d/d %s", st+1, b.Name)))
		}
		sc.opTo("Concat", "grad/"+names[k], steps, names[k], attrInt("axis", 1))
		mb.main.Output = append(mb.main.Output, valueInfo(names[k], mb.elem, []dim{{param: batchDim}, {size: opt.Steps}, {size: b.Len}},
			fmt.Sprintf(doc, b.Name)+fmt.Sprintf(", at each of the %d steps, step-major", opt.Steps)))
	}
	return nil
}
