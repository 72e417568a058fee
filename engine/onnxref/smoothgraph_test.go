package onnxref

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/smooth"
)

// The smooth graph's marginals are one ScatterElements (reduction add)
// into zeros the graph makes itself: in both forms the interpreter writes
// them in place, with no copy of the data tensor.
func TestSmoothGraphScattersInPlace(t *testing.T) {
	src, err := os.ReadFile("../../examples/lcs.dp")
	require.NoError(t, err)
	f, err := dsl.Parse("lcs.dp", src)
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"m": 6, "n": 5, "a": 3})
	require.NoError(t, err)
	g, err := smooth.NewGraph(m, [][]float64{{1, 2, 3, 1, 2, 3}, {3, 2, 1, 1, 2}}, nil, smooth.GraphLimits{})
	require.NoError(t, err)
	for _, form := range []smoothonnx.Form{smoothonnx.Loop, smoothonnx.Unrolled} {
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Tsallis} {
			model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: 0.5, DType: smoothonnx.Float64, Form: form})
			require.NoError(t, err)
			var mp onnxpb.ModelProto
			require.NoError(t, proto.Unmarshal(model, &mp))
			scatters := 0
			var count func(*onnxpb.GraphProto)
			count = func(g *onnxpb.GraphProto) {
				for _, n := range g.Node {
					if n.GetOpType() == "ScatterElements" || n.GetOpType() == "ScatterND" {
						scatters++
					}
					for _, a := range n.Attribute {
						if a.G != nil {
							count(a.G)
						}
					}
				}
			}
			count(mp.Graph)
			require.Positive(t, scatters, "%v %v: the model has no scatter to check", form, reg)
			s, err := OpenModel(&mp)
			require.NoError(t, err)
			before := scatterCopies.Load()
			_, err = s.Run(map[string]export.Tensor{"theta": export.NewTensor(g.Theta, 1, len(g.Theta)), "seed": export.NewTensor([]float64{1}, 1, 1)})
			require.NoError(t, err)
			require.Zero(t, scatterCopies.Load()-before, "%v %v: scatter copies", form, reg)
		}
	}
}
