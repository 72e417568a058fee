package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/relu"
	"google.golang.org/protobuf/proto"
)

// This file writes a smoothed recurrence (relu.Recurrence) in the vector
// layout: two ONNX Loops over the steps, the same algorithm as the Go
// kernels of package smooth.
//
//   - The forward Loop carries the state v [N, Len]. Each step reads
//     every operand of the smoothed max at once: v itself, or v shifted by
//     the step's offset (a Slice of v padded with the boundary values, its
//     start gathered from a table of the model), plus the step's run-time
//     input (a Gather of the input's column) and constant; then the
//     regulariser's max_Ω elementwise (Gini: Clip, Relu; Shannon: Exp,
//     Log, Sigmoid; Tsallis: Sqrt, Where). It stores q, the probability
//     of the second operand, as a scan output [Steps, N, Len].
//   - The value is the answer's cell of the final state.
//   - The reverse Loop carries e = ∂value/∂v from the last step to the
//     first: with p₁ = e·q and p₀ = e − p₁ (the flows into each operand),
//     the marginal of a run-time input is Σ_c of its coefficients times the
//     flows, and e one step earlier is the flows shifted back by the
//     offsets (Slice of the flows padded with zeros).
//
// The model holds O(Steps) integers (the slice starts) and O(Len) floats
// (initial and boundary values): its size does not depend on Steps·Len.

// RecurrenceOptions says how WriteRecurrence emits a recurrence.
type RecurrenceOptions struct {
	DType  DType
	Source *Source // the program, recorded as metadata (see Options.Source)
	// Metadata are extra metadata_props, as in Options.
	Metadata map[string]string
}

// Names of the vector layout's graph outputs.
const (
	RecurrenceValue     = "value"
	RecurrenceMarginals = "marginals"
)

// WriteRecurrenceFile writes r as an ONNX model to path, atomically.
func WriteRecurrenceFile(path string, r *relu.Recurrence, opt RecurrenceOptions) error {
	b, err := MarshalRecurrence(r, opt)
	return writeModelFile(path, b, err)
}

// MarshalRecurrence returns r as the bytes of an ONNX model in the vector
// layout and loop form. Its inputs are the run-time inputs, each [N,
// Steps]; its outputs "value" [N, 1] and "marginals" [N, Steps·inputs]
// (∂value/∂input, input-major).
func MarshalRecurrence(r *relu.Recurrence, opt RecurrenceOptions) ([]byte, error) {
	return marshalModel(buildRecurrence(r, opt))
}

func buildRecurrence(r *relu.Recurrence, opt RecurrenceOptions) (*onnxpb.ModelProto, error) {
	if r == nil {
		return nil, errors.New("export: no recurrence")
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if opt.DType > Float64 {
		return nil, fmt.Errorf("export: unknown dtype %d", opt.DType)
	}
	if len(r.Inputs) == 0 {
		return nil, errors.New("export: the recurrence has no run-time input: its value is a constant")
	}
	for k := range opt.Metadata {
		if why := reservedKey(k, opt.Source); why != "" {
			return nil, fmt.Errorf("export: metadata key %q: %s", k, why)
		}
	}
	// The arithmetic is float64 in both dtypes: a float32 state of
	// magnitude |v| rounds every difference d = b − a by about ulp(|v|),
	// and q moves by d/(2γ) (Gini), so float32 marginals are off by about
	// ulp(|v|)/γ whatever the formulas (2.6e-5 at |v| ≈ 280, γ = 1, n = C =
	// 1000). A float32 model takes and gives float32 tensors and casts at
	// its edges; in ONNX Runtime the float64 loop costs about the same, its
	// time being mostly per-operator overhead.
	mb := newModelBuilder(Float64)
	ioElem := onnxpb.TensorProto_DOUBLE
	if opt.DType == Float32 {
		ioElem = onnxpb.TensorProto_FLOAT
	}
	for _, name := range append(append([]string(nil), r.Inputs...), RecurrenceValue, RecurrenceMarginals) {
		if !mb.reserve(name) {
			return nil, fmt.Errorf("export: the name %q is used twice (inputs and outputs are %v, value, marginals)", name, r.Inputs)
		}
		delete(mb.reserved, name)
	}
	sc := &scope{mb: mb, g: mb.main}
	e := &recEmitter{r: r, mb: mb, sc: sc, L: r.Len, n: r.Steps, ioElem: ioElem}
	e.build()

	mb.main.Name = proto.String("dp2nn smoothed recurrence")
	if r.Doc != "" {
		mb.main.DocString = proto.String(r.Doc)
	}
	m := &onnxpb.ModelProto{
		IrVersion:       proto.Int64(IRVersion),
		OpsetImport:     []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		ProducerName:    proto.String(producer),
		ProducerVersion: proto.String(FormatVersion),
		Graph:           mb.main,
	}
	if r.Doc != "" {
		m.DocString = proto.String(r.Doc)
	}
	var bi struct {
		Inputs  []BlockShape `json:"inputs"`
		Outputs []BlockShape `json:"outputs"`
	}
	for _, in := range r.Inputs {
		bi.Inputs = append(bi.Inputs, BlockShape{Name: in, Shape: []int{r.Steps}})
	}
	bi.Outputs = []BlockShape{{Name: RecurrenceValue, Shape: []int{1}}, {Name: RecurrenceMarginals, Shape: []int{r.Steps * len(r.Inputs)}}}
	blocks, _ := json.Marshal(bi)
	meta := map[string]string{
		metaForm: Loop.String(), metaLayout: Vector.String(), metaDType: opt.DType.String(),
		metaState: r.State, metaSteps: strconv.Itoa(r.Steps), metaBlocks: string(blocks),
	}
	setMetadata(m, meta, opt.Source, opt.Metadata)
	return m, nil
}

// recEmitter emits the graph of one recurrence.
type recEmitter struct {
	r    *relu.Recurrence
	mb   *modelBuilder
	sc   *scope
	L, n int
	// ioElem is the element type of the graph's inputs and outputs; the
	// arithmetic is in float64 (mb's type).
	ioElem onnxpb.TensorProto_DataType
	inputs map[string]string // run-time input name → its float64 tensor

	batch string // int64 [1]: N
	below string // [N, PadBelow] boundary values (forward padding), "" if none
	above string // [N, PadAbove]
	zeroB string // [N, PadBelow] zeros (backward padding), "" if none
	zeroA string // [N, PadAbove]
}

func (e *recEmitter) c(v float64) string { return e.mb.floatConst(v) }

// rows expands a constant row [1, k] to [N, k].
func (e *recEmitter) rows(name string, v []float64) string {
	if len(v) == 0 {
		return ""
	}
	row := e.mb.floats(name, []int{1, len(v)}, v)
	shape := e.sc.op("Concat", name+"/N×len", []string{e.batch, e.mb.int64Const([]int{1}, int64(len(v)))}, name+"/N×len", attrInt("axis", 0))
	return e.sc.op("Expand", name+"/rows", []string{row, shape}, name+"/rows")
}

func (e *recEmitter) build() {
	r, mb, sc := e.r, e.mb, e.sc
	e.inputs = map[string]string{}
	for _, in := range r.Inputs {
		mb.main.Input = append(mb.main.Input, valueInfo(in, e.ioElem, []dim{{param: batchDim}, {size: r.Steps}}, fmt.Sprintf("run-time input %s of every step, step-major along the second axis", in)))
		e.inputs[in] = in
		if e.ioElem != mb.elem {
			e.inputs[in] = sc.op("Cast", "float64 "+in, []string{in}, in+" (float64)", attrInt("to", int64(onnxpb.TensorProto_DOUBLE)))
		}
	}
	shape := sc.op("Shape", "input shape", []string{e.inputs[r.Inputs[0]]}, "input shape")
	e.batch = sc.op("Gather", "batch size", []string{shape, mb.int64Const([]int{1}, 0)}, "N", attrInt("axis", 0))
	init := e.rows("init "+r.State, r.Init)
	e.below = e.rows("boundary below "+r.State, r.Below)
	e.above = e.rows("boundary above "+r.State, r.Above)
	e.zeroB = e.rows("zeros below", make([]float64, len(r.Below)))
	e.zeroA = e.rows("zeros above", make([]float64, len(r.Above)))
	trips := mb.int64Const(nil, int64(r.Steps))

	final, qs := e.forward(trips, init)
	out := func(name string) string {
		if e.ioElem == mb.elem {
			return name
		}
		return mb.tensorName(name + " (float64)")
	}
	cast := func(name, x string) {
		if x != name {
			sc.node("Cast", name+" as float32", []string{x}, name, attrInt("to", int64(e.ioElem)))
		}
	}
	value := sc.node("Gather", "value", []string{final, mb.int64Const([]int{1}, int64(r.Answer))}, out(RecurrenceValue), attrInt("axis", 1))
	sc.doc(fmt.Sprintf("the answer: %s[%d] (0-based) of the state after the last step", r.State, r.Answer))
	cast(RecurrenceValue, value)
	grads := e.backward(trips, qs)
	var marg string
	if len(grads) == 1 {
		marg = sc.node("Identity", "marginals", grads, out(RecurrenceMarginals))
	} else {
		marg = sc.node("Concat", "marginals", grads, out(RecurrenceMarginals), attrInt("axis", 1))
	}
	cast(RecurrenceMarginals, marg)
	mb.main.Output = append(mb.main.Output,
		valueInfo(RecurrenceValue, e.ioElem, []dim{{param: batchDim}, {size: 1}}, "the smoothed value"),
		valueInfo(RecurrenceMarginals, e.ioElem, []dim{{param: batchDim}, {size: r.Steps * len(r.Inputs)}},
			fmt.Sprintf("∂value/∂input for the inputs %v, input-major, step-minor: for knapsack and top-k the relaxed selection", r.Inputs)))
}

// startTable returns a table [Steps, 1] of slice starts (reversed: the
// entry of iteration i is that of step Steps−1−i) and the matching ends
// (start + Len), for the shift of option o: forward reads v[c − s] from
// the padded state at start PadBelow − s, backward sends the flow of cell
// c to c − s, a read of the zero-padded flow at start PadAbove + s.
func (e *recEmitter) startTable(name string, o *relu.RecurrenceOption, backward bool) (starts, ends string) {
	st := make([]int64, e.n)
	en := make([]int64, e.n)
	for i := range st {
		t := i
		if backward {
			t = e.n - 1 - i
		}
		s := int64(o.ShiftAt(t))
		if backward {
			st[i] = int64(e.r.PadAbove()) + s
		} else {
			st[i] = int64(e.r.PadBelow()) - s
		}
		en[i] = st[i] + int64(e.L)
	}
	return e.mb.int64s(name+" starts", []int{e.n, 1}, st), e.mb.int64s(name+" ends", []int{e.n, 1}, en)
}

func (e *recEmitter) loopNode(name, trips string, init []string, body *onnxpb.GraphProto, outs []string, doc string) {
	e.sc.g.Node = append(e.sc.g.Node, &onnxpb.NodeProto{
		Name:      proto.String(fresh(e.mb.node, name)),
		OpType:    proto.String("Loop"),
		Input:     append([]string{trips, ""}, init...),
		Output:    outs,
		Attribute: []*onnxpb.AttributeProto{attrGraph("body", body)},
		DocString: proto.String(doc),
	})
}

func loopBody(mb *modelBuilder, name, carried string, elem onnxpb.TensorProto_DataType, cols int) (*onnxpb.GraphProto, *scope, string, string, string) {
	body := &onnxpb.GraphProto{Name: proto.String(name)}
	iter := mb.tensorName(name + "/iteration")
	cond := mb.tensorName(name + "/cond")
	in := mb.tensorName(name + "/" + carried)
	body.Input = append(body.Input,
		valueInfo(iter, onnxpb.TensorProto_INT64, nil, "iteration number, from 0"),
		valueInfo(cond, onnxpb.TensorProto_BOOL, nil, "loop condition (always true)"),
		valueInfo(in, elem, []dim{{param: batchDim}, {size: cols}}, carried+" before the step"))
	return body, &scope{mb: mb, g: body}, iter, cond, in
}

// forward emits the forward Loop and returns the final state and the
// stacked pick probabilities [Steps, N, Len].
func (e *recEmitter) forward(trips, init string) (final, qs string) {
	r, mb := e.r, e.mb
	body, b, iter, cond, v := loopBody(mb, "forward", r.State, mb.elem, e.L)
	it1 := b.op("Reshape", "forward/step as [1]", []string{iter, mb.int64Const([]int{1}, 1)}, "forward/step [1]")
	padded := ""
	var opnd [2]string
	for k := range r.Options {
		o := &r.Options[k]
		stem := fmt.Sprintf("forward/option %d", k)
		x := v
		if o.Shift != nil {
			if padded == "" {
				parts := []string{}
				for _, p := range []string{e.below, v, e.above} {
					if p != "" {
						parts = append(parts, p)
					}
				}
				padded = v
				if len(parts) > 1 {
					padded = b.op("Concat", "forward/padded state", parts, "forward/padded "+r.State, attrInt("axis", 1))
				}
			}
			starts, ends := e.startTable(fmt.Sprintf("option %d read", k), o, false)
			s := b.op("Gather", stem+"/start", []string{starts, iter}, stem+"/start", attrInt("axis", 0))
			t := b.op("Gather", stem+"/end", []string{ends, iter}, stem+"/end", attrInt("axis", 0))
			x = b.op("Slice", stem+"/read", []string{padded, s, t, mb.int64Const([]int{1}, 1)}, stem+"/read")
			b.doc(fmt.Sprintf("%s[c − shift] for every c, boundary values outside the state (%s)", r.State, o.Text))
		}
		var terms []string
		for j, c := range o.Coef {
			if c == 0 {
				continue
			}
			t := b.op("Gather", stem+"/"+r.Inputs[j], []string{e.inputs[r.Inputs[j]], it1}, stem+"/"+r.Inputs[j], attrInt("axis", 1))
			if c != 1 {
				t = b.op("Mul", stem+"/scaled "+r.Inputs[j], []string{t, e.c(c)}, stem+"/scaled "+r.Inputs[j])
			}
			terms = append(terms, t)
		}
		if o.Const != nil {
			tab := mb.floats(fmt.Sprintf("option %d constants", k), []int{e.n}, o.Const)
			terms = append(terms, b.op("Gather", stem+"/constant", []string{tab, iter}, stem+"/constant", attrInt("axis", 0)))
		}
		for _, t := range terms {
			x = b.op("Add", stem+"/add", []string{x, t}, stem)
		}
		opnd[k] = x
	}
	val, q := e.smoothMax(b, opnd[0], opnd[1])
	condOut := b.op("Identity", "forward/cond out", []string{cond}, "forward/cond out")
	qOut := b.op("Identity", "forward/q scan", []string{q}, "forward/q")
	body.Output = append(body.Output,
		valueInfo(condOut, onnxpb.TensorProto_BOOL, nil, ""),
		valueInfo(val, mb.elem, []dim{{param: batchDim}, {size: e.L}}, r.State+" after the step"),
		valueInfo(qOut, mb.elem, []dim{{param: batchDim}, {size: e.L}}, "probability of the second operand in every cell"))
	final = mb.tensorName(r.State + " final")
	qs = mb.tensorName("q all steps")
	e.loopNode("forward", trips, []string{init}, body, []string{final, qs},
		fmt.Sprintf("%d steps of %s[c] = %s smoothed by %v, γ = %g, over all cells at once", r.Steps, r.State, r.Text, r.Act, r.Gamma))
	return final, qs
}

// smoothMax emits max_Ω(a, b) and q elementwise, exact when an operand is
// −∞ (d = b − a is set to −∞ when b is, so that two −∞ give −∞ and q = 0).
// The formulas are those of package smooth's kernels: the larger operand
// plus γ times a bonus in [0, Range] that depends on |d|/γ.
func (e *recEmitter) smoothMax(b *scope, a, bb string) (val, q string) {
	r, c := e.r, e.c
	g := r.Gamma
	stem := "forward/max_Ω"
	d := b.op("Sub", stem+"/d", []string{bb, a}, stem+"/d")
	if r.HasNegInf() {
		isInf := b.op("Equal", stem+"/second is −∞", []string{bb, c(math.Inf(-1))}, stem+"/second is −inf")
		d = b.op("Where", stem+"/d (−∞ when the second is)", []string{isInf, c(math.Inf(-1)), d}, stem+"/d'")
	}
	m := b.op("Max", stem+"/max", []string{a, bb}, stem+"/max")
	ad := b.op("Abs", stem+"/|d|", []string{d}, stem+"/|d|")
	var bonus string // γ·bonus
	switch r.Act {
	case relu.Gini:
		// q = clip(½ + d/(2γ), 0, 1), bonus = (γ/4)·max(0, 1 − |d|/γ)².
		x := b.op("Mul", stem+"/d/2γ", []string{d, c(0.5 / g)}, stem+"/d/2γ")
		x = b.op("Add", stem+"/½ + d/2γ", []string{x, c(0.5)}, stem+"/½ + d/2γ")
		q = b.op("Clip", stem+"/q", []string{x, c(0), c(1)}, stem+"/q")
		s := b.op("Mul", stem+"/|d|/γ", []string{ad, c(1 / g)}, stem+"/|d|/γ")
		s = b.op("Sub", stem+"/1 − |d|/γ", []string{c(1), s}, stem+"/1 − |d|/γ")
		s = b.op("Relu", stem+"/s", []string{s}, stem+"/s")
		s2 := b.op("Mul", stem+"/s²", []string{s, s}, stem+"/s²")
		bonus = b.op("Mul", stem+"/γs²/4", []string{s2, c(0.25 * g)}, stem+"/bonus")
	case relu.Shannon:
		// t = e^{−|d|/γ}, p = 1/(1 + t) the probability of the larger
		// operand, t·p that of the smaller (not 1 − p: it keeps its
		// relative precision), bonus = γ·log(1 + t): one Exp per cell.
		t := b.op("Mul", stem+"/−|d|/γ", []string{ad, c(-1 / g)}, stem+"/−|d|/γ")
		t = b.op("Exp", stem+"/t", []string{t}, stem+"/t")
		t1 := b.op("Add", stem+"/1 + t", []string{t, c(1)}, stem+"/1 + t")
		p := b.op("Div", stem+"/p", []string{c(1), t1}, stem+"/p")
		tp := b.op("Mul", stem+"/t·p", []string{t, p}, stem+"/t·p")
		neg := b.op("Less", stem+"/d < 0", []string{d, c(0)}, stem+"/d < 0")
		q = b.op("Where", stem+"/q", []string{neg, tp, p}, stem+"/q")
		l := b.op("Log", stem+"/log(1 + t)", []string{t1}, stem+"/log(1 + t)")
		bonus = b.op("Mul", stem+"/γ·log(1 + t)", []string{l, c(g)}, stem+"/bonus")
	default:
		// Tsallis 1.5: x = min(|d|/(2γ), 1), r = √(2 − x²), q = ½(1 ± x·r),
		// bonus = γ·max(0, (4 − 3x − r³)/3).
		x := b.op("Mul", stem+"/|d|/2γ", []string{ad, c(0.5 / g)}, stem+"/|d|/2γ")
		x = b.op("Min", stem+"/x", []string{x, c(1)}, stem+"/x")
		x2 := b.op("Mul", stem+"/x²", []string{x, x}, stem+"/x²")
		r2 := b.op("Sub", stem+"/r²", []string{c(2), x2}, stem+"/r²")
		rr := b.op("Sqrt", stem+"/r", []string{r2}, stem+"/r")
		hxr := b.op("Mul", stem+"/xr", []string{x, rr}, stem+"/xr")
		hxr = b.op("Mul", stem+"/xr/2", []string{hxr, c(0.5)}, stem+"/xr/2")
		neg := b.op("Less", stem+"/d < 0", []string{d, c(0)}, stem+"/d < 0")
		lo := b.op("Sub", stem+"/½ − xr/2", []string{c(0.5), hxr}, stem+"/½ − xr/2")
		hi := b.op("Add", stem+"/½ + xr/2", []string{c(0.5), hxr}, stem+"/½ + xr/2")
		q = b.op("Where", stem+"/q", []string{neg, lo, hi}, stem+"/q")
		r3 := b.op("Mul", stem+"/r³", []string{rr, r2}, stem+"/r³")
		x3 := b.op("Mul", stem+"/3x", []string{x, c(3)}, stem+"/3x")
		t := b.op("Sub", stem+"/4 − 3x", []string{c(4), x3}, stem+"/4 − 3x")
		t = b.op("Sub", stem+"/4 − 3x − r³", []string{t, r3}, stem+"/4 − 3x − r³")
		t = b.op("Relu", stem+"/max(0, ·)", []string{t}, stem+"/max(0, ·)")
		bonus = b.op("Mul", stem+"/γ·bonus", []string{t, c(g / 3)}, stem+"/bonus")
	}
	val = b.op("Add", stem+"/value", []string{m, bonus}, r.State+" next")
	return val, q
}

// backward emits the reverse Loop and returns one [N, Steps] tensor of
// marginals per run-time input.
func (e *recEmitter) backward(trips, qs string) []string {
	r, mb := e.r, e.mb
	onehot := make([]float64, e.L)
	onehot[r.Answer] = 1
	init := e.rows("∂value/∂"+r.State+" final", onehot)
	body, b, iter, cond, ein := loopBody(mb, "backward", "∂value/∂"+r.State, mb.elem, e.L)
	rev := make([]int64, e.n)
	for i := range rev {
		rev[i] = int64(e.n - 1 - i)
	}
	revTab := mb.int64s("steps reversed", []int{e.n}, rev)
	t := b.op("Gather", "backward/step", []string{revTab, iter}, "backward/step", attrInt("axis", 0))
	q := b.op("Gather", "backward/q", []string{qs, t}, "backward/q", attrInt("axis", 0))
	p1 := b.op("Mul", "backward/flow to option 1", []string{ein, q}, "backward/p1")
	p0 := b.op("Sub", "backward/flow to option 0", []string{ein, p1}, "backward/p0")
	flows := [2]string{p0, p1}
	var sums [2]string
	sum := func(k int) string {
		if sums[k] == "" {
			sums[k] = b.op("ReduceSum", fmt.Sprintf("backward/Σ p%d", k), []string{flows[k], mb.int64Const([]int{1}, 1)}, fmt.Sprintf("backward/Σ p%d", k), attrInt("keepdims", 0))
		}
		return sums[k]
	}
	var scans []string
	for j, in := range r.Inputs {
		var parts []string
		for k := range r.Options {
			c := r.Options[k].Coef[j]
			if c == 0 {
				continue
			}
			s := sum(k)
			if c != 1 {
				s = b.op("Mul", fmt.Sprintf("backward/%g·Σ p%d", c, k), []string{s, e.c(c)}, "backward/scaled flow")
			}
			parts = append(parts, s)
		}
		g := ""
		switch len(parts) {
		case 0:
			g = b.op("Mul", "backward/zero", []string{sum(0), e.c(0)}, "backward/zero")
		case 1:
			g = parts[0]
		default:
			g = b.op("Add", "backward/∂value/∂"+in, parts, "backward/∂value/∂"+in)
		}
		scans = append(scans, b.op("Identity", "backward/"+in+" scan", []string{g}, "backward/∂value/∂"+in+" step"))
	}
	var back [2]string
	for k := range r.Options {
		o := &r.Options[k]
		back[k] = flows[k]
		if o.Shift == nil {
			continue
		}
		parts := []string{}
		for _, p := range []string{e.zeroA, flows[k], e.zeroB} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		padded := flows[k]
		if len(parts) > 1 {
			padded = b.op("Concat", fmt.Sprintf("backward/padded p%d", k), parts, fmt.Sprintf("backward/padded p%d", k), attrInt("axis", 1))
		}
		starts, ends := e.startTable(fmt.Sprintf("option %d flow back", k), o, true)
		s := b.op("Gather", fmt.Sprintf("backward/option %d start", k), []string{starts, iter}, "backward/start", attrInt("axis", 0))
		en := b.op("Gather", fmt.Sprintf("backward/option %d end", k), []string{ends, iter}, "backward/end", attrInt("axis", 0))
		back[k] = b.op("Slice", fmt.Sprintf("backward/option %d flow back", k), []string{padded, s, en, mb.int64Const([]int{1}, 1)}, fmt.Sprintf("backward/p%d shifted", k))
	}
	eout := b.op("Add", "backward/∂value/∂"+r.State+" one step earlier", []string{back[0], back[1]}, "backward/e earlier")
	condOut := b.op("Identity", "backward/cond out", []string{cond}, "backward/cond out")
	body.Output = append(body.Output,
		valueInfo(condOut, onnxpb.TensorProto_BOOL, nil, ""),
		valueInfo(eout, mb.elem, []dim{{param: batchDim}, {size: e.L}}, "∂value/∂"+r.State+" before the step"))
	for _, s := range scans {
		body.Output = append(body.Output, valueInfo(s, mb.elem, []dim{{param: batchDim}}, "the step's marginal"))
	}
	outs := []string{mb.tensorName("∂value/∂" + r.State + " initial")}
	for _, in := range r.Inputs {
		outs = append(outs, mb.tensorName("∂value/∂"+in+" reversed"))
	}
	e.loopNode("backward", trips, []string{init}, body, outs, fmt.Sprintf("the %d steps in reverse: ∂value/∂%s and the marginals of the step's inputs", r.Steps, r.State))
	var grads []string
	for j, in := range r.Inputs {
		g := e.sc.op("Gather", "marginals "+in+" in step order", []string{outs[1+j], revTab}, "∂value/∂"+in+" [steps, N]", attrInt("axis", 0))
		grads = append(grads, transpose(e.sc, "marginals "+in, g, "∂value/∂"+in, 1, 0))
	}
	return grads
}
