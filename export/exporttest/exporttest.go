package exporttest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// Case is a graph to export with what it needs: its state and initial
// value when it is a recurrent cell, the decode tail to test on it, and
// how to draw its inputs.
type Case struct {
	Name   string
	Graph  *relu.Graph
	State  []string             // nil: not a cell, exported in the Cell form only
	Init   map[string][]float64 // initial state
	Decode *export.Decode       // nil: no decode tail
	// Sample draws element i of input block name. All samples of integer
	// cases are integers.
	Sample func(rng *rand.Rand, block string, i int) float64
	// Integer is true when weights, biases, inputs and every intermediate
	// value are integers below 2^24, so every runtime must agree exactly
	// in float32 and float64 whatever its order of summation.
	Integer bool
	// Steps is the number of steps of the Unrolled form, and of the Loop
	// form of a cell without per-step inputs.
	Steps int
	// Data names the input blocks given once per instance; Inf is the
	// stand-in for +inf when Sample may return +Inf for some of them.
	Data []string
	Inf  *export.Inf
	// Settled, when set, is true of the cell (each unit keeps its value
	// after its step): Variants adds the settled Unrolled form.
	Settled map[string][]int
}

// perStep reports whether the cell has a per-step input block (neither
// state nor data).
func (c Case) perStep() bool {
	for _, b := range c.Graph.Inputs {
		if !slices.Contains(c.State, b.Name) && !slices.Contains(c.Data, b.Name) {
			return true
		}
	}
	return false
}

// infData reports whether a model exported with opt replaces +inf by
// BigM in data block name itself.
func infData(opt export.Options, name string) bool {
	return opt.Inf != nil && slices.Contains(opt.Inf.Data, name)
}

// Tolerance is the largest difference allowed between a runtime and the
// reference: 0 for integer cases. Fractional cases have at most 8 terms
// per neuron and 6 layers with values below 100: a runtime that sums in
// another order (or fuses multiply-adds) differs by a few units in the
// last place per operation, well below 1e-3 in float32 (ε = 6e-8 relative,
// ≈ 6e-6 absolute at 100, times at most 6·9 operations on a path) and
// 1e-9 in float64 (ε = 1.1e-16 relative).
func (c Case) Tolerance(d export.DType) float64 {
	switch {
	case c.Integer:
		return 0
	case d == export.Float32:
		return 1e-3
	default:
		return 1e-9
	}
}

// Variants lists the export options to test c with: both explicit
// layouts, both dtypes and, for cells, every form (with the decode tail
// when c has one, and the Unrolled form also settled when c has Settled).
func (c Case) Variants() []export.Options {
	forms := []export.Form{export.Cell}
	if c.State != nil {
		forms = append(forms, export.Unrolled, export.Loop)
	}
	var opts []export.Options
	for _, form := range forms {
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			for _, d := range []export.DType{export.Float32, export.Float64} {
				o := export.Options{Layout: layout, Form: form, DType: d, Doc: "exporttest " + c.Name,
					Metadata: map[string]string{"case": c.Name}, Data: c.Data, Inf: c.Inf}
				if form != export.Cell {
					o.State, o.Init = c.State, c.Init
				}
				if form == export.Unrolled || form == export.Loop && !c.perStep() {
					o.Steps = c.Steps
				}
				if c.Decode != nil && (form != export.Cell || c.State != nil) {
					o.Decode = c.Decode
				}
				opts = append(opts, o)
				if form == export.Unrolled && c.Settled != nil {
					o.Settled = c.Settled
					opts = append(opts, o)
				}
			}
		}
	}
	return opts
}

// VariantName names an export variant for subtests: "dense/loop/float32",
// with "+gradient" when it has a gradient output.
func VariantName(o export.Options) string {
	s := fmt.Sprintf("%v/%v/%v", o.Layout, o.Form, o.DType)
	if o.Gradient != nil {
		s += "+gradient"
	}
	if o.Settled != nil {
		s += "+settled"
	}
	return s
}

// Inputs draws the graph inputs of a model exported with opt: [batch,
// Len] per input block in the Cell form and per data block, [batch,
// steps, Len] per per-step block otherwise (steps is opt.Steps in the
// Unrolled form and in the Loop form without per-step inputs). A data
// value drawn as +Inf is passed as it is when the model replaces it
// (opt.Inf lists the block), as c.Inf.BigM otherwise.
func (c Case) Inputs(rng *rand.Rand, opt export.Options, batch, steps int) map[string]export.Tensor {
	if opt.Form == export.Unrolled || opt.Form == export.Loop && !c.perStep() {
		steps = opt.Steps
	}
	in := map[string]export.Tensor{}
	for _, b := range c.Graph.Inputs {
		if opt.Form == export.Cell || slices.Contains(c.Data, b.Name) {
			d := make([]float64, batch*b.Len)
			for r := range batch {
				for i := range b.Len {
					x := c.Sample(rng, b.Name, i)
					if math.IsInf(x, 1) && !infData(opt, b.Name) {
						x = c.Inf.BigM
					}
					d[r*b.Len+i] = x
				}
			}
			in[b.Name] = export.NewTensor(d, batch, b.Len)
			continue
		}
		if slices.Contains(c.State, b.Name) {
			continue
		}
		d := make([]float64, batch*steps*b.Len)
		for r := range batch * steps {
			for i := range b.Len {
				d[r*b.Len+i] = c.Sample(rng, b.Name, i)
			}
		}
		in[b.Name] = export.NewTensor(d, batch, steps, b.Len)
	}
	return in
}

// OutputName is the graph output of output block name in the Cell form:
// the block name, with "_next" appended when an input block has the name.
func OutputName(g *relu.Graph, name string) string {
	if _, ok := g.Input(name); ok {
		return name + "_next"
	}
	return name
}

// Reference computes what a model exported from c with opt must output on
// in, with relu's evaluator in opt's element type: one relu.Evaluator run
// per step for the Unrolled and Loop forms, and the decode tail in plain
// Go.
func (c Case) Reference(opt export.Options, in map[string]export.Tensor) (map[string]export.Tensor, error) {
	if opt.DType == export.Float64 {
		return reference[float64](c, opt, in)
	}
	return reference[float32](c, opt, in)
}

func reference[T relu.Float](c Case, opt export.Options, in map[string]export.Tensor) (map[string]export.Tensor, error) {
	g := c.Graph
	e, err := relu.NewEvaluator[T](g)
	if err != nil {
		return nil, err
	}
	first := g.NumNeurons() - g.NumOutputs() // first output neuron
	out := map[string]export.Tensor{}
	var decodeRows []T // batch × Len of the decoded block
	var decodeLen int
	runSteps := 0 // the steps of the Unrolled and Loop forms
	if opt.Form == export.Cell {
		batch := -1
		for _, b := range g.Inputs {
			t, ok := in[b.Name]
			if !ok || len(t.Shape) != 2 || t.Shape[1] != b.Len || (batch >= 0 && t.Shape[0] != batch) {
				return nil, fmt.Errorf("exporttest: input %s missing or of wrong shape", b.Name)
			}
			batch = t.Shape[0]
		}
		rows := make([]T, batch*g.NumInputs)
		for _, b := range g.Inputs {
			for r := range batch {
				for i := range b.Len {
					rows[r*g.NumInputs+b.Start+i] = T(dataValue(opt, b.Name, in[b.Name].Data[r*b.Len+i]))
				}
			}
		}
		res := make([]T, batch*g.NumOutputs())
		if err := e.Run(rows, res, batch); err != nil {
			return nil, err
		}
		for _, b := range g.Outputs {
			d := make([]T, batch*b.Len)
			for r := range batch {
				copy(d[r*b.Len:(r+1)*b.Len], res[r*g.NumOutputs()+b.Start-first:][:b.Len])
			}
			out[OutputName(g, b.Name)] = export.NewTensor(widen(d), batch, b.Len)
			if opt.Decode != nil && opt.Decode.Block == b.Name {
				decodeRows, decodeLen = d, b.Len
			}
		}
	} else {
		state := opt.State
		batch, steps := -1, -1
		if !c.perStep() {
			steps = opt.Steps
			for _, b := range g.Inputs {
				if t, ok := in[b.Name]; ok && len(t.Shape) == 2 {
					batch = t.Shape[0]
				}
			}
		}
		for _, b := range g.Inputs {
			if slices.Contains(state, b.Name) {
				continue
			}
			if slices.Contains(opt.Data, b.Name) {
				t, ok := in[b.Name]
				if !ok || len(t.Shape) != 2 || t.Shape[1] != b.Len || batch >= 0 && t.Shape[0] != batch {
					return nil, fmt.Errorf("exporttest: data input %s missing or of wrong shape", b.Name)
				}
				batch = t.Shape[0]
				continue
			}
			t, ok := in[b.Name]
			if !ok || len(t.Shape) != 3 || t.Shape[2] != b.Len || batch >= 0 && t.Shape[0] != batch || steps >= 0 && t.Shape[1] != steps {
				return nil, fmt.Errorf("exporttest: per-step input %s missing or of wrong shape", b.Name)
			}
			batch, steps = t.Shape[0], t.Shape[1]
		}
		runSteps = steps
		cur := make([][]T, len(state))  // per state: batch × Len
		hist := make([][]T, len(state)) // per state: steps × batch × Len
		for s, name := range state {
			b, _ := g.Input(name)
			cur[s] = make([]T, batch*b.Len)
			for r := range batch {
				for i := range b.Len {
					cur[s][r*b.Len+i] = T(opt.Init[name][i])
				}
			}
		}
		rows := make([]T, batch*g.NumInputs)
		res := make([]T, batch*g.NumOutputs())
		for k := range steps {
			for _, b := range g.Inputs {
				if s := slices.Index(state, b.Name); s >= 0 {
					for r := range batch {
						copy(rows[r*g.NumInputs+b.Start:][:b.Len], cur[s][r*b.Len:(r+1)*b.Len])
					}
					continue
				}
				t := in[b.Name]
				if slices.Contains(opt.Data, b.Name) {
					for r := range batch {
						for i := range b.Len {
							rows[r*g.NumInputs+b.Start+i] = T(dataValue(opt, b.Name, t.Data[r*b.Len+i]))
						}
					}
					continue
				}
				for r := range batch {
					for i := range b.Len {
						rows[r*g.NumInputs+b.Start+i] = T(t.Data[(r*steps+k)*b.Len+i])
					}
				}
			}
			if err := e.Run(rows, res, batch); err != nil {
				return nil, err
			}
			for s, name := range state {
				b, _ := g.Output(name)
				for r := range batch {
					copy(cur[s][r*b.Len:(r+1)*b.Len], res[r*g.NumOutputs()+b.Start-first:][:b.Len])
				}
				hist[s] = append(hist[s], cur[s]...)
			}
		}
		for s, name := range state {
			b, _ := g.Output(name)
			out[name] = export.NewTensor(widen(cur[s]), batch, b.Len)
			if opt.Form == export.Loop {
				out[name+"_steps"] = export.NewTensor(widen(hist[s]), steps, batch, b.Len)
			}
			if opt.Decode != nil && opt.Decode.Block == name {
				decodeRows, decodeLen = cur[s], b.Len
			}
		}
	}
	if d := opt.Decode; d != nil {
		batch := len(decodeRows) / max(decodeLen, 1)
		ans, certain := make([]float64, batch), make([]float64, batch)
		for r := range batch {
			a, ok := Answer(d, widen(decodeRows[r*decodeLen:(r+1)*decodeLen]))
			if ok && d.Bound > 0 && d.MaxSteps > 0 && opt.Form == export.Loop && c.perStep() && runSteps > d.MaxSteps {
				a, ok = math.NaN(), false
			}
			ans[r] = float64(T(a))
			if ok {
				certain[r] = 1
			}
		}
		out[d.Name] = export.NewTensor(ans, batch)
		if name := d.CertainName(); name != "" {
			out[name] = export.NewTensor(certain, batch)
		}
	}
	return out, nil
}

// dataValue is what the cell reads for input value x of block name: x,
// or BigM for +inf when the model replaces it.
func dataValue(opt export.Options, name string, x float64) float64 {
	if infData(opt, name) && x > opt.Inf.BigM {
		return opt.Inf.BigM
	}
	return x
}

// Answer decodes one instance as the tail d must (see export.Decode),
// comparing in float64: the largest (or smallest) index i in the searched
// range with row[i-IndexLo] Op Threshold, or Fallback. Integer compares
// at the half-integer; with a Bound it finds the answer over the indices
// where the comparison certainly holds and over those where it may hold,
// and certain says whether the two agree (the answer is NaN when not).
func Answer(d *export.Decode, row []float64) (answer float64, certain bool) {
	lo, hi := d.IndexLo, d.IndexLo+len(row)-1
	if d.Range != nil {
		lo, hi = d.Range[0], d.Range[1]
	}
	t, b := d.Threshold, d.Bound
	fl, ce := math.Floor(t), math.Ceil(t)
	holds := func(a float64) bool {
		if d.Integer {
			switch d.Op {
			case "<=":
				return a < fl+0.5
			case "<":
				return a < ce-0.5
			case ">=":
				return a > ce-0.5
			case ">":
				return a > fl+0.5
			}
			eq := a > ce-0.5 && a < fl+0.5
			return eq == (d.Op == "==")
		}
		switch d.Op {
		case "<=":
			return a <= t
		case "<":
			return a < t
		case ">=":
			return a >= t
		case ">":
			return a > t
		case "==":
			return a == t
		case "!=":
			return a != t
		}
		panic("exporttest: unknown comparison " + d.Op)
	}
	near := func(a float64) bool { return a >= t-b && a <= t+b }
	sure := func(a float64) bool {
		switch d.Op {
		case "<=", "<":
			return a < t-b
		case ">=", ">":
			return a > t+b
		case "!=":
			return !near(a)
		}
		return false
	}
	maybe := func(a float64) bool {
		switch d.Op {
		case "<=", "<":
			return a <= t+b
		case ">=", ">":
			return a >= t-b
		case "==":
			return near(a)
		}
		return !math.IsNaN(a)
	}
	find := func(ok func(float64) bool) (int, bool) {
		first, last, step := hi, lo, -1
		if !d.Max {
			first, last, step = lo, hi, 1
		}
		for i := first; i != last+step; i += step {
			if ok(row[i-d.IndexLo]) {
				return i, true
			}
		}
		return 0, false
	}
	if b == 0 {
		if i, ok := find(holds); ok {
			return float64(i), true
		}
		return d.Fallback, true
	}
	i, okSure := find(sure)
	j, okMaybe := find(maybe)
	if okSure != okMaybe || i != j {
		return math.NaN(), false
	}
	if okSure {
		return float64(i), true
	}
	return d.Fallback, true
}

func widen[T relu.Float](x []T) []float64 {
	d := make([]float64, len(x))
	for i, v := range x {
		d[i] = float64(v)
	}
	return d
}

// Compare reports every output of want that got lacks or that differs by
// more than tol, naming the first differing element. NaN equals only NaN.
func Compare(got, want map[string]export.Tensor, tol float64) error {
	var errs []string
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w := want[n]
		g, ok := got[n]
		if !ok {
			errs = append(errs, fmt.Sprintf("output %q missing", n))
			continue
		}
		if !slices.Equal(g.Shape, w.Shape) {
			errs = append(errs, fmt.Sprintf("output %q has shape %v, want %v", n, g.Shape, w.Shape))
			continue
		}
		bad := 0
		first := -1
		for i := range w.Data {
			same := math.Abs(g.Data[i]-w.Data[i]) <= tol || math.IsNaN(g.Data[i]) && math.IsNaN(w.Data[i])
			if !same {
				bad++
				if first < 0 {
					first = i
				}
			}
		}
		if bad > 0 {
			errs = append(errs, fmt.Sprintf("output %q: %d of %d values differ by more than %g; first at flat index %d: got %v, want %v",
				n, bad, len(w.Data), tol, first, g.Data[first], w.Data[first]))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}
