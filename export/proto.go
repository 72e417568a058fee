package export

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"google.golang.org/protobuf/proto"
)

// ONNX versions written by this package.
const (
	IRVersion = 8  // ONNX 1.10 to 1.12
	Opset     = 13 // default domain ""
	producer  = "dp2nn"
	// FormatVersion is stored as producer_version; it changes when the
	// meaning of the emitted graphs changes.
	FormatVersion = "1"
)

// Symbolic dimensions of graph inputs and outputs.
const (
	batchDim = "N"     // instances
	stepsDim = "steps" // steps of the Loop form
)

// modelBuilder collects the initializers of a model and hands out unique
// tensor and node names. Initializers always live in the main graph; a
// Loop body reads them from the outer scope.
type modelBuilder struct {
	dtype  DType
	elem   onnxpb.TensorProto_DataType
	main   *onnxpb.GraphProto
	tensor map[string]bool // tensor names in use (all graphs)
	// reserved are exact names of graph outputs not yet produced by a node.
	reserved map[string]bool
	node     map[string]bool // node names in use (all graphs)
	consts   map[string]string
	params   int64 // float elements in initializers
	ints     int64 // index elements in initializers
}

func newModelBuilder(d DType) *modelBuilder {
	elem := onnxpb.TensorProto_FLOAT
	if d == Float64 {
		elem = onnxpb.TensorProto_DOUBLE
	}
	return &modelBuilder{
		dtype:    d,
		elem:     elem,
		main:     &onnxpb.GraphProto{},
		tensor:   map[string]bool{},
		reserved: map[string]bool{},
		node:     map[string]bool{},
		consts:   map[string]string{},
	}
}

// fresh returns name, or name#k for the first k that is free, and
// reserves it.
func fresh(used map[string]bool, name string) string {
	n := name
	for k := 2; used[n]; k++ {
		n = name + "#" + strconv.Itoa(k)
	}
	used[n] = true
	return n
}

func (mb *modelBuilder) tensorName(name string) string { return fresh(mb.tensor, name) }

// scope is one graph being filled with nodes: the main graph or a Loop
// body.
type scope struct {
	mb *modelBuilder
	g  *onnxpb.GraphProto
	// trips is the Loop form's trip count read from its inputs (int64
	// scalar), "" in the other forms.
	trips string
}

// op appends a node with one output and returns the output's name. out is
// the wanted tensor name (made unique); the node is called name.
func (s *scope) op(opType, name string, inputs []string, out string, attrs ...*onnxpb.AttributeProto) string {
	return s.node(opType, name, inputs, s.mb.tensorName(out), attrs...)
}

// opTo is op for a result that leaves the cell: when out was reserved
// with reserve (a graph output) the node writes exactly that name,
// otherwise a unique one as op does.
func (s *scope) opTo(opType, name string, inputs []string, out string, attrs ...*onnxpb.AttributeProto) string {
	if !s.mb.reserved[out] {
		return s.op(opType, name, inputs, out, attrs...)
	}
	delete(s.mb.reserved, out)
	return s.node(opType, name, inputs, out, attrs...)
}

// reserve claims an exact tensor name for a graph input or output. It
// reports false when the name is taken.
func (mb *modelBuilder) reserve(name string) bool {
	if mb.tensor[name] {
		return false
	}
	mb.tensor[name] = true
	mb.reserved[name] = true
	return true
}

func (s *scope) node(opType, name string, inputs []string, out string, attrs ...*onnxpb.AttributeProto) string {
	s.g.Node = append(s.g.Node, &onnxpb.NodeProto{
		Name:      proto.String(fresh(s.mb.node, name)),
		OpType:    proto.String(opType),
		Input:     inputs,
		Output:    []string{out},
		Attribute: attrs,
	})
	return out
}

// doc sets the doc string of the last node.
func (s *scope) doc(text string) {
	if text != "" {
		s.g.Node[len(s.g.Node)-1].DocString = proto.String(text)
	}
}

func attrInt(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func attrInts(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

func attrGraph(name string, g *onnxpb.GraphProto) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_GRAPH.Enum(), G: g}
}

// dim is one dimension of a value: a size, or a symbolic name when param
// is set.
type dim struct {
	size  int
	param string
}

func valueInfo(name string, elem onnxpb.TensorProto_DataType, dims []dim, doc string) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{}
	for _, d := range dims {
		if d.param != "" {
			shape.Dim = append(shape.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d.param}})
		} else {
			shape.Dim = append(shape.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d.size)}})
		}
	}
	vi := &onnxpb.ValueInfoProto{
		Name: proto.String(name),
		Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
			ElemType: proto.Int32(int32(elem)),
			Shape:    shape,
		}}},
	}
	if doc != "" {
		vi.DocString = proto.String(doc)
	}
	return vi
}

// floats adds a float initializer in the model's element type and returns
// its name. Values are stored little-endian in raw_data.
func (mb *modelBuilder) floats(name string, dims []int, v []float64) string {
	checkLen(name, dims, len(v))
	var raw []byte
	if mb.dtype == Float64 {
		raw = make([]byte, 8*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(x))
		}
	} else {
		raw = make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(x)))
		}
	}
	mb.params += int64(len(v))
	return mb.initializer(name, mb.elem, dims, raw)
}

// int32s adds an int32 initializer (Gather indices) and returns its name.
func (mb *modelBuilder) int32s(name string, dims []int, v []int32) string {
	checkLen(name, dims, len(v))
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	mb.ints += int64(len(v))
	return mb.initializer(name, onnxpb.TensorProto_INT32, dims, raw)
}

// int64s adds an int64 initializer and returns its name.
func (mb *modelBuilder) int64s(name string, dims []int, v []int64) string {
	checkLen(name, dims, len(v))
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	return mb.initializer(name, onnxpb.TensorProto_INT64, dims, raw)
}

// int64Const returns a shared int64 constant, adding it on first use. It
// is named after its value: "const 3" (a scalar) or "const [0 1]".
func (mb *modelBuilder) int64Const(dims []int, v ...int64) string {
	name := fmt.Sprint("const ", v)
	if len(dims) == 0 {
		name = fmt.Sprint("const ", v[0])
	}
	key := fmt.Sprint(dims, v)
	if n, ok := mb.consts[key]; ok {
		return n
	}
	n := mb.int64s(name, dims, v)
	mb.consts[key] = n
	return n
}

func (mb *modelBuilder) initializer(name string, elem onnxpb.TensorProto_DataType, dims []int, raw []byte) string {
	name = mb.tensorName(name)
	t := &onnxpb.TensorProto{Name: proto.String(name), DataType: proto.Int32(int32(elem)), RawData: raw}
	for _, d := range dims {
		t.Dims = append(t.Dims, int64(d))
	}
	mb.main.Initializer = append(mb.main.Initializer, t)
	return name
}

func checkLen(name string, dims []int, n int) {
	p := 1
	for _, d := range dims {
		p *= d
	}
	if p != n {
		panic(fmt.Sprintf("export: initializer %q has %d values for shape %v", name, n, dims))
	}
}
