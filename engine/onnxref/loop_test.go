package onnxref

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
)

// graphBuilder writes a small ONNX graph for the tests.
type graphBuilder struct {
	g *onnxpb.GraphProto
}

func (b *graphBuilder) node(op string, ins, outs []string, attrs ...*onnxpb.AttributeProto) {
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{OpType: proto.String(op), Input: ins, Output: outs, Attribute: attrs})
}

func (b *graphBuilder) ints(name string, dims []int64, v ...int64) {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	b.g.Initializer = append(b.g.Initializer, &onnxpb.TensorProto{Name: proto.String(name), Dims: dims, DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), RawData: raw})
}

func (b *graphBuilder) doubles(name string, dims []int64, v ...float64) {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(x))
	}
	b.g.Initializer = append(b.g.Initializer, &onnxpb.TensorProto{Name: proto.String(name), Dims: dims, DataType: proto.Int32(int32(onnxpb.TensorProto_DOUBLE)), RawData: raw})
}

func vinfo(name string, elem onnxpb.TensorProto_DataType, dims ...int64) *onnxpb.ValueInfoProto {
	sh := &onnxpb.TensorShapeProto{}
	for _, d := range dims {
		sh.Dim = append(sh.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d}})
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(elem)), Shape: sh}}}}
}

// loopCase is the shape of the Loop form of a smooth graph (branch
// gloop): a forward Loop over T levels whose body reads its level's W
// inputs by a dynamic Slice (starts and ends computed from the iteration
// number), reads the carried state at the level's W positions by Gather,
// and adds its updates into the carried state with a scatter (reduction
// add, positions repeating within and across levels).
type loopCase struct {
	T, W, S int
	nd      bool // ScatterND instead of ScatterElements
	// scanState also gives the updated state as a scan output (so the
	// Loop may not own it: it is copied every iteration, and must be).
	scanState bool
	// readAfter reads the old state by a node after the scatter (so the
	// scatter may not write into it).
	readAfter bool
}

func (c loopCase) model(tbl []int64) *onnxpb.ModelProto {
	T, W, S := int64(c.T), int64(c.W), int64(c.S)
	body := &graphBuilder{g: &onnxpb.GraphProto{Name: proto.String("body")}}
	body.g.Input = []*onnxpb.ValueInfoProto{vinfo("it", onnxpb.TensorProto_INT64), vinfo("cond_in", onnxpb.TensorProto_BOOL), vinfo("st", onnxpb.TensorProto_DOUBLE, 1, S)}
	body.ints("axes0", []int64{1}, 0)
	body.ints("axes1", []int64{1}, 1)
	body.ints("w", []int64{1}, W)
	body.doubles("half", nil, 0.5)
	body.node("Unsqueeze", []string{"it", "axes0"}, []string{"itv"})
	body.node("Mul", []string{"itv", "w"}, []string{"start"})
	body.node("Add", []string{"start", "w"}, []string{"end"})
	body.node("Slice", []string{"x", "start", "end", "axes1"}, []string{"xs"}) // [1, W], x of the outer graph
	body.node("Gather", []string{"tbl", "it"}, []string{"row"}, aI("axis", 0)) // [W]
	body.node("Gather", []string{"st", "row"}, []string{"rd"}, aI("axis", 1))  // [1, W]: the state before this level's updates
	body.node("Mul", []string{"rd", "half"}, []string{"rdh"})
	body.node("Add", []string{"xs", "rdh"}, []string{"upd"})
	if c.readAfter { // upd no longer reads st: a later node does, and must see the old state
		body.g.Node = body.g.Node[:len(body.g.Node)-3]
		body.node("Identity", []string{"xs"}, []string{"upd"})
	}
	if c.nd {
		body.node("Unsqueeze", []string{"row", "axes1"}, []string{"rowc"}) // [W, 1]
		body.node("ConstantOfShape", []string{"wshape"}, []string{"zc"}, &onnxpb.AttributeProto{Name: proto.String("value"), Type: onnxpb.AttributeProto_TENSOR.Enum(), T: &onnxpb.TensorProto{DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Dims: []int64{1}, Int64Data: []int64{0}}})
		body.ints("wshape", []int64{2}, W, 1)
		body.node("Concat", []string{"zc", "rowc"}, []string{"idx"}, aI("axis", 1)) // [W, 2]: (0, row[k])
		body.node("Squeeze", []string{"upd", "axes0"}, []string{"upd1"})            // [W]
		body.node("ScatterND", []string{"st", "idx", "upd1"}, []string{"st2"}, aS("reduction", "add"))
	} else {
		body.node("Unsqueeze", []string{"row", "axes0"}, []string{"idx"}) // [1, W]
		body.node("ScatterElements", []string{"st", "idx", "upd"}, []string{"st2"}, aI("axis", 1), aS("reduction", "add"))
	}
	body.node("Identity", []string{"cond_in"}, []string{"cond_out"})
	if c.readAfter {
		body.node("Gather", []string{"st", "row"}, []string{"rd"}, aI("axis", 1))
		body.node("Mul", []string{"rd", "half"}, []string{"rdh"})
		body.node("ReduceSum", []string{"rdh"}, []string{"rdsum"}, aI("keepdims", 0))
		body.node("ReduceSum", []string{"st2"}, []string{"total0"}, aI("keepdims", 0))
		body.node("Add", []string{"total0", "rdsum"}, []string{"total"})
	} else {
		body.node("ReduceSum", []string{"st2"}, []string{"total"}, aI("keepdims", 0))
	}
	body.g.Output = []*onnxpb.ValueInfoProto{vinfo("cond_out", onnxpb.TensorProto_BOOL), vinfo("st2", onnxpb.TensorProto_DOUBLE, 1, S), vinfo("total", onnxpb.TensorProto_DOUBLE)}
	outs := []string{"final", "totals"}
	if c.scanState {
		body.node("Neg", []string{"st2"}, []string{"negst"}) // a reader after the scatter
		body.node("Identity", []string{"st2"}, []string{"st2copy"})
		body.g.Output = append(body.g.Output, vinfo("st2copy", onnxpb.TensorProto_DOUBLE, 1, S), vinfo("negst", onnxpb.TensorProto_DOUBLE, 1, S))
		outs = append(outs, "states", "negstates")
	}
	main := &graphBuilder{g: &onnxpb.GraphProto{Name: proto.String("loop")}}
	main.ints("M", nil, T)
	main.ints("tbl", []int64{T, W}, tbl...)
	main.doubles("state0", []int64{1, S}, make([]float64, S)...)
	main.node("Loop", []string{"M", "", "state0"}, outs, &onnxpb.AttributeProto{Name: proto.String("body"), Type: onnxpb.AttributeProto_GRAPH.Enum(), G: body.g})
	main.g.Input = []*onnxpb.ValueInfoProto{vinfo("x", onnxpb.TensorProto_DOUBLE, 1, T*W)}
	for _, o := range outs {
		main.g.Output = append(main.g.Output, vinfo(o, onnxpb.TensorProto_DOUBLE))
	}
	return &onnxpb.ModelProto{IrVersion: proto.Int64(8), Graph: main.g, OpsetImport: []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(17)}}}
}

// naive is the same computation as plain loops.
func (c loopCase) naive(tbl []int64, x []float64) (final, totals []float64) {
	s := make([]float64, c.S)
	for it := range c.T {
		row := tbl[it*c.W : (it+1)*c.W]
		rd := make([]float64, c.W)
		for k, j := range row {
			rd[k] = s[j]
		}
		if c.readAfter { // the old state goes to the total, not the update
			t := 0.0
			for k, j := range row {
				s[j] += x[it*c.W+k]
			}
			for _, v := range s {
				t += v
			}
			r := 0.0
			for k := range row {
				r += rd[k] * 0.5
			}
			totals = append(totals, t+r)
			continue
		}
		for k, j := range row {
			s[j] += x[it*c.W+k] + rd[k]*0.5
		}
		t := 0.0
		for _, v := range s {
			t += v
		}
		totals = append(totals, t)
	}
	return s, totals
}

// A Loop whose body slices its inputs at positions computed from the
// iteration number and scatters (reduction add) into its carried state
// gives what plain loops give, and copies the carried state once (on the
// first iteration, from the initializer) — unless the body also hands the
// updated state to another output, when it must copy every iteration.
func TestLoopScatterCarried(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 24))
	for _, c := range []struct {
		name   string
		c      loopCase
		copies int64
	}{
		{"ScatterElements", loopCase{T: 6, W: 4, S: 5}, 1},
		{"ScatterND", loopCase{T: 6, W: 4, S: 5, nd: true}, 1},
		{"state also a scan output", loopCase{T: 6, W: 4, S: 5, scanState: true}, 6},
		{"ScatterND, state also a scan output", loopCase{T: 5, W: 3, S: 4, nd: true, scanState: true}, 5},
		{"one level", loopCase{T: 1, W: 3, S: 2}, 1},
		{"the old state read after the scatter", loopCase{T: 6, W: 4, S: 5, readAfter: true}, 6},
		{"ScatterND, the old state read after the scatter", loopCase{T: 6, W: 4, S: 5, nd: true, readAfter: true}, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			tbl := make([]int64, c.c.T*c.c.W)
			for i := range tbl {
				tbl[i] = int64(rng.IntN(c.c.S)) // repeats within and across levels
			}
			x := make([]float64, c.c.T*c.c.W)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			s, err := OpenModel(c.c.model(tbl))
			require.NoError(t, err)
			for range 2 { // a second run sees the initializer unchanged
				before := scatterCopies.Load()
				out, err := s.Run(map[string]export.Tensor{"x": export.NewTensor(x, 1, c.c.T*c.c.W)})
				require.NoError(t, err)
				require.Equal(t, c.copies, scatterCopies.Load()-before, "copies of the carried state")
				final, totals := c.c.naive(tbl, x)
				require.Equal(t, final, out["final"].Data)
				require.Equal(t, totals, out["totals"].Data)
				if c.c.scanState {
					// every step's state, as it was then: not overwritten by
					// the later in-place updates
					s := make([]float64, c.c.S)
					for it := range c.c.T {
						row := tbl[it*c.c.W : (it+1)*c.c.W]
						rd := make([]float64, c.c.W)
						for k, j := range row {
							rd[k] = s[j]
						}
						for k, j := range row {
							s[j] += x[it*c.c.W+k] + rd[k]*0.5
						}
						require.Equal(t, s, out["states"].Data[it*c.c.S:(it+1)*c.c.S], "step %d", it)
						for j := range s {
							require.Equal(t, -s[j], out["negstates"].Data[it*c.c.S+j])
						}
					}
				}
			}
		})
	}
}

// A scatter at the top level writes into a tensor the graph made itself
// (ConstantOfShape, as the smooth graph's marginals do) without a copy,
// and copies an initializer, which Run must not change.
func TestScatterInPlaceTopLevel(t *testing.T) {
	b := &graphBuilder{g: &onnxpb.GraphProto{Name: proto.String("g")}}
	b.ints("shape", []int64{2}, 1, 3)
	b.ints("idx", []int64{1, 2}, 2, 2)
	b.doubles("base", []int64{1, 3}, 1, 2, 3)
	b.node("ConstantOfShape", []string{"shape"}, []string{"z"}, &onnxpb.AttributeProto{Name: proto.String("value"), Type: onnxpb.AttributeProto_TENSOR.Enum(), T: &onnxpb.TensorProto{DataType: proto.Int32(int32(onnxpb.TensorProto_DOUBLE)), Dims: []int64{1}, DoubleData: []float64{0}}})
	b.node("ScatterElements", []string{"z", "idx", "u"}, []string{"a"}, aI("axis", 1), aS("reduction", "add"))
	b.node("ScatterElements", []string{"base", "idx", "u"}, []string{"c"}, aI("axis", 1), aS("reduction", "add"))
	b.node("Add", []string{"a", "c"}, []string{"y"})
	b.g.Input = []*onnxpb.ValueInfoProto{vinfo("u", onnxpb.TensorProto_DOUBLE, 1, 2)}
	b.g.Output = []*onnxpb.ValueInfoProto{vinfo("y", onnxpb.TensorProto_DOUBLE, 1, 3), vinfo("u", onnxpb.TensorProto_DOUBLE, 1, 2)}
	s, err := OpenModel(&onnxpb.ModelProto{Graph: b.g})
	require.NoError(t, err)
	for range 2 {
		before := scatterCopies.Load()
		out, err := s.Run(map[string]export.Tensor{"u": export.NewTensor([]float64{10, 20}, 1, 2)})
		require.NoError(t, err)
		require.Equal(t, int64(1), scatterCopies.Load()-before) // base, not z
		require.Equal(t, []float64{1, 2, 63}, out["y"].Data)    // [0 0 30] + [1 2 33], base unchanged on the second run
		require.Equal(t, []float64{10, 20}, out["u"].Data)
	}
}

// A Loop that runs no iteration gives its initial carried values and
// empty scan outputs of the body's declared element type.
func TestLoopNoIteration(t *testing.T) {
	c := loopCase{T: 0, W: 2, S: 3}
	s, err := OpenModel(c.model(nil))
	require.NoError(t, err)
	out, err := s.Run(map[string]export.Tensor{"x": export.NewTensor([]float64{}, 1, 0)})
	require.NoError(t, err)
	require.Equal(t, []float64{0, 0, 0}, out["final"].Data)
	require.Equal(t, []int{0}, out["totals"].Shape)
	require.Empty(t, out["totals"].Data)

	// an integer scan output: empty, and an integer (not a float) tensor
	body := c.model(nil).Graph.Node[0].Attribute[0].G
	require.Equal(t, elemInt32, emptyStack(vinfo("k", onnxpb.TensorProto_INT32, 2)).elem)
	require.Equal(t, []int{0, 2}, emptyStack(vinfo("k", onnxpb.TensorProto_INT32, 2)).shape)
	require.Equal(t, elemDouble, emptyStack(body.Output[2]).elem)
}
