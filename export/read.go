package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/export/onnxpb"
)

// Model is an ONNX model written by dp2nn, read back: the protobuf and
// what dp2nn's metadata says about it.
type Model struct {
	Proto  *onnxpb.ModelProto
	Form   Form
	Layout Layout
	DType  DType
	State  []string // state blocks (Unrolled and Loop forms)
	Steps  int      // steps of the Unrolled form, and of a Loop form without per-step inputs
	Data   []string // data blocks: given once per instance (Options.Data)
	Inf    *Inf     // the finite stand-in for +inf (Options.Inf), nil without one
	// Settled is true for an Unrolled form built with Options.Settled.
	Settled bool
	Decode  string // the decode tail in words, "" without one
	Doc     string // the graph's doc string: source program and parameters

	Inputs  []Port // graph inputs, in order
	Outputs []Port // graph outputs, in order
	// Blocks are the relu graph's input and output blocks with their
	// shapes (a graph input or output holds a block flattened).
	BlockInputs, BlockOutputs []BlockShape
	// Metadata holds every metadata_props entry, dp2nn's own included.
	Metadata map[string]string
}

// Port is a graph input or output.
type Port struct {
	Name string
	// Dims are the sizes; a symbolic dimension is -1 and named in
	// DimNames ("N" for the batch, "steps" for the steps of the Loop form).
	Dims     []int
	DimNames []string
	Doc      string
}

// BlockShape is a relu block: its name and the shape of one instance.
type BlockShape struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// Read reads an ONNX file written by dp2nn. A file that is not ONNX, is
// corrupt, or was written by another producer gives an error that says
// which.
func Read(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	m, err := parse(path, b)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Parse is Read for the bytes of a model.
func Parse(data []byte) (*Model, error) { return parse("model", data) }

func parse(name string, data []byte) (*Model, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("export: %s is empty, not an ONNX model", name)
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		return nil, fmt.Errorf("export: %s is not an ONNX model (or is corrupt): %v", name, err)
	}
	if mp.IrVersion == nil || mp.Graph == nil {
		return nil, fmt.Errorf("export: %s is not an ONNX model: it has no IR version or no graph", name)
	}
	if p := mp.GetProducerName(); p != producer {
		return nil, fmt.Errorf("export: %s was not written by dp2nn (producer %q); only dp2nn models can be read", name, p)
	}
	m := &Model{Proto: &mp, Metadata: map[string]string{}, Doc: mp.GetGraph().GetDocString()}
	for _, e := range mp.MetadataProps {
		m.Metadata[e.GetKey()] = e.GetValue()
	}
	if m.Metadata["dp2nn.scheme"] == "smooth-graph" {
		return nil, fmt.Errorf("export: %s is the smooth graph of one instance (compile -scheme smooth of a program with data or a search answer): it is run with inputs theta and seed and checked against smooth.Graph by dp2nn verify MODEL -runtime ort -random N, not read as a network", name)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("export: %s: "+format, append([]any{name}, args...)...))
	}
	enum := func(key string, parseFn func(string) (int, error)) int {
		v, ok := m.Metadata[key]
		if !ok {
			bad("metadata %s is missing", key)
			return 0
		}
		i, err := parseFn(v)
		if err != nil {
			bad("metadata %s: %v", key, err)
		}
		return i
	}
	m.Form = Form(enum(metaForm, func(s string) (int, error) { f, err := ParseForm(s); return int(f), err }))
	m.Layout = Layout(enum(metaLayout, func(s string) (int, error) { l, err := ParseLayout(s); return int(l), err }))
	m.DType = DType(enum(metaDType, func(s string) (int, error) { d, err := ParseDType(s); return int(d), err }))
	if s := m.Metadata[metaState]; s != "" {
		m.State = strings.Split(s, ",")
	}
	if s, ok := m.Metadata[metaSteps]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			bad("metadata %s = %q is not a step count", metaSteps, s)
		}
		m.Steps = n
	}
	m.Decode = m.Metadata[metaDecode]
	switch s, ok := m.Metadata[metaUnroll]; {
	case !ok:
	case s == "settled":
		m.Settled = true
	default:
		bad("metadata %s = %q is not \"settled\"", metaUnroll, s)
	}
	if s := m.Metadata[metaData]; s != "" {
		m.Data = strings.Split(s, ",")
	}
	if s, ok := m.Metadata[metaInf]; ok {
		var ii infInfo
		if err := json.Unmarshal([]byte(s), &ii); err != nil {
			bad("metadata %s: %v", metaInf, err)
		} else {
			m.Inf = &Inf{BigM: ii.BigM, Data: ii.Data, Finite: ii.Finite}
		}
	}
	if s, ok := m.Metadata[metaBlocks]; ok {
		var bi struct {
			Inputs  []BlockShape `json:"inputs"`
			Outputs []BlockShape `json:"outputs"`
		}
		if err := json.Unmarshal([]byte(s), &bi); err != nil {
			bad("metadata %s: %v", metaBlocks, err)
		}
		m.BlockInputs, m.BlockOutputs = bi.Inputs, bi.Outputs
	}
	for _, vi := range mp.Graph.Input {
		m.Inputs = append(m.Inputs, port(vi))
	}
	for _, vi := range mp.Graph.Output {
		m.Outputs = append(m.Outputs, port(vi))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

func port(vi *onnxpb.ValueInfoProto) Port {
	p := Port{Name: vi.GetName(), Doc: vi.GetDocString()}
	for _, d := range vi.GetType().GetTensorType().GetShape().GetDim() {
		if d.GetDimParam() != "" {
			p.Dims = append(p.Dims, -1)
		} else {
			p.Dims = append(p.Dims, int(d.GetDimValue()))
		}
		p.DimNames = append(p.DimNames, d.GetDimParam())
	}
	return p
}

// Summary describes the model in a few lines: form, layout, element type,
// inputs and outputs, operators and parameter counts.
func (m *Model) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "dp2nn model: %v form, %v layout, %v, ONNX IR %d, opset %d\n", m.Form, m.Layout, m.DType, m.Proto.GetIrVersion(), opsetOf(m.Proto))
	if len(m.State) > 0 {
		fmt.Fprintf(&sb, "state: %s", strings.Join(m.State, ", "))
		if m.Steps > 0 {
			fmt.Fprintf(&sb, ", %d steps", m.Steps)
		}
		if m.Settled {
			sb.WriteString(", each unit computed up to the step it settles at")
		}
		sb.WriteString("\n")
	}
	if len(m.Data) > 0 {
		fmt.Fprintf(&sb, "data: %s\n", strings.Join(m.Data, ", "))
	}
	if m.Inf != nil {
		fmt.Fprintf(&sb, "inf: BigM %v", m.Inf.BigM)
		if len(m.Inf.Data) > 0 {
			fmt.Fprintf(&sb, " replaces +inf in %s", strings.Join(m.Inf.Data, ", "))
		}
		names := make([]string, 0, len(m.Inf.Finite))
		for n := range m.Inf.Finite {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&sb, "; %s above %v is +inf", n, m.Inf.Finite[n])
		}
		sb.WriteString("\n")
	}
	if m.Decode != "" {
		fmt.Fprintf(&sb, "decode: %s\n", m.Decode)
	}
	for _, p := range m.Inputs {
		fmt.Fprintf(&sb, "input  %s %s\n", p.Name, p.ShapeString())
	}
	for _, p := range m.Outputs {
		fmt.Fprintf(&sb, "output %s %s\n", p.Name, p.ShapeString())
	}
	ops := map[string]int{}
	var count func(g *onnxpb.GraphProto)
	count = func(g *onnxpb.GraphProto) {
		for _, n := range g.Node {
			ops[n.GetOpType()]++
			for _, a := range n.Attribute {
				if a.G != nil {
					count(a.G)
				}
			}
		}
	}
	count(m.Proto.Graph)
	names := make([]string, 0, len(ops))
	for op := range ops {
		names = append(names, op)
	}
	sort.Strings(names)
	var parts []string
	for _, op := range names {
		parts = append(parts, fmt.Sprintf("%s %d", op, ops[op]))
	}
	fmt.Fprintf(&sb, "nodes: %s\n", strings.Join(parts, ", "))
	var floats, ints int64
	for _, t := range m.Proto.Graph.Initializer {
		n := int64(1)
		for _, d := range t.Dims {
			n *= d
		}
		switch onnxpb.TensorProto_DataType(t.GetDataType()) {
		case onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE:
			floats += n
		default:
			ints += n
		}
	}
	fmt.Fprintf(&sb, "initializers: %s weights, %s indices\n", thousands(floats), thousands(ints))
	return sb.String()
}

func (p Port) ShapeString() string {
	parts := make([]string, len(p.Dims))
	for i, d := range p.Dims {
		if d < 0 {
			parts[i] = p.DimNames[i]
		} else {
			parts[i] = strconv.Itoa(d)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func opsetOf(m *onnxpb.ModelProto) int64 {
	for _, o := range m.OpsetImport {
		if o.GetDomain() == "" {
			return o.GetVersion()
		}
	}
	return 0
}
