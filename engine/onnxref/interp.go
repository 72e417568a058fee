package onnxref

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"google.golang.org/protobuf/proto"
)

// Run evaluates the model with a small reference interpreter, without
// ONNX Runtime. It takes one tensor per graph input and returns every
// graph output. Float32 models compute in float32: every product and sum
// is rounded to float32, as a runtime does.
//
// The interpreter runs exactly the operators export.Write and
// export/smoothonnx emit (Gemm, Relu, the smoothed activations' Softplus,
// Sigmoid, Clip, Sqrt, Exp, Log, Abs, Neg, Add, Sub, Mul, Div, Min and Max
// of two inputs, Gather, Concat, ReduceSum, ReduceMax, ReduceMin, Shape,
// Slice, Expand, Transpose, Reshape, MatMul, Identity, Where, And, Not,
// the comparisons, Cast, Loop; and for the smooth graph TopK, CumSum,
// GatherElements, ScatterElements, ScatterND, Pad, ConstantOfShape,
// Squeeze and Unsqueeze), in node order, by the ONNX specification of
// opset 17 (ScatterElements and ScatterND take the reductions max and min
// of opset 18 too). Where the specification leaves a result undefined
// (two updates of one element without a reduction, a cast of NaN to an
// integer) it gives an error, not a guess.
func Run(m *export.Model, inputs map[string]export.Tensor) (map[string]export.Tensor, error) {
	s, err := Open(m)
	if err != nil {
		return nil, err
	}
	return s.Run(inputs)
}

// Session is a model ready to run: its initializers decoded once.
type Session struct {
	graph   *onnxpb.GraphProto
	inputs  []export.Port
	elems   []elemType // per input: its element type
	outputs []export.Port
	inits   map[string]*value
	infos   map[*onnxpb.GraphProto]*graphInfo // read only: Run may be called concurrently
}

// Open decodes the initializers of a model written by export.
func Open(m *export.Model) (*Session, error) {
	elem := elemFloat
	if m.DType == export.Float64 {
		elem = elemDouble
	}
	elems := make([]elemType, len(m.Inputs))
	for i := range elems {
		elems[i] = elem
	}
	return open(m.Proto.Graph, m.Inputs, elems, m.Outputs)
}

// OpenModel decodes the initializers of any model of float or double
// inputs and outputs in the default ONNX domain, such as the smooth
// graph of one instance (export/smoothonnx), which export.Read does not
// read: its inputs' element types and shapes are read from the graph.
func OpenModel(p *onnxpb.ModelProto) (*Session, error) {
	g := p.GetGraph()
	if g == nil {
		return nil, fmt.Errorf("onnxref: the model has no graph")
	}
	for _, o := range p.OpsetImport {
		if d := o.GetDomain(); d != "" && d != "ai.onnx" {
			return nil, fmt.Errorf("onnxref: the model imports operator set %q, which dp2nn does not run", d)
		}
	}
	inits := map[string]bool{}
	for _, t := range g.Initializer {
		inits[t.GetName()] = true
	}
	var ins, outs []export.Port
	var elems []elemType
	for _, vi := range g.Input {
		if inits[vi.GetName()] {
			continue // an initializer listed as input (IR < 4 style)
		}
		var e elemType
		switch onnxpb.TensorProto_DataType(vi.GetType().GetTensorType().GetElemType()) {
		case onnxpb.TensorProto_FLOAT:
			e = elemFloat
		case onnxpb.TensorProto_DOUBLE:
			e = elemDouble
		default:
			return nil, fmt.Errorf("onnxref: input %q is not a float or double tensor", vi.GetName())
		}
		ins, elems = append(ins, port(vi)), append(elems, e)
	}
	for _, vi := range g.Output {
		outs = append(outs, port(vi))
	}
	return open(g, ins, elems, outs)
}

// OpenBytes reads a serialized ONNX model and opens it as OpenModel
// does.
func OpenBytes(b []byte) (*Session, error) {
	var p onnxpb.ModelProto
	if err := proto.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("onnxref: not an ONNX model (or corrupt): %v", err)
	}
	return OpenModel(&p)
}

// port is the name and shape of a graph input or output (a symbolic
// dimension is −1, named in DimNames).
func port(vi *onnxpb.ValueInfoProto) export.Port {
	p := export.Port{Name: vi.GetName(), Doc: vi.GetDocString()}
	for _, d := range vi.GetType().GetTensorType().GetShape().GetDim() {
		if v, ok := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue); ok && v.DimValue >= 0 {
			p.Dims = append(p.Dims, int(v.DimValue))
		} else {
			p.Dims = append(p.Dims, -1) // symbolic or unknown
		}
		p.DimNames = append(p.DimNames, d.GetDimParam())
	}
	return p
}

func open(g *onnxpb.GraphProto, ins []export.Port, elems []elemType, outs []export.Port) (*Session, error) {
	inits := map[string]*value{}
	for _, t := range g.Initializer {
		v, err := decodeTensor(t)
		if err != nil {
			return nil, err
		}
		inits[t.GetName()] = v
	}
	infos := map[*onnxpb.GraphProto]*graphInfo{}
	analyse(g, infos)
	for sg, gi := range infos {
		if sg == g || len(sg.Initializer) == 0 {
			continue
		}
		gi.inits = map[string]*value{}
		for _, t := range sg.Initializer {
			v, err := decodeTensor(t)
			if err != nil {
				return nil, err
			}
			gi.inits[t.GetName()] = v
		}
	}
	return &Session{graph: g, inputs: ins, elems: elems, outputs: outs, inits: inits, infos: infos}, nil
}

// Run evaluates the model on one tensor per graph input (see the package
// Run).
func (s *Session) Run(inputs map[string]export.Tensor) (out map[string]export.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			shape, ok := r.(tooLarge)
			if !ok {
				panic(r)
			}
			out, err = nil, fmt.Errorf("onnxref: the model asks for a tensor of shape %v, more than %d elements", []int(shape), maxElements)
		}
	}()
	env := &env{vals: map[string]*value{}, parent: &env{vals: s.inits}, info: s.infos[s.graph], infos: s.infos}
	sizes := map[string]int{}
	for name := range inputs {
		if !slices.ContainsFunc(s.inputs, func(p export.Port) bool { return p.Name == name }) {
			return nil, fmt.Errorf("onnxref: the model has no input %q", name)
		}
	}
	for k, p := range s.inputs {
		t, ok := inputs[p.Name]
		if !ok {
			return nil, fmt.Errorf("onnxref: missing input %q", p.Name)
		}
		if len(t.Shape) != len(p.Dims) {
			return nil, fmt.Errorf("onnxref: input %q has shape %v, want %s", p.Name, t.Shape, p.ShapeString())
		}
		for i, d := range p.Dims {
			switch {
			case d >= 0 && t.Shape[i] != d:
				return nil, fmt.Errorf("onnxref: input %q has shape %v, want %s", p.Name, t.Shape, p.ShapeString())
			case d < 0 && p.DimNames[i] != "":
				if s, ok := sizes[p.DimNames[i]]; ok && s != t.Shape[i] {
					return nil, fmt.Errorf("onnxref: input %q has %s = %d, another input has %d", p.Name, p.DimNames[i], t.Shape[i], s)
				}
				sizes[p.DimNames[i]] = t.Shape[i]
			}
		}
		if export.NumElements(t.Shape) != len(t.Data) {
			return nil, fmt.Errorf("onnxref: input %q has %d values for shape %v", p.Name, len(t.Data), t.Shape)
		}
		v := &value{elem: s.elems[k], shape: append([]int(nil), t.Shape...), f: make([]float64, len(t.Data))}
		for i, x := range t.Data {
			v.f[i] = v.round(x)
		}
		env.vals[p.Name] = v
	}
	if err := runGraph(s.graph, env); err != nil {
		return nil, err
	}
	out = map[string]export.Tensor{}
	for _, p := range s.outputs {
		v, err := env.get(p.Name)
		if err != nil {
			return nil, err
		}
		if !v.isFloat() {
			return nil, fmt.Errorf("onnxref: output %q is not a float tensor", p.Name)
		}
		out[p.Name] = export.Tensor{Shape: append([]int(nil), v.shape...), Data: append([]float64{}, v.f...)}
	}
	return out, nil
}

type elemType int

const (
	elemFloat elemType = iota
	elemDouble
	elemInt64
	elemInt32
	elemBool
)

// value is a tensor of the interpreter. Float data lives in f (float32
// values are kept exactly representable), integers in i, booleans in b.
type value struct {
	elem  elemType
	shape []int
	f     []float64
	i     []int64
	b     []bool
}

func (v *value) isFloat() bool { return v.elem == elemFloat || v.elem == elemDouble }
func (v *value) isInt() bool   { return v.elem == elemInt64 || v.elem == elemInt32 }
func (v *value) size() int     { return export.NumElements(v.shape) }

// round rounds x to v's element type. Rounding the float64 result of
// one float32 operation to float32 gives the correctly rounded float32
// result, so this emulates float32 arithmetic exactly.
func (v *value) round(x float64) float64 {
	if v.elem == elemFloat {
		return float64(float32(x))
	}
	return x
}

// maxElements bounds every tensor of the interpreter, so that a corrupt
// file claiming a huge shape gives an error instead of exhausting memory.
const maxElements = 1 << 27

// tooLarge is the panic value of like for a tensor above maxElements; Run
// turns it into an error.
type tooLarge []int

// checkSize returns the number of elements of shape, panicking with
// tooLarge above maxElements.
func checkSize(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 || d > maxElements || n*d > maxElements {
			panic(tooLarge(append([]int(nil), shape...)))
		}
		n *= d
	}
	return n
}

// like returns an empty value of v's element type and the given shape.
func like(v *value, shape []int) *value {
	n := checkSize(shape)
	out := &value{elem: v.elem, shape: shape}
	switch {
	case v.isFloat():
		out.f = make([]float64, n)
	case v.isInt():
		out.i = make([]int64, n)
	default:
		out.b = make([]bool, n)
	}
	return out
}

// copyElem copies element j of src to element i of dst (same type).
func copyElem(dst *value, i int, src *value, j int) {
	switch {
	case src.isFloat():
		dst.f[i] = src.f[j]
	case src.isInt():
		dst.i[i] = src.i[j]
	default:
		dst.b[i] = src.b[j]
	}
}

// copyRange copies n elements of src from j to dst from i (same type).
func copyRange(dst *value, i int, src *value, j, n int) {
	switch {
	case src.isFloat():
		copy(dst.f[i:i+n], src.f[j:j+n])
	case src.isInt():
		copy(dst.i[i:i+n], src.i[j:j+n])
	default:
		copy(dst.b[i:i+n], src.b[j:j+n])
	}
}

func decodeTensor(t *onnxpb.TensorProto) (*value, error) {
	v := &value{}
	for _, d := range t.Dims {
		v.shape = append(v.shape, int(d))
	}
	n := v.size()
	raw := t.RawData
	want := 0
	switch onnxpb.TensorProto_DataType(t.GetDataType()) {
	case onnxpb.TensorProto_FLOAT:
		v.elem, want = elemFloat, 4*n
		if len(raw) == want {
			v.f = make([]float64, n)
			for k := range n {
				v.f[k] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*k:])))
			}
		} else if len(t.FloatData) == n {
			for _, x := range t.FloatData {
				v.f = append(v.f, float64(x))
			}
			return v, nil
		}
	case onnxpb.TensorProto_DOUBLE:
		v.elem, want = elemDouble, 8*n
		if len(raw) == want {
			v.f = make([]float64, n)
			for k := range n {
				v.f[k] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*k:]))
			}
		} else if len(t.DoubleData) == n {
			v.f = append(v.f, t.DoubleData...)
			return v, nil
		}
	case onnxpb.TensorProto_INT64:
		v.elem, want = elemInt64, 8*n
		if len(raw) == want {
			v.i = make([]int64, n)
			for k := range n {
				v.i[k] = int64(binary.LittleEndian.Uint64(raw[8*k:]))
			}
		} else if len(t.Int64Data) == n {
			v.i = append(v.i, t.Int64Data...)
			return v, nil
		}
	case onnxpb.TensorProto_INT32:
		v.elem, want = elemInt32, 4*n
		if len(raw) == want {
			v.i = make([]int64, n)
			for k := range n {
				v.i[k] = int64(int32(binary.LittleEndian.Uint32(raw[4*k:])))
			}
		} else if len(t.Int32Data) == n {
			for _, x := range t.Int32Data {
				v.i = append(v.i, int64(x))
			}
			return v, nil
		}
	case onnxpb.TensorProto_BOOL:
		v.elem, want = elemBool, n
		if len(raw) == want {
			v.b = make([]bool, n)
			for k := range n {
				v.b[k] = raw[k] != 0
			}
		} else if len(t.Int32Data) == n {
			for _, x := range t.Int32Data {
				v.b = append(v.b, x != 0)
			}
			return v, nil
		}
	default:
		return nil, fmt.Errorf("onnxref: initializer %q has data type %d, which dp2nn does not write", t.GetName(), t.GetDataType())
	}
	if len(raw) != want {
		return nil, fmt.Errorf("onnxref: initializer %q holds %d bytes, want %d for shape %v", t.GetName(), len(raw), want, v.shape)
	}
	return v, nil
}

// env maps tensor names to values; a Loop body's env reads the outer
// graph's names through parent.
type env struct {
	vals   map[string]*value
	parent *env
	// info is the graph's in-place analysis (inplace.go), infos every
	// graph's; owned are the Loop-carried inputs the Loop owns.
	info  *graphInfo
	infos map[*onnxpb.GraphProto]*graphInfo
	owned map[string]bool
	at    int // the index of the node running
}

func (e *env) get(name string) (*value, error) {
	for s := e; s != nil; s = s.parent {
		if v, ok := s.vals[name]; ok {
			return v, nil
		}
	}
	return nil, fmt.Errorf("onnxref: tensor %q is used before it is computed", name)
}

func runGraph(g *onnxpb.GraphProto, e *env) error {
	for k, n := range g.Node {
		e.at = k
		ins := make([]*value, len(n.Input))
		for i, name := range n.Input {
			if name == "" {
				continue // an omitted optional input
			}
			v, err := e.get(name)
			if err != nil {
				return err
			}
			ins[i] = v
		}
		outs, err := runNode(n, ins, e)
		if err != nil {
			return fmt.Errorf("onnxref: node %q (%s): %w", n.GetName(), n.GetOpType(), err)
		}
		if len(outs) != len(n.Output) {
			return fmt.Errorf("onnxref: node %q (%s) made %d outputs, want %d", n.GetName(), n.GetOpType(), len(outs), len(n.Output))
		}
		// Drop the tensors no later node reads (none that an alias, a graph
		// output or a nested subgraph may hold), so that a long graph
		// keeps only its live tensors.
		if e.info != nil {
			for _, name := range n.Input {
				if e.info.last[name] == k && e.info.held[name] == 0 {
					delete(e.vals, name)
				}
			}
		}
		for i, name := range n.Output {
			e.vals[name] = outs[i]
		}
	}
	return nil
}

func attr(n *onnxpb.NodeProto, name string) *onnxpb.AttributeProto {
	for _, a := range n.Attribute {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

func intAttr(n *onnxpb.NodeProto, name string, def int64) int64 {
	if a := attr(n, name); a != nil {
		return a.GetI()
	}
	return def
}

func nargs(ins []*value, lo, hi int) error {
	if len(ins) < lo || len(ins) > hi {
		return fmt.Errorf("%d inputs, want %d to %d", len(ins), lo, hi)
	}
	for i := 0; i < lo; i++ {
		if ins[i] == nil {
			return fmt.Errorf("input %d is missing", i)
		}
	}
	return nil
}

func runNode(n *onnxpb.NodeProto, ins []*value, e *env) ([]*value, error) {
	one := func(v *value, err error) ([]*value, error) {
		if err != nil {
			return nil, err
		}
		return []*value{v}, nil
	}
	switch op := n.GetOpType(); op {
	case "Gemm":
		if err := nargs(ins, 2, 3); err != nil {
			return nil, err
		}
		if intAttr(n, "transA", 0) != 0 {
			return nil, fmt.Errorf("Gemm with transA is not supported")
		}
		for _, a := range []string{"alpha", "beta"} {
			if at := attr(n, a); at != nil && at.GetF() != 1 {
				return nil, fmt.Errorf("Gemm with %s = %v is not supported", a, at.GetF())
			}
		}
		var c *value
		if len(ins) == 3 {
			c = ins[2]
		}
		b := ins[1]
		if intAttr(n, "transB", 0) != 0 {
			var err error
			if b, err = transposeValue(b, nil); err != nil {
				return nil, err
			}
		}
		return one(gemm(ins[0], b, c))
	case "Relu":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		x := ins[0]
		if !x.isFloat() {
			return nil, fmt.Errorf("Relu of a non-float tensor")
		}
		out := like(x, x.shape)
		for i, v := range x.f {
			if v > 0 {
				out.f[i] = v
			}
		}
		return one(out, nil)
	case "Softplus", "Sigmoid", "Sqrt", "Exp", "Log", "Abs", "Neg":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		return one(unary(op, ins[0]))
	case "Clip":
		if err := nargs(ins, 3, 3); err != nil {
			return nil, err
		}
		return one(clip(ins[0], ins[1], ins[2]))
	case "Add", "Sub", "Mul", "Div", "Min", "Max":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(arith(op, ins[0], ins[1]))
	case "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(compare(op, ins[0], ins[1]))
	case "And":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(logical(ins[0], ins[1]))
	case "Not":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		if ins[0].elem != elemBool {
			return nil, fmt.Errorf("Not of a non-boolean tensor")
		}
		out := like(ins[0], ins[0].shape)
		for i, b := range ins[0].b {
			out.b[i] = !b
		}
		return one(out, nil)
	case "Where":
		if err := nargs(ins, 3, 3); err != nil {
			return nil, err
		}
		return one(where(ins[0], ins[1], ins[2]))
	case "Identity":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		return one(ins[0], nil)
	case "Gather":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(gather(ins[0], ins[1], int(intAttr(n, "axis", 0))))
	case "Concat":
		a := attr(n, "axis")
		if a == nil {
			return nil, fmt.Errorf("Concat without axis")
		}
		return one(concat(ins, int(a.GetI())))
	case "ReduceSum":
		if err := nargs(ins, 1, 2); err != nil {
			return nil, err
		}
		var axes []int64
		if len(ins) == 2 && ins[1] != nil {
			axes = ins[1].i
		}
		return one(reduce(op, ins[0], axes, intAttr(n, "keepdims", 1) != 0))
	case "ReduceMax", "ReduceMin":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		var axes []int64
		if a := attr(n, "axes"); a != nil {
			axes = a.GetInts()
		}
		return one(reduce(op, ins[0], axes, intAttr(n, "keepdims", 1) != 0))
	case "Shape":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		out := &value{elem: elemInt64, shape: []int{len(ins[0].shape)}}
		for _, d := range ins[0].shape {
			out.i = append(out.i, int64(d))
		}
		return one(out, nil)
	case "Slice":
		if err := nargs(ins, 3, 5); err != nil {
			return nil, err
		}
		return one(slice(ins))
	case "Expand":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		shape := make([]int, len(ins[1].i))
		for i, d := range ins[1].i {
			shape[i] = int(d)
		}
		out, err := broadcastShape(ins[0].shape, shape)
		if err != nil {
			return nil, err
		}
		return one(expand(ins[0], out), nil)
	case "MatMul":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(gemm(ins[0], ins[1], nil))
	case "Reshape":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(reshape(ins[0], ins[1]))
	case "Transpose":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		var perm []int64
		if a := attr(n, "perm"); a != nil {
			perm = a.GetInts()
		}
		return one(transposeValue(ins[0], perm))
	case "Loop":
		return loop(n, ins, e)
	case "Cast":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		return one(cast(ins[0], intAttr(n, "to", 0)))
	case "TopK":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		k, err := axisScalar("K", ins[1])
		if err != nil {
			return nil, err
		}
		return topK(ins[0], k, intAttr(n, "axis", -1), intAttr(n, "largest", 1) != 0)
	case "CumSum":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		axis, err := axisScalar("axis", ins[1])
		if err != nil {
			return nil, err
		}
		return one(cumSum(ins[0], axis, intAttr(n, "exclusive", 0) != 0, intAttr(n, "reverse", 0) != 0))
	case "GatherElements":
		if err := nargs(ins, 2, 2); err != nil {
			return nil, err
		}
		return one(gatherElements(ins[0], ins[1], intAttr(n, "axis", 0)))
	case "ScatterElements", "ScatterND":
		if err := nargs(ins, 3, 3); err != nil {
			return nil, err
		}
		red, err := parseReduction(string(attr(n, "reduction").GetS()))
		if err != nil {
			return nil, err
		}
		inPlace := e.mayUpdate(n, e.at)
		if op == "ScatterND" {
			return one(scatterND(ins[0], ins[1], ins[2], red, inPlace))
		}
		return one(scatterElements(ins[0], ins[1], ins[2], intAttr(n, "axis", 0), red, inPlace))
	case "Pad":
		if err := nargs(ins, 2, 4); err != nil {
			return nil, err
		}
		if m := string(attr(n, "mode").GetS()); m != "" && m != "constant" {
			return nil, fmt.Errorf("Pad in mode %q (the interpreter pads with a constant only)", m)
		}
		if len(ins) > 3 && ins[3] != nil {
			return nil, fmt.Errorf("Pad with axes (opset 18) is not supported")
		}
		var c *value
		if len(ins) > 2 {
			c = ins[2]
		}
		return one(pad(ins[0], ins[1], c))
	case "Split":
		if err := nargs(ins, 1, 2); err != nil {
			return nil, err
		}
		var sizes *value
		if len(ins) > 1 {
			sizes = ins[1]
		} else if a := attr(n, "split"); a != nil { // opset 11
			sizes = &value{elem: elemInt64, shape: []int{len(a.GetInts())}, i: a.GetInts()}
		}
		return split(ins[0], intAttr(n, "axis", 0), sizes, len(n.Output))
	case "ConstantOfShape":
		if err := nargs(ins, 1, 1); err != nil {
			return nil, err
		}
		return one(constantOfShape(ins[0], attr(n, "value").GetT()))
	case "Squeeze", "Unsqueeze":
		if err := nargs(ins, 1, 2); err != nil {
			return nil, err
		}
		axes, err := axesOf(n, ins)
		if err != nil {
			return nil, err
		}
		if op == "Squeeze" {
			return one(squeeze(ins[0], axes))
		}
		return one(unsqueeze(ins[0], axes))
	default:
		return nil, fmt.Errorf("operator %s is not one that dp2nn writes", op)
	}
}

// reshape gives x the shape in s: a -1 takes the remaining size and a 0
// keeps the input's dimension.
func reshape(x, s *value) (*value, error) {
	if !s.isInt() || len(s.shape) != 1 {
		return nil, fmt.Errorf("shape is not a 1-D integer tensor")
	}
	shape := make([]int, len(s.i))
	infer, known := -1, 1
	for i, d := range s.i {
		switch {
		case d == -1 && infer < 0:
			infer = i
			continue
		case d == 0 && i < len(x.shape):
			shape[i] = x.shape[i]
		case d < 0:
			return nil, fmt.Errorf("bad shape %v", s.i)
		default:
			shape[i] = int(d)
		}
		known *= shape[i]
	}
	n := x.size()
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v to %v", x.shape, s.i)
		}
		shape[infer] = n / known
	}
	if export.NumElements(shape) != n {
		return nil, fmt.Errorf("cannot reshape %v to %v", x.shape, s.i)
	}
	out := *x
	out.shape = shape
	return &out, nil
}

// transposeValue permutes the axes of x: output axis i is input axis
// perm[i] (reversed when perm is empty).
func transposeValue(x *value, perm []int64) (*value, error) {
	r := len(x.shape)
	if len(perm) == 0 {
		for i := r - 1; i >= 0; i-- {
			perm = append(perm, int64(i))
		}
	}
	if len(perm) != r {
		return nil, fmt.Errorf("perm %v for a tensor of rank %d", perm, r)
	}
	seen := make([]bool, r)
	shape := make([]int, r)
	for i, p := range perm {
		if p < 0 || p >= int64(r) || seen[p] {
			return nil, fmt.Errorf("perm %v is not a permutation", perm)
		}
		seen[p] = true
		shape[i] = x.shape[p]
	}
	strides := make([]int, r) // strides of x
	st := 1
	for d := r - 1; d >= 0; d-- {
		strides[d] = st
		st *= x.shape[d]
	}
	out := like(x, shape)
	coord := make([]int, r)
	for f := range out.size() {
		j := 0
		for i, p := range perm {
			j += coord[i] * strides[p]
		}
		copyElem(out, f, x, j)
		nextCoord(coord, shape)
	}
	return out, nil
}

// broadcastShape is the numpy-style broadcast of shapes a and b.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if k := i - (n - len(a)); k >= 0 {
			da = a[k]
		}
		if k := i - (n - len(b)); k >= 0 {
			db = b[k]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// bidx maps the flat indices of a broadcast result to those of one
// operand: the identity when the shapes are equal, always 0 for a single
// element, else a table (expandIndex). The first two, the common cases,
// allocate nothing.
type bidx struct {
	idx  []int
	n    int
	mode int8 // 0: idx, 1: identity, 2: zero, 3: f mod n (repeated whole), 4: f / n (each element repeated n times)
}

func (b bidx) at(f int) int {
	switch b.mode {
	case 1:
		return f
	case 2:
		return 0
	case 3:
		return f % b.n
	case 4:
		return f / b.n
	}
	return b.idx[f]
}

// broadcastIndex is the bidx of an operand of shape in in a result of
// shape out.
func broadcastIndex(in, out []int) bidx {
	n := export.NumElements(in)
	switch {
	case slices.Equal(in, out):
		return bidx{mode: 1}
	case n == 1:
		return bidx{mode: 2}
	}
	// Align in to the right of out, then: equal on a suffix and 1 (or
	// absent) before it is mode 3; equal on a prefix and 1 after it is
	// mode 4.
	pad := len(out) - len(in)
	dim := func(d int) int {
		if d < pad {
			return 1
		}
		return in[d-pad]
	}
	split := func(lead bool) (int, bool) { // the boundary, and whether the shape has that form
		d := 0
		if lead {
			for d < len(out) && dim(d) == out[d] {
				d++
			}
			for k := d; k < len(out); k++ {
				if dim(k) != 1 {
					return 0, false
				}
			}
			return d, true
		}
		d = len(out)
		for d > 0 && dim(d-1) == out[d-1] {
			d--
		}
		for k := 0; k < d; k++ {
			if dim(k) != 1 {
				return 0, false
			}
		}
		return d, true
	}
	if _, ok := split(false); ok {
		return bidx{mode: 3, n: n}
	}
	if d, ok := split(true); ok {
		return bidx{mode: 4, n: export.NumElements(out[d:])}
	}
	return bidx{idx: expandIndex(in, out)}
}

// expandIndex maps every flat index of shape out to the flat index of the
// value of shape in that broadcasts to it.
func expandIndex(in, out []int) []int {
	idx := make([]int, checkSize(out))
	strides := make([]int, len(out)) // strides of in, aligned right, 0 on broadcast dims
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		k := i - (len(out) - len(in))
		if k >= 0 && in[k] != 1 {
			strides[i] = s
		}
		if k >= 0 {
			s *= in[k]
		}
	}
	coord := make([]int, len(out))
	at := 0
	for f := range idx {
		idx[f] = at
		for d := len(out) - 1; d >= 0; d-- {
			coord[d]++
			at += strides[d]
			if coord[d] < out[d] {
				break
			}
			at -= strides[d] * coord[d]
			coord[d] = 0
		}
	}
	return idx
}

func expand(v *value, shape []int) *value {
	out := like(v, shape)
	for f, j := range expandIndex(v.shape, shape) {
		copyElem(out, f, v, j)
	}
	return out
}

func arith(op string, a, b *value) (*value, error) {
	if a.isInt() && a.elem == b.elem {
		return intArith(op, a, b)
	}
	if !a.isFloat() || a.elem != b.elem {
		return nil, fmt.Errorf("%s of element types %d and %d", op, a.elem, b.elem)
	}
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	ia, ib := broadcastIndex(a.shape, shape), broadcastIndex(b.shape, shape)
	out := like(a, shape)
	// Operands laid out like the result (a copy only when broadcast),
	// then one tight loop per operation; a float32 result is rounded
	// after, which is the same single rounding of each result.
	av, bv := aligned(a.f, ia, len(out.f)), aligned(b.f, ib, len(out.f))
	o := out.f
	switch op {
	case "Add":
		for f := range o {
			o[f] = av[f] + bv[f]
		}
	case "Sub":
		for f := range o {
			o[f] = av[f] - bv[f]
		}
	case "Mul":
		for f := range o {
			o[f] = av[f] * bv[f]
		}
	case "Div":
		for f := range o {
			o[f] = av[f] / bv[f]
		}
	case "Min":
		for f := range o {
			o[f] = math.Min(av[f], bv[f])
		}
	case "Max":
		for f := range o {
			o[f] = math.Max(av[f], bv[f])
		}
	}
	if out.elem == elemFloat {
		for f, r := range o {
			o[f] = float64(float32(r))
		}
	}
	return out, nil
}

// aligned returns x laid out as a broadcast result of n elements: x
// itself when the shapes are equal, else a copy through b.
func aligned(x []float64, b bidx, n int) []float64 {
	if b.mode == 1 {
		return x[:n]
	}
	v := make([]float64, n)
	switch b.mode {
	case 2:
		for f := range v {
			v[f] = x[0]
		}
	case 3:
		for f := 0; f < n && b.n > 0; f += b.n {
			copy(v[f:], x[:b.n])
		}
	default:
		for f := range v {
			v[f] = x[b.at(f)]
		}
	}
	return v
}

// intArith is arith of two integer tensors (index arithmetic, such as a
// Loop's dynamic Slice starts): exact, Div truncating toward zero as C
// and ONNX Runtime do; a result beyond the type's range or a division
// by zero is refused.
func intArith(op string, a, b *value) (*value, error) {
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if a.elem == elemInt32 {
		lo, hi = math.MinInt32, math.MaxInt32
	}
	ia, ib := broadcastIndex(a.shape, shape), broadcastIndex(b.shape, shape)
	out := like(a, shape)
	for f := range out.i {
		x, y := a.i[ia.at(f)], b.i[ib.at(f)]
		var r int64
		ok := true
		switch op {
		case "Add":
			r = x + y
			ok = (y >= 0) == (r >= x)
		case "Sub":
			r = x - y
			ok = (y >= 0) == (r <= x)
		case "Mul":
			r = x * y
			ok = x == 0 || (r/x == y && !(x == -1 && y == math.MinInt64))
		case "Div":
			if y == 0 {
				return nil, fmt.Errorf("integer division by zero")
			}
			ok = !(x == math.MinInt64 && y == -1)
			r = x / y
		case "Min":
			r = min(x, y)
		case "Max":
			r = max(x, y)
		}
		if !ok || r < lo || r > hi {
			return nil, fmt.Errorf("%s of %d and %d overflows the integer type", op, x, y)
		}
		out.i[f] = r
	}
	return out, nil
}

func compare(op string, a, b *value) (*value, error) {
	if !(a.isFloat() || a.isInt()) || a.elem != b.elem {
		return nil, fmt.Errorf("%s of element types %d and %d", op, a.elem, b.elem)
	}
	if a.isInt() { // exact: compare as float64 only below 2^53
		a, b = intsAsFloats(a), intsAsFloats(b)
		for _, v := range append(append([]int64(nil), a.i...), b.i...) {
			if v >= 1<<53 || v <= -(1<<53) {
				return nil, fmt.Errorf("%s of an int64 beyond 2^53 is not supported", op)
			}
		}
	}
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	ia, ib := broadcastIndex(a.shape, shape), broadcastIndex(b.shape, shape)
	out := &value{elem: elemBool, shape: shape, b: make([]bool, export.NumElements(shape))}
	for f := range out.b {
		x, y := a.f[ia.at(f)], b.f[ib.at(f)]
		switch op {
		case "Less":
			out.b[f] = x < y
		case "LessOrEqual":
			out.b[f] = x <= y
		case "Greater":
			out.b[f] = x > y
		case "GreaterOrEqual":
			out.b[f] = x >= y
		case "Equal":
			out.b[f] = x == y
		}
	}
	return out, nil
}

func logical(a, b *value) (*value, error) {
	if a.elem != elemBool || b.elem != elemBool {
		return nil, fmt.Errorf("And of non-boolean tensors")
	}
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	ia, ib := broadcastIndex(a.shape, shape), broadcastIndex(b.shape, shape)
	out := &value{elem: elemBool, shape: shape, b: make([]bool, checkSize(shape))}
	for f := range out.b {
		out.b[f] = a.b[ia.at(f)] && b.b[ib.at(f)]
	}
	return out, nil
}

func where(c, x, y *value) (*value, error) {
	if c.elem != elemBool || x.elem != y.elem {
		return nil, fmt.Errorf("Where of element types %d, %d, %d", c.elem, x.elem, y.elem)
	}
	shape, err := broadcastShape(c.shape, x.shape)
	if err == nil {
		shape, err = broadcastShape(shape, y.shape)
	}
	if err != nil {
		return nil, err
	}
	ic, ix, iy := broadcastIndex(c.shape, shape), broadcastIndex(x.shape, shape), broadcastIndex(y.shape, shape)
	out := like(x, shape)
	if x.isFloat() { // the common case: one pass over aligned operands
		n := len(out.f)
		xv, yv := aligned(x.f, ix, n), aligned(y.f, iy, n)
		for f := range out.f {
			if c.b[ic.at(f)] {
				out.f[f] = xv[f]
			} else {
				out.f[f] = yv[f]
			}
		}
		return out, nil
	}
	for f := range out.size() {
		if c.b[ic.at(f)] {
			copyElem(out, f, x, ix.at(f))
		} else {
			copyElem(out, f, y, iy.at(f))
		}
	}
	return out, nil
}

// gemm is A·B + C for A [M, K], B [K, N] and C broadcast to [M, N],
// summing C first and then k in order.
func gemm(a, b, c *value) (*value, error) {
	if len(a.shape) != 2 || len(b.shape) != 2 || a.shape[1] != b.shape[0] {
		return nil, fmt.Errorf("shapes %v and %v do not multiply", a.shape, b.shape)
	}
	if !a.isFloat() || a.elem != b.elem || (c != nil && c.elem != a.elem) {
		return nil, fmt.Errorf("mixed element types")
	}
	m, k, n := a.shape[0], a.shape[1], b.shape[1]
	out := like(a, []int{m, n})
	if c != nil {
		if _, err := broadcastShape([]int{m, n}, c.shape); err != nil || len(c.shape) > 2 {
			return nil, fmt.Errorf("C of shape %v does not broadcast to [%d %d]", c.shape, m, n)
		}
		for f, j := range expandIndex(c.shape, []int{m, n}) {
			out.f[f] = c.f[j]
		}
	}
	for i := range m {
		row := out.f[i*n : (i+1)*n]
		for kk := range k {
			x := a.f[i*k+kk]
			brow := b.f[kk*n : (kk+1)*n]
			for j := range row {
				row[j] = out.round(row[j] + out.round(x*brow[j]))
			}
		}
	}
	return out, nil
}

func gather(data, idx *value, axis int) (*value, error) {
	r := len(data.shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r || !idx.isInt() {
		return nil, fmt.Errorf("bad axis %d or indices for data of shape %v", axis, data.shape)
	}
	shape := append(append(append([]int(nil), data.shape[:axis]...), idx.shape...), data.shape[axis+1:]...)
	out := like(data, shape)
	outer := export.NumElements(data.shape[:axis])
	inner := export.NumElements(data.shape[axis+1:])
	dim := data.shape[axis]
	f := 0
	for o := range outer {
		for _, x := range idx.i {
			if x < 0 {
				x += int64(dim)
			}
			if x < 0 || x >= int64(dim) {
				return nil, fmt.Errorf("index %d out of range [0, %d)", x, dim)
			}
			copyRange(out, f, data, (o*dim+int(x))*inner, inner)
			f += inner
		}
	}
	return out, nil
}

func concat(ins []*value, axis int) (*value, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, fmt.Errorf("no inputs")
	}
	r := len(ins[0].shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		return nil, fmt.Errorf("bad axis %d", axis)
	}
	shape := append([]int(nil), ins[0].shape...)
	shape[axis] = 0
	for _, v := range ins {
		if v == nil || len(v.shape) != r || v.elem != ins[0].elem {
			return nil, fmt.Errorf("inputs of different rank or type")
		}
		for d := range r {
			if d != axis && v.shape[d] != ins[0].shape[d] {
				return nil, fmt.Errorf("shapes %v and %v differ off axis %d", ins[0].shape, v.shape, axis)
			}
		}
		shape[axis] += v.shape[axis]
	}
	out := like(ins[0], shape)
	outer := export.NumElements(shape[:axis])
	f := 0
	for o := range outer {
		for _, v := range ins {
			chunk := export.NumElements(v.shape[axis:])
			copyRange(out, f, v, o*chunk, chunk)
			f += chunk
		}
	}
	return out, nil
}

// reduce sums (or takes the max or min) over axes, all axes when empty,
// visiting the reduced elements in row-major order.
func reduce(op string, x *value, axes []int64, keep bool) (*value, error) {
	if !x.isFloat() {
		return nil, fmt.Errorf("%s of a non-float tensor", op)
	}
	r := len(x.shape)
	red := make([]bool, r)
	if len(axes) == 0 {
		for d := range red {
			red[d] = true
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += int64(r)
		}
		if a < 0 || a >= int64(r) {
			return nil, fmt.Errorf("axis %d out of range for shape %v", a, x.shape)
		}
		red[a] = true
	}
	var shape, kept []int
	for d, s := range x.shape {
		switch {
		case !red[d]:
			shape = append(shape, s)
			kept = append(kept, s)
		case keep:
			kept = append(kept, 1)
		}
	}
	if keep {
		shape = kept
	}
	out := like(x, shape)
	// Reduced axes that are a suffix of x's (the common case): each output
	// sums a contiguous run, in the same row-major order as below.
	if k := slices.Index(red, true); k >= 0 && !slices.Contains(red[k:], false) {
		chunk := prod(x.shape[k:])
		for o := range out.f {
			run := x.f[o*chunk : (o+1)*chunk]
			if len(run) == 0 {
				continue
			}
			acc := run[0]
			switch op {
			case "ReduceSum":
				for _, v := range run[1:] {
					acc = out.round(acc + v)
				}
			case "ReduceMax":
				for _, v := range run[1:] {
					acc = math.Max(acc, v)
				}
			case "ReduceMin":
				for _, v := range run[1:] {
					acc = math.Min(acc, v)
				}
			}
			out.f[o] = acc
		}
		return out, nil
	}
	seen := make([]bool, len(out.f))
	// Walk x in row-major order; the output index drops reduced coordinates.
	coord := make([]int, r)
	for _, v := range x.f {
		o := 0
		for d := range r {
			if !red[d] {
				o = o*x.shape[d] + coord[d]
			}
		}
		switch {
		case !seen[o]:
			out.f[o], seen[o] = v, true
		case op == "ReduceSum":
			out.f[o] = out.round(out.f[o] + v)
		case op == "ReduceMax":
			out.f[o] = math.Max(out.f[o], v)
		case op == "ReduceMin":
			out.f[o] = math.Min(out.f[o], v)
		}
		nextCoord(coord, x.shape)
	}
	return out, nil
}

// slice implements Slice with positive steps.
func slice(ins []*value) (*value, error) {
	x := ins[0]
	r := len(x.shape)
	starts, ends := ins[1].i, ins[2].i
	axes := make([]int64, len(starts))
	for i := range axes {
		axes[i] = int64(i)
	}
	if len(ins) > 3 && ins[3] != nil {
		axes = ins[3].i
	}
	steps := make([]int64, len(starts))
	for i := range steps {
		steps[i] = 1
	}
	if len(ins) > 4 && ins[4] != nil {
		steps = ins[4].i
	}
	if len(ends) != len(starts) || len(axes) != len(starts) || len(steps) != len(starts) {
		return nil, fmt.Errorf("starts, ends, axes and steps differ in length")
	}
	lo := make([]int, r)
	hi := append([]int(nil), x.shape...)
	for i, a := range axes {
		if a < 0 {
			a += int64(r)
		}
		if a < 0 || a >= int64(r) || steps[i] != 1 {
			return nil, fmt.Errorf("unsupported axis %d or step %d", axes[i], steps[i])
		}
		dim := int64(x.shape[a])
		clamp := func(v int64) int {
			if v < 0 {
				v += dim
			}
			return int(min(max(v, 0), dim))
		}
		lo[a], hi[a] = clamp(starts[i]), clamp(ends[i])
	}
	shape := make([]int, r)
	for d := range r {
		shape[d] = max(hi[d]-lo[d], 0)
	}
	out := like(x, shape)
	if r == 0 {
		copyElem(out, 0, x, 0)
		return out, nil
	}
	if out.size() == 0 {
		return out, nil
	}
	// Copy runs along the last axis: one per coordinate of the others.
	run := shape[r-1]
	outer := shape[:r-1]
	coord := make([]int, r-1)
	for f := 0; f < out.size(); f += run {
		j := 0
		for d := range r - 1 {
			j = j*x.shape[d] + lo[d] + coord[d]
		}
		j = j*x.shape[r-1] + lo[r-1]
		copyRange(out, f, x, j, run)
		nextCoord(coord, outer)
	}
	return out, nil
}

// maxSteps bounds the iterations of a Loop.
const maxSteps = 1 << 20

// loop runs a Loop node: M (optional), cond (optional), the initial
// loop-carried values; the body maps (iteration, cond, carried...) to
// (cond, carried..., scan outputs...), and the scan outputs are stacked
// along a new first axis.
func loop(n *onnxpb.NodeProto, ins []*value, outer *env) ([]*value, error) {
	a := attr(n, "body")
	if a == nil || a.G == nil {
		return nil, fmt.Errorf("Loop without body")
	}
	body := a.G
	if len(ins) < 2 {
		return nil, fmt.Errorf("Loop needs M and cond inputs (possibly empty)")
	}
	carried := append([]*value(nil), ins[2:]...)
	if len(body.Input) != 2+len(carried) || len(body.Output) < 1+len(carried) {
		return nil, fmt.Errorf("body has %d inputs and %d outputs for %d carried values", len(body.Input), len(body.Output), len(carried))
	}
	trips := int64(maxSteps)
	if ins[0] != nil {
		if !ins[0].isInt() || len(ins[0].i) != 1 {
			return nil, fmt.Errorf("M is not one integer")
		}
		trips = ins[0].i[0]
		if trips > maxSteps {
			return nil, fmt.Errorf("Loop of %d steps, more than the interpreter's limit of %d", trips, maxSteps)
		}
	}
	cond := true
	if ins[1] != nil {
		if ins[1].elem != elemBool || len(ins[1].b) != 1 {
			return nil, fmt.Errorf("cond is not one boolean")
		}
		cond = ins[1].b[0]
	}
	if ins[0] == nil && ins[1] == nil {
		return nil, fmt.Errorf("Loop without M or cond would not end")
	}
	nScan := len(body.Output) - 1 - len(carried)
	scans := make([][]*value, nScan)
	info := outer.infos[body]
	if info == nil { // a body the session did not see: no in-place updates
		info = &graphInfo{}
	}
	owned := map[string]bool{} // the carried inputs the Loop owns this iteration
	scope := outer
	if info.inits != nil {
		scope = &env{vals: info.inits, parent: outer}
	}
	for it := int64(0); it < trips && cond; it++ {
		e := &env{vals: map[string]*value{}, parent: scope, info: info, infos: outer.infos, owned: owned}
		e.vals[body.Input[0].GetName()] = &value{elem: elemInt64, i: []int64{it}}
		e.vals[body.Input[1].GetName()] = &value{elem: elemBool, b: []bool{cond}}
		for i, v := range carried {
			e.vals[body.Input[2+i].GetName()] = v
		}
		if err := runGraph(body, e); err != nil {
			return nil, err
		}
		get := func(i int) (*value, error) { return e.get(body.Output[i].GetName()) }
		c, err := get(0)
		if err != nil {
			return nil, err
		}
		if c.elem != elemBool || len(c.b) != 1 {
			return nil, fmt.Errorf("body cond is not one boolean")
		}
		cond = c.b[0]
		if it == maxSteps-1 && cond {
			return nil, fmt.Errorf("Loop runs more than %d steps", maxSteps)
		}
		next := map[string]bool{}
		for i := range carried {
			if carried[i], err = get(1 + i); err != nil {
				return nil, err
			}
			if e.ownsOutput(body, 1+i) {
				next[body.Input[2+i].GetName()] = true
			}
		}
		owned = next
		for i := range scans {
			v, err := get(1 + len(carried) + i)
			if err != nil {
				return nil, err
			}
			if len(scans[i]) > 0 && !slices.Equal(scans[i][0].shape, v.shape) {
				return nil, fmt.Errorf("scan output %d changes shape", i)
			}
			scans[i] = append(scans[i], v)
		}
	}
	outs := carried
	for k, s := range scans {
		if len(s) == 0 {
			// No iteration: an empty stack of the body output's declared
			// element type, and of its declared step shape when that is
			// static.
			outs = append(outs, emptyStack(body.Output[1+len(carried)+k]))
			continue
		}
		out := like(s[0], append([]int{len(s)}, s[0].shape...))
		step := s[0].size()
		for k, v := range s {
			for j := range step {
				copyElem(out, k*step+j, v, j)
			}
		}
		outs = append(outs, out)
	}
	return outs, nil
}

// unary applies an elementwise function, computed in float64 and rounded
// once to the element type (for Sqrt that is the correctly rounded
// float32 result; for the others it is within an ulp of what a float32
// runtime computes).
func unary(op string, x *value) (*value, error) {
	if !x.isFloat() {
		return nil, fmt.Errorf("%s of a non-float tensor", op)
	}
	out := like(x, x.shape)
	for i, v := range x.f {
		var r float64
		switch op {
		case "Softplus":
			r = math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
		case "Sigmoid":
			if v >= 0 {
				r = 1 / (1 + math.Exp(-v))
			} else {
				e := math.Exp(v)
				r = e / (1 + e)
			}
		case "Sqrt":
			r = math.Sqrt(v)
		case "Exp":
			r = math.Exp(v)
		case "Log":
			r = math.Log(v)
		case "Abs":
			r = math.Abs(v)
		case "Neg":
			r = -v
		}
		out.f[i] = out.round(r)
	}
	return out, nil
}

// clip is Clip with min and max given as scalar inputs.
func clip(x, lo, hi *value) (*value, error) {
	if !x.isFloat() || lo.elem != x.elem || hi.elem != x.elem || lo.size() != 1 || hi.size() != 1 {
		return nil, fmt.Errorf("Clip needs a float tensor and scalar bounds of its type")
	}
	out := like(x, x.shape)
	for i, v := range x.f {
		out.f[i] = math.Min(math.Max(v, lo.f[0]), hi.f[0])
	}
	return out, nil
}

// nextCoord advances coord to the next index of shape in row-major order
// (the last axis fastest), wrapping to all zeros after the last.
func nextCoord(coord, shape []int) {
	for d := len(coord) - 1; d >= 0; d-- {
		coord[d]++
		if coord[d] < shape[d] {
			return
		}
		coord[d] = 0
	}
}

// intsAsFloats returns an int64 tensor with its values also as float64
// (f), for comparisons.
func intsAsFloats(v *value) *value {
	out := *v
	out.f = make([]float64, len(v.i))
	for k, x := range v.i {
		out.f[k] = float64(x)
	}
	return &out
}

// emptyStack is the scan output of a Loop that ran no iteration, for
// the body output vi: [0] followed by vi's dimensions when they are all
// known, of vi's element type (float when it names another).
func emptyStack(vi *onnxpb.ValueInfoProto) *value {
	tt := vi.GetType().GetTensorType()
	shape := []int{0}
	for _, d := range tt.GetShape().GetDim() {
		v, ok := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue)
		if !ok || v.DimValue < 0 || v.DimValue > maxElements {
			shape = []int{0}
			break
		}
		shape = append(shape, int(v.DimValue))
	}
	out := &value{elem: elemFloat, shape: shape, f: []float64{}}
	switch onnxpb.TensorProto_DataType(tt.GetElemType()) {
	case onnxpb.TensorProto_DOUBLE:
		out.elem = elemDouble
	case onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		out.elem, out.f, out.i = elemInt64, nil, []int64{}
		if onnxpb.TensorProto_DataType(tt.GetElemType()) == onnxpb.TensorProto_INT32 {
			out.elem = elemInt32
		}
	case onnxpb.TensorProto_BOOL:
		out.elem, out.f, out.b = elemBool, nil, []bool{}
	}
	return out
}
