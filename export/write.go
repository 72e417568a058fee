package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/internal/atomicfile"
	"github.com/dp2nn/dp2nn/relu"
	"google.golang.org/protobuf/proto"
)

// Write writes g as an ONNX model to w.
func Write(w io.Writer, g *relu.Graph, opt Options) error {
	b, err := Marshal(g, opt)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteFile writes g as an ONNX model to path, atomically
// (internal/atomicfile): path either keeps its old content or gets the
// whole model, no temporary file is left behind, and an error names path.
func WriteFile(path string, g *relu.Graph, opt Options) error {
	b, err := Marshal(g, opt)
	return writeModelFile(path, b, err)
}

// writeModelFile writes b, the marshalled model (err: why there is none),
// to path atomically.
func writeModelFile(path string, b []byte, err error) error {
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// Marshal returns g as the bytes of an ONNX model.
func Marshal(g *relu.Graph, opt Options) ([]byte, error) {
	return marshalModel(build(g, opt))
}

// marshalModel returns the bytes of m (err: why there is no model).
func marshalModel(m *onnxpb.ModelProto, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return b, nil
}

// ResolveLayout returns the layout Write uses for g (a valid graph) when
// asked for layout: layout itself, or for Auto, Dense when the dense
// layout needs at most AutoDenseLimit parameters and Structured
// otherwise. It also returns the number of parameters of the dense layout.
// The settled Unrolled form (Options.Settled) lays out the unrolled graph
// instead of the cell: ask about relu.UnrollWith's graph.
func ResolveLayout(g *relu.Graph, layout Layout) (Layout, int64) {
	sh := g.Shape()
	n := sh.DenseParams()
	if layout == Auto {
		if n <= AutoDenseLimit {
			return Dense, n
		}
		return Structured, n
	}
	return layout, n
}

// formSpec is the state structure of the Unrolled and Loop forms.
type formSpec struct {
	state    []string // state block names, in order (Unrolled, Loop)
	isState  map[string]bool
	stepIn   []int // per-step input blocks (neither state nor data)
	dataIn   []int // data input blocks, read by every step
	isData   map[string]bool
	stateIn  []int // input block of each state
	stateOut []int // output block of each state
}

func build(g *relu.Graph, opt Options) (*onnxpb.ModelProto, error) {
	if g == nil {
		return nil, errors.New("export: no graph")
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("export: invalid graph: %w", err)
	}
	spec, err := checkOptions(g, opt)
	if err != nil {
		return nil, err
	}
	cell := g // the graph the emitter lays out
	if opt.Form == Unrolled && opt.Settled != nil {
		cell, err = relu.UnrollWith(g, opt.Steps, spec.state, opt.Init, relu.UnrollOptions{Shared: opt.Data, Settled: opt.Settled})
		if err != nil {
			return nil, fmt.Errorf("export: settled unrolling: %w", err)
		}
	}
	p := newCellPlan(cell)
	layout := opt.Layout
	sh := cell.Shape()
	dense := sh.DenseParams()
	if layout == Auto {
		layout = Structured
		if dense <= AutoDenseLimit {
			layout = Dense
		}
	}
	if layout == Dense && dense > MaxDenseParams {
		gib := float64(dense) * float64(opt.DType.size()) / (1 << 30)
		return nil, fmt.Errorf("export: dense layout would need %s parameters (%.1f GiB in %s), more than the limit of %s; use the structured layout (-layout structured)",
			thousands(dense), gib, opt.DType, thousands(MaxDenseParams))
	}
	if opt.Gradient != nil && layout != Dense {
		return nil, fmt.Errorf("export: gradient: only the dense layout has a gradient output (the graph gets the %v layout; ask for -layout dense)", layout)
	}
	mb := newModelBuilder(opt.DType)
	var em cellEmitter
	if layout == Dense {
		em = newDenseEmitter(p, mb)
	} else {
		em = newStructuredEmitter(p, mb)
	}
	sc := &scope{mb: mb, g: mb.main}
	var decodeIn string // tensor searched by the decode tail
	switch opt.Form {
	case Cell:
		decodeIn, err = buildCell(sc, g, em, opt)
	case Unrolled:
		if opt.Settled != nil {
			decodeIn, err = buildSettled(sc, g, cell, em, opt, spec)
		} else {
			decodeIn, err = buildUnrolled(sc, g, em, opt, spec)
		}
	case Loop:
		decodeIn, err = buildLoop(sc, g, em, opt, spec)
	}
	if err != nil {
		return nil, err
	}
	if opt.Gradient != nil {
		if err := emitGradient(sc, g, em.(*denseEmitter), opt, spec); err != nil {
			return nil, err
		}
	}
	if d := opt.Decode; d != nil {
		for _, name := range []string{d.Name, d.CertainName()} {
			if name != "" && !mb.reserve(name) {
				return nil, fmt.Errorf("export: decode output name %q is already used by an input or output", name)
			}
		}
		b, _ := g.Output(d.Block)
		emitDecode(sc, d, decodeIn, b.Len)
		mb.main.Output = append(mb.main.Output, valueInfo(d.Name, mb.elem, []dim{{param: batchDim}}, "answer per instance: "+describeDecode(d)))
		if c := d.CertainName(); c != "" {
			mb.main.Output = append(mb.main.Output, valueInfo(c, mb.elem, []dim{{param: batchDim}}, fmt.Sprintf("1 where every comparison %s depends on is farther than the bound %v from its threshold (the answer is certain), else 0 (the answer is NaN)", d.Name, d.Bound)))
		}
	}

	doc := opt.Doc
	if doc == "" {
		doc = g.Doc
	}
	mb.main.Name = proto.String("dp2nn " + opt.Form.String())
	if opt.UnrolledSteps > 0 {
		mb.main.Name = proto.String("dp2nn " + Unrolled.String())
	}
	if doc != "" {
		mb.main.DocString = proto.String(doc)
	}
	m := &onnxpb.ModelProto{
		IrVersion:       proto.Int64(IRVersion),
		OpsetImport:     []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		ProducerName:    proto.String(producer),
		ProducerVersion: proto.String(FormatVersion),
		Graph:           mb.main,
	}
	if doc != "" {
		m.DocString = proto.String(doc)
	}
	form := opt.Form
	if opt.UnrolledSteps > 0 {
		form = Unrolled // a cell unrolled already: no state, every step's inputs
	}
	meta := map[string]string{
		metaForm:   form.String(),
		metaLayout: layout.String(),
		metaDType:  opt.DType.String(),
		metaBlocks: blocksJSON(g),
	}
	if opt.Form != Cell {
		meta[metaState] = strings.Join(spec.state, ",")
	}
	if opt.Form == Unrolled || opt.Form == Loop && len(spec.stepIn) == 0 {
		meta[metaSteps] = strconv.Itoa(opt.Steps)
	}
	if opt.UnrolledSteps > 0 {
		meta[metaSteps] = strconv.Itoa(opt.UnrolledSteps)
	}
	if opt.Form == Unrolled && opt.Settled != nil {
		meta[metaUnroll] = "settled"
	}
	if len(opt.Data) > 0 {
		meta[metaData] = strings.Join(opt.Data, ",")
	}
	if opt.Inf != nil {
		meta[metaInf] = infJSON(opt.Inf)
	}
	if opt.Decode != nil {
		meta[metaDecode] = describeDecode(opt.Decode)
	}
	setMetadata(m, meta, opt.Source, opt.Metadata)
	return m, nil
}

// setMetadata writes meta, then source's keys and extra (which win), to
// m's metadata_props in key order.
func setMetadata(m *onnxpb.ModelProto, meta map[string]string, source *Source, extra map[string]string) {
	if source != nil {
		maps.Copy(meta, source.metadata())
	}
	maps.Copy(meta, extra)
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		m.MetadataProps = append(m.MetadataProps, &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(meta[k])})
	}
}

// Keys of metadata_props written by dp2nn.
const (
	metaPrefix = "dp2nn."
	metaForm   = "dp2nn.form"
	metaLayout = "dp2nn.layout"
	metaDType  = "dp2nn.dtype"
	metaState  = "dp2nn.state"
	metaSteps  = "dp2nn.steps"
	metaBlocks = "dp2nn.blocks"
	metaDecode = "dp2nn.decode"
	metaData   = "dp2nn.data"
	metaInf    = "dp2nn.inf"
	metaUnroll = "dp2nn.unroll"
)

// infInfo is the JSON of dp2nn.inf.
type infInfo struct {
	BigM   float64            `json:"bigm"`
	Data   []string           `json:"data"`
	Finite map[string]float64 `json:"finite"`
}

func infJSON(inf *Inf) string {
	ii := infInfo{BigM: inf.BigM, Data: inf.Data, Finite: inf.Finite}
	if ii.Data == nil {
		ii.Data = []string{}
	}
	if ii.Finite == nil {
		ii.Finite = map[string]float64{}
	}
	s, _ := json.Marshal(ii) // sorted keys: deterministic
	return string(s)
}

// blockInfo is the JSON of dp2nn.blocks: the relu graph's blocks with
// their shapes, which the flat [N, Len] tensors do not show.
type blockInfo struct {
	Inputs  []blockShape `json:"inputs"`
	Outputs []blockShape `json:"outputs"`
}

type blockShape struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

func blocksJSON(g *relu.Graph) string {
	var bi blockInfo
	for _, b := range g.Inputs {
		bi.Inputs = append(bi.Inputs, blockShape{b.Name, b.Shape})
	}
	for _, b := range g.Outputs {
		bi.Outputs = append(bi.Outputs, blockShape{b.Name, b.Shape})
	}
	s, _ := json.Marshal(bi)
	return string(s)
}

// checkOptions reports every problem with opt at once and works out the
// state of the Unrolled and Loop forms.
func checkOptions(g *relu.Graph, opt Options) (*formSpec, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("export: "+format, args...)) }
	switch {
	case opt.Layout == Vector:
		bad("the vector layout is for smoothed recurrences (WriteRecurrence, -scheme smooth -form loop), not for a network of neurons")
	case opt.Layout > Vector:
		bad("unknown layout %d", opt.Layout)
	}
	if opt.Form > Loop {
		bad("unknown form %d", opt.Form)
	}
	if opt.DType > Float64 {
		bad("unknown dtype %d", opt.DType)
	}
	if len(g.Outputs) == 0 {
		bad("the graph has no outputs")
	}
	if opt.Settled != nil && opt.Form != Unrolled {
		bad("Settled goes with the unrolled form, not the %s form", opt.Form)
	}
	if opt.UnrolledSteps < 0 || opt.UnrolledSteps > 0 && opt.Form != Cell {
		bad("UnrolledSteps %d: a cell unrolled already is written in the cell form, not the %s form", opt.UnrolledSteps, opt.Form)
	}
	seen := map[string]string{}
	for _, b := range g.Inputs {
		if seen[b.Name] != "" {
			bad("two input blocks are named %q", b.Name)
		}
		seen[b.Name] = "input"
	}
	outs := map[string]bool{}
	for _, b := range g.Outputs {
		if outs[b.Name] {
			bad("two output blocks are named %q", b.Name)
		}
		outs[b.Name] = true
	}
	hasInput := false
	for _, b := range g.Inputs {
		hasInput = hasInput || b.Len > 0
	}
	if !hasInput {
		bad("the graph has no input values; an ONNX model needs one to carry the batch dimension")
	}
	for k := range opt.Metadata {
		if why := reservedKey(k, opt.Source); why != "" {
			bad("metadata key %q: %s", k, why)
		}
	}
	spec := &formSpec{isState: map[string]bool{}, isData: map[string]bool{}}
	for _, name := range opt.Data {
		_, in := g.Input(name)
		switch {
		case spec.isData[name]:
			bad("data block %q is named twice", name)
		case !in:
			bad("data block %q is not an input block of the graph", name)
		case outs[name]:
			bad("data block %q is also an output block (state); data are given once per instance and never change", name)
		}
		spec.isData[name] = true
	}
	if inf := opt.Inf; inf != nil {
		if math.IsNaN(inf.BigM) || math.IsInf(inf.BigM, 0) {
			bad("inf: BigM %v is not a finite number", inf.BigM)
		}
		for _, name := range inf.Data {
			if !spec.isData[name] {
				bad("inf: %q is not a data block (Options.Data: %s)", name, strings.Join(opt.Data, ", "))
			}
		}
		for name, hi := range inf.Finite {
			switch {
			case !outs[name]:
				bad("inf: %q is not an output block of the graph", name)
			case !(hi < inf.BigM):
				bad("inf: the largest finite value %v of %q is not below BigM %v", hi, name, inf.BigM)
			}
		}
	}
	if opt.Form == Unrolled || opt.Form == Loop {
		spec.state = opt.State
		if spec.state == nil {
			for _, b := range g.Inputs {
				if outs[b.Name] {
					spec.state = append(spec.state, b.Name)
				}
			}
		}
		if len(spec.state) == 0 {
			bad("the %s form needs state, but no input block is also an output", opt.Form)
		}
		for _, name := range spec.state {
			if spec.isState[name] {
				bad("state %q is named twice", name)
				continue
			}
			spec.isState[name] = true
			in := slices.IndexFunc(g.Inputs, func(b relu.Block) bool { return b.Name == name })
			out := slices.IndexFunc(g.Outputs, func(b relu.Block) bool { return b.Name == name })
			switch {
			case in < 0 && out < 0:
				bad("state %q is neither an input nor an output block of the graph", name)
				continue
			case in < 0:
				bad("state %q is not an input block of the graph", name)
				continue
			case out < 0:
				bad("state %q is not an output block of the graph", name)
				continue
			case g.Inputs[in].Len != g.Outputs[out].Len:
				bad("state %q has %d inputs but %d outputs", name, g.Inputs[in].Len, g.Outputs[out].Len)
				continue
			}
			spec.stateIn = append(spec.stateIn, in)
			spec.stateOut = append(spec.stateOut, out)
			v, ok := opt.Init[name]
			switch {
			case !ok:
				bad("state %q has no initial value in Options.Init", name)
			case len(v) != g.Inputs[in].Len:
				bad("initial value of state %q has %d entries, want %d", name, len(v), g.Inputs[in].Len)
			}
		}
		for name := range opt.Init {
			if !spec.isState[name] {
				bad("Options.Init has a value for %q, which is not a state", name)
			}
		}
		for i, b := range g.Inputs {
			switch {
			case spec.isData[b.Name]:
				spec.dataIn = append(spec.dataIn, i)
			case !spec.isState[b.Name]:
				spec.stepIn = append(spec.stepIn, i)
			}
		}
		if len(spec.stepIn) == 0 && len(spec.dataIn) == 0 && len(spec.state) > 0 {
			bad("the %s form needs a per-step or data input (an input block that is not state) to carry the batch dimension", opt.Form)
		}
		if opt.Form == Unrolled && opt.Steps < 1 {
			bad("the unrolled form needs Steps >= 1, got %d", opt.Steps)
		}
		if opt.Settled != nil && opt.Gradient != nil {
			bad("gradient: the settled unrolled form has no gradient output; leave Settled nil")
		}
		for name := range opt.Settled {
			if !spec.isState[name] {
				bad("Settled has steps for %q, which is not a state", name)
			}
		}
		if opt.Form == Loop && len(spec.stepIn) == 0 && opt.Steps < 1 {
			bad("the loop form of a cell without per-step inputs runs a fixed number of steps: it needs Steps >= 1, got %d", opt.Steps)
		}
	}
	if d := opt.Decode; d != nil {
		if d.Name == "" {
			bad("decode: empty output name")
		}
		if !slices.Contains(decodeOps, d.Op) {
			bad("decode: unknown comparison %q (valid: %s)", d.Op, strings.Join(decodeOps, ", "))
		}
		if opt.Form == Cell {
			if !outs[d.Block] {
				bad("decode: block %q is not an output block of the graph", d.Block)
			}
		} else if !spec.isState[d.Block] {
			bad("decode: block %q is not a state block (state: %s)", d.Block, strings.Join(spec.state, ", "))
		}
		if b, ok := g.Output(d.Block); ok && d.Range != nil {
			last := d.IndexLo + b.Len - 1
			if len(d.Range) != 2 || d.Range[0] > d.Range[1] || d.Range[0] < d.IndexLo || d.Range[1] > last {
				bad("decode: range %v is not [lo, hi] within the indices %d..%d of block %q", d.Range, d.IndexLo, last, d.Block)
			}
		}
		if math.IsNaN(d.Threshold) || math.IsNaN(d.Bound) || d.Bound < 0 {
			bad("decode: threshold %v and bound %v must be numbers, the bound >= 0", d.Threshold, d.Bound)
		}
		if d.Integer && d.Bound != 0 {
			bad("decode: an integer comparison has no bound (got %v): its values are exact", d.Bound)
		}
		if d.Bound > 0 && d.MaxSteps > 0 && opt.Form == Unrolled && opt.Steps > d.MaxSteps {
			bad("decode: the bound %v holds for %d steps, the unrolled form has %d", d.Bound, d.MaxSteps, opt.Steps)
		}
	}
	checkGradient(g, opt, spec, bad)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return spec, nil
}

func (mb *modelBuilder) blockInput(name string, dims []dim, doc string) {
	if !mb.reserve(name) {
		panic(fmt.Sprintf("export: input name %q taken", name))
	}
	delete(mb.reserved, name) // inputs are never produced by a node
	mb.main.Input = append(mb.main.Input, valueInfo(name, mb.elem, dims, doc))
}

// outputName reserves name, or name_next when an input took it.
func (mb *modelBuilder) outputName(name string) (string, error) {
	for _, n := range []string{name, name + "_next"} {
		if mb.reserve(n) {
			return n, nil
		}
	}
	return "", fmt.Errorf("export: cannot name output block %q: %q and %q are taken", name, name, name+"_next")
}

func batchRow(n int) []dim { return []dim{{param: batchDim}, {size: n}} }

// cellRow is the shape of a block of n values in the emitter's
// orientation: [n, N] feature-major, [N, n] batch-major.
func cellRow(fm bool, n int) []dim {
	if fm {
		return []dim{{size: n}, {param: batchDim}}
	}
	return batchRow(n)
}

func blockDoc(b relu.Block) string {
	return fmt.Sprintf("block %s, shape %v, flattened row-major", b.Name, b.Shape)
}

// transpose adds a Transpose node; out is reserved or made unique as for
// opTo.
func transpose(sc *scope, name, x, out string, perm ...int64) string {
	return sc.opTo("Transpose", name, []string{x}, out, attrInts("perm", perm...))
}

// fmName is the name of the feature-major copy of a tensor.
func fmName(name string) string { return name + "^T" }

func buildCell(sc *scope, g *relu.Graph, em cellEmitter, opt Options) (string, error) {
	mb := sc.mb
	fm := em.featureMajor()
	in := make([]string, len(g.Inputs))
	for i, b := range g.Inputs {
		if slices.Contains(opt.Data, b.Name) {
			in[i] = dataInput(sc, b, opt, fm)
			continue
		}
		mb.blockInput(b.Name, batchRow(b.Len), "input "+blockDoc(b))
		in[i] = b.Name
		if fm {
			in[i] = transpose(sc, "transpose "+b.Name, b.Name, fmName(b.Name), 1, 0)
		}
	}
	final, out, err := mb.outputNames(g.Outputs, fm)
	if err != nil {
		return "", err
	}
	got := em.emit(sc, "", in, out)
	decodeIn := ""
	for i, b := range g.Outputs {
		if fm {
			got[i] = transpose(sc, "transpose "+final[i], got[i], final[i], 1, 0)
		}
		mb.main.Output = append(mb.main.Output, valueInfo(got[i], mb.elem, batchRow(b.Len), "output "+blockDoc(b)))
		if opt.Decode != nil && opt.Decode.Block == b.Name {
			decodeIn = got[i]
		}
	}
	return decodeIn, nil
}

// dataInput declares data block b as a graph input [N, Len] and returns
// the tensor the cell reads: with +inf replaced by BigM when opt.Inf says
// the block may hold it, transposed to [Len, N] feature-major.
func dataInput(sc *scope, b relu.Block, opt Options, fm bool) string {
	sc.mb.blockInput(b.Name, batchRow(b.Len), "data "+blockDoc(b)+", given once per instance")
	x := b.Name
	if inf := opt.Inf; inf != nil && slices.Contains(inf.Data, b.Name) {
		m := make([]float64, b.Len)
		for i := range m {
			m[i] = inf.BigM
		}
		c := sc.mb.floats(b.Name+"/BigM", []int{1, b.Len}, m)
		x = sc.op("Min", b.Name+"/inf to BigM", []string{x, c}, b.Name+"/finite")
		sc.doc(fmt.Sprintf("replaces +inf by BigM = %v (finite values are below it and pass unchanged)", inf.BigM))
	}
	if fm {
		x = transpose(sc, "transpose "+b.Name, x, fmName(b.Name), 1, 0)
	}
	return x
}

// formInputs declares the input blocks of the Unrolled and Loop forms in
// the cell's order, the per-step blocks as [N, steps, Len] (steps fixed
// or symbolic) and the data blocks as [N, Len], and returns per input
// block the tensor the steps read: for a per-step block the tensor they
// slice (the input itself batch-major, its [steps, Len, N] transpose
// feature-major), for a data block the tensor of dataInput. It also
// returns the graph input that carries the batch dimension first.
func formInputs(sc *scope, g *relu.Graph, opt Options, spec *formSpec, fm bool, steps dim, doc string) (xs []string, carrier string) {
	xs = make([]string, len(g.Inputs))
	for i, b := range g.Inputs {
		switch {
		case spec.isData[b.Name]:
			xs[i] = dataInput(sc, b, opt, fm)
		case !spec.isState[b.Name]:
			sc.mb.blockInput(b.Name, []dim{{param: batchDim}, steps, {size: b.Len}}, fmt.Sprintf("per-step input %s, %s", blockDoc(b), doc))
			xs[i] = b.Name
			if fm {
				xs[i] = transpose(sc, "transpose "+b.Name, b.Name, fmName(b.Name), 1, 2, 0)
			}
		}
	}
	if len(spec.stepIn) > 0 {
		return xs, g.Inputs[spec.stepIn[0]].Name
	}
	return xs, g.Inputs[spec.dataIn[0]].Name // checkOptions made sure there is one
}

// stepSlice adds the Gather of step idx of a per-step input x (as
// returned by formInputs).
func stepSlice(sc *scope, fm bool, name, x, idx, out string) string {
	axis := int64(1)
	if fm {
		axis = 0
	}
	return sc.op("Gather", name, []string{x, idx}, out, attrInt("axis", axis))
}

// initialStates broadcasts the constant initial states to a batch ([N,
// Len], or [Len, N] feature-major), with N read from shape, the shape of
// a per-step input ([N, steps, Len]) or a data input ([N, Len]).
func initialStates(sc *scope, g *relu.Graph, opt Options, spec *formSpec, fm bool, shape string) []string {
	mb := sc.mb
	n := sc.op("Slice", "init/batch size", []string{shape, mb.int64Const([]int{1}, 0), mb.int64Const([]int{1}, 1)}, "init/N")
	one := mb.int64Const([]int{1}, 1)
	var target string
	if fm {
		target = sc.op("Concat", "init/1×N", []string{one, n}, "init/1×N", attrInt("axis", 0))
	} else {
		target = sc.op("Concat", "init/N×1", []string{n, one}, "init/N×1", attrInt("axis", 0))
	}
	var states []string
	for i, name := range spec.state {
		b := g.Inputs[spec.stateIn[i]]
		dims := []int{1, b.Len}
		if fm {
			dims = []int{b.Len, 1}
		}
		c := mb.floats(name+"/init", dims, opt.Init[name])
		states = append(states, sc.op("Expand", name+"/init batch", []string{c, target}, name+"/init batch"))
	}
	return states
}

func buildUnrolled(sc *scope, g *relu.Graph, em cellEmitter, opt Options, spec *formSpec) (string, error) {
	mb := sc.mb
	fm := em.featureMajor()
	xs, x0 := formInputs(sc, g, opt, spec, fm, dim{size: opt.Steps}, fmt.Sprintf("all %d steps, step-major", opt.Steps))
	final := make([]string, len(spec.state))
	for i, name := range spec.state {
		n, err := mb.outputName(name)
		if err != nil {
			return "", err
		}
		final[i] = n
	}
	cur := initialStates(sc, g, opt, spec, fm, sc.op("Shape", "input shape", []string{x0}, x0+" shape"))
	for k := 1; k <= opt.Steps; k++ {
		prefix := fmt.Sprintf("s%d/", k)
		in := make([]string, len(g.Inputs))
		idx := mb.int64Const(nil, int64(k-1))
		for _, i := range spec.stepIn {
			name := g.Inputs[i].Name
			in[i] = stepSlice(sc, fm, prefix+"input "+name, xs[i], idx, prefix+name)
		}
		for _, i := range spec.dataIn {
			in[i] = xs[i]
		}
		for s, i := range spec.stateIn {
			in[i] = cur[s]
		}
		out := make([]string, len(g.Outputs))
		for s, o := range spec.stateOut {
			out[o] = prefix + spec.state[s]
			if k == opt.Steps && !fm {
				out[o] = final[s]
			}
		}
		got := em.emit(sc, prefix, in, out)
		for s, o := range spec.stateOut {
			cur[s] = got[o]
		}
	}
	decodeIn := ""
	for s, name := range spec.state {
		b := g.Outputs[spec.stateOut[s]]
		if fm {
			cur[s] = transpose(sc, "transpose "+final[s], cur[s], final[s], 1, 0)
		}
		mb.main.Output = append(mb.main.Output, valueInfo(cur[s], mb.elem, batchRow(b.Len), fmt.Sprintf("state %s after step %d", blockDoc(b), opt.Steps)))
		if opt.Decode != nil && opt.Decode.Block == name {
			decodeIn = cur[s]
		}
	}
	return decodeIn, nil
}

// buildSettled emits the Unrolled form from flat, the cell g unrolled
// by relu.UnrollWith: a feed-forward graph from the data blocks and every
// step's per-step blocks to the final state. A per-step block is a graph
// input [N, Steps, Len] as in buildUnrolled, reshaped to flat's block
// [N, Steps·Len].
func buildSettled(sc *scope, g, flat *relu.Graph, em cellEmitter, opt Options, spec *formSpec) (string, error) {
	mb := sc.mb
	fm := em.featureMajor()
	in := make([]string, len(flat.Inputs))
	for i, b := range flat.Inputs {
		if spec.isData[b.Name] {
			in[i] = dataInput(sc, b, opt, fm)
			continue
		}
		cb, _ := g.Input(b.Name)
		mb.blockInput(b.Name, []dim{{param: batchDim}, {size: opt.Steps}, {size: cb.Len}}, fmt.Sprintf("per-step input %s, all %d steps, step-major", blockDoc(cb), opt.Steps))
		x := sc.op("Reshape", "flatten "+b.Name, []string{b.Name, mb.int64Const([]int{2}, 0, int64(b.Len))}, b.Name+" steps flat")
		if fm {
			x = transpose(sc, "transpose "+b.Name, x, fmName(b.Name), 1, 0)
		}
		in[i] = x
	}
	final, out, err := mb.outputNames(flat.Outputs, fm)
	if err != nil {
		return "", err
	}
	got := em.emit(sc, "", in, out)
	decodeIn := ""
	for i, b := range flat.Outputs {
		if fm {
			got[i] = transpose(sc, "transpose "+final[i], got[i], final[i], 1, 0)
		}
		mb.main.Output = append(mb.main.Output, valueInfo(got[i], mb.elem, batchRow(b.Len), fmt.Sprintf("state %s after step %d (each unit computed up to the step it settles at)", blockDoc(b), opt.Steps)))
		if opt.Decode != nil && opt.Decode.Block == b.Name {
			decodeIn = got[i]
		}
	}
	return decodeIn, nil
}

func buildLoop(sc *scope, g *relu.Graph, em cellEmitter, opt Options, spec *formSpec) (string, error) {
	mb := sc.mb
	fm := em.featureMajor()
	stepsOf := dim{param: stepsDim}
	if len(spec.stepIn) == 0 {
		stepsOf = dim{size: opt.Steps}
	}
	xs, x0 := formInputs(sc, g, opt, spec, fm, stepsOf, "all steps, step-major; the number of steps is read from this shape")
	final := make([]string, len(spec.state))
	steps := make([]string, len(spec.state))
	for i, name := range spec.state {
		var err error
		if final[i], err = mb.outputName(name); err != nil {
			return "", err
		}
		if steps[i], err = mb.outputName(name + "_steps"); err != nil {
			return "", err
		}
	}
	shape := sc.op("Shape", "input shape", []string{x0}, x0+" shape")
	var trips string
	if len(spec.stepIn) > 0 {
		trips = sc.op("Gather", "loop/trip count", []string{shape, mb.int64Const(nil, 1)}, "loop/trip count", attrInt("axis", 0))
		sc.trips = trips
	} else {
		trips = mb.int64Const(nil, int64(opt.Steps)) // a program with a steps line
	}
	init := initialStates(sc, g, opt, spec, fm, shape)

	body := &onnxpb.GraphProto{Name: proto.String("dp2nn step")}
	bsc := &scope{mb: mb, g: body}
	iter := mb.tensorName("loop/step index")
	cond := mb.tensorName("loop/cond")
	body.Input = append(body.Input,
		valueInfo(iter, onnxpb.TensorProto_INT64, nil, "iteration number, from 0"),
		valueInfo(cond, onnxpb.TensorProto_BOOL, nil, "loop condition (always true)"))
	in := make([]string, len(g.Inputs))
	for _, i := range spec.stateIn {
		b := g.Inputs[i]
		in[i] = mb.tensorName("loop/" + b.Name)
		body.Input = append(body.Input, valueInfo(in[i], mb.elem, cellRow(fm, b.Len), "state "+blockDoc(b)+" before the step"))
	}
	for _, i := range spec.stepIn {
		name := g.Inputs[i].Name
		in[i] = stepSlice(bsc, fm, "loop/input "+name, xs[i], iter, "loop/"+name+" step")
	}
	for _, i := range spec.dataIn {
		in[i] = xs[i] // from the outer graph
	}
	out := make([]string, len(g.Outputs))
	for s, o := range spec.stateOut {
		out[o] = "loop/" + spec.state[s] + " next"
	}
	got := em.emit(bsc, "loop/", in, out)
	condOut := bsc.op("Identity", "loop/cond out", []string{cond}, "loop/cond out")
	body.Output = append(body.Output, valueInfo(condOut, onnxpb.TensorProto_BOOL, nil, ""))
	var scans []*onnxpb.ValueInfoProto
	for s, o := range spec.stateOut {
		b := g.Outputs[o]
		body.Output = append(body.Output, valueInfo(got[o], mb.elem, cellRow(fm, b.Len), "state "+blockDoc(b)+" after the step"))
		scan := bsc.op("Identity", "loop/"+spec.state[s]+" scan", []string{got[o]}, "loop/"+spec.state[s]+" scan")
		scans = append(scans, valueInfo(scan, mb.elem, cellRow(fm, b.Len), ""))
	}
	body.Output = append(body.Output, scans...)

	outs := append(append([]string(nil), final...), steps...)
	if fm {
		for i, n := range outs {
			outs[i] = mb.tensorName(fmName(n))
		}
	} else {
		for _, n := range outs {
			delete(mb.reserved, n)
		}
	}
	sc.g.Node = append(sc.g.Node, &onnxpb.NodeProto{
		Name:      proto.String(fresh(mb.node, "loop")),
		OpType:    proto.String("Loop"),
		Input:     append([]string{trips, ""}, init...),
		Output:    outs,
		Attribute: []*onnxpb.AttributeProto{attrGraph("body", body)},
		DocString: proto.String(loopDoc(spec, opt.Steps)),
	})
	if fm {
		for s := range spec.state {
			transpose(sc, "transpose "+final[s], outs[s], final[s], 1, 0)
			transpose(sc, "transpose "+steps[s], outs[len(final)+s], steps[s], 0, 2, 1)
		}
	}
	decodeIn := ""
	for s, name := range spec.state {
		b := g.Outputs[spec.stateOut[s]]
		mb.main.Output = append(mb.main.Output, valueInfo(final[s], mb.elem, batchRow(b.Len), "state "+blockDoc(b)+" after the last step"))
		if opt.Decode != nil && opt.Decode.Block == name {
			decodeIn = final[s]
		}
	}
	for s := range spec.state {
		b := g.Outputs[spec.stateOut[s]]
		mb.main.Output = append(mb.main.Output, valueInfo(steps[s], mb.elem, []dim{stepsOf, {param: batchDim}, {size: b.Len}}, "state "+blockDoc(b)+" after each step, for backtracking"))
	}
	return decodeIn, nil
}

func loopDoc(spec *formSpec, steps int) string {
	if len(spec.stepIn) == 0 {
		return fmt.Sprintf("%d steps of the cell (the program's step count)", steps)
	}
	return "one step of the cell per step of the per-step inputs"
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// outputNames returns the graph output name of every output block and the
// name its value is emitted under (the feature-major name when fm, which
// a transpose then turns into the output).
func (mb *modelBuilder) outputNames(outputs []relu.Block, fm bool) (final, out []string, err error) {
	final = make([]string, len(outputs))
	out = make([]string, len(outputs))
	for i, b := range outputs {
		n, err := mb.outputName(b.Name)
		if err != nil {
			return nil, nil, err
		}
		final[i], out[i] = n, n
		if fm {
			out[i] = fmName(n)
		}
	}
	return final, out, nil
}
