package export_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A cell with data and no per-step input (Bellman-Ford's) runs a fixed
// number of steps in the Loop form: the trip count is Options.Steps, the
// data block is one input [N, Len] read by the loop body from the outer
// graph, and the metadata name the data and the stand-in for +inf.
func TestLoopWithDataRunsFixedSteps(t *testing.T) {
	c := exporttest.BellmanFordCell(4)
	for _, layout := range []export.Layout{export.Dense, export.Structured} {
		opt := export.Options{Form: export.Loop, Layout: layout, State: c.State, Init: c.Init, Steps: c.Steps, Data: c.Data, Inf: c.Inf}
		b, err := export.Marshal(c.Graph, opt)
		require.NoError(t, err)
		m, err := export.Parse(b)
		require.NoError(t, err)
		assert.Equal(t, c.Steps, m.Steps)
		assert.Equal(t, []string{"c"}, m.Data)
		assert.Equal(t, c.Inf, m.Inf)
		require.Len(t, m.Inputs, 1)
		assert.Equal(t, "c", m.Inputs[0].Name)
		assert.Equal(t, []int{-1, 16}, m.Inputs[0].Dims)
		assert.Contains(t, m.Summary(), "data: c\ninf: BigM 1000 replaces +inf in c; d above 27 is +inf\n")
		in := c.Inputs(rand.New(rand.NewPCG(1, 2)), opt, 9, 0)
		got, err := onnxref.Run(m, in)
		require.NoError(t, err)
		want, err := c.Reference(opt, in)
		require.NoError(t, err)
		require.NoError(t, exporttest.Compare(got, want, 0))
		assert.Equal(t, []int{c.Steps, 9, 4}, got["d_steps"].Shape)
	}
}

// The model replaces +inf in a data block by BigM itself: +inf and BigM
// give the same outputs. Without Options.Inf the same +inf reaches the
// ReLU network and the outputs are not finite, so the replacement is what
// makes the first run right.
func TestDataInfReplacedByModel(t *testing.T) {
	c := exporttest.BellmanFordCell(4)
	for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Form: form, DType: dt, Steps: c.Steps, Data: c.Data, Inf: c.Inf}
			if form != export.Cell {
				opt.State, opt.Init = c.State, c.Init
			}
			t.Run(fmt.Sprintf("%v/%v", form, dt), func(t *testing.T) {
				in := c.Inputs(rand.New(rand.NewPCG(3, 4)), opt, 16, 0)
				infs := 0
				for _, x := range in["c"].Data {
					if math.IsInf(x, 1) {
						infs++
					}
				}
				require.Positive(t, infs, "the sample has +inf arcs")
				bigM := export.Tensor{Shape: in["c"].Shape}
				for _, x := range in["c"].Data {
					bigM.Data = append(bigM.Data, math.Min(x, c.Inf.BigM))
				}
				run := func(opt export.Options, c2 export.Tensor) map[string]export.Tensor {
					b, err := export.Marshal(c.Graph, opt)
					require.NoError(t, err)
					m, err := export.Parse(b)
					require.NoError(t, err)
					args := map[string]export.Tensor{"c": c2}
					if form == export.Cell {
						args["d"] = in["d"]
					}
					out, err := onnxref.Run(m, args)
					require.NoError(t, err)
					return out
				}
				withInf := run(opt, in["c"])
				require.NoError(t, exporttest.Compare(withInf, run(opt, bigM), 0))
				noInf := opt
				noInf.Inf = nil
				finite := true
				for _, x := range run(noInf, in["c"])["d"+map[bool]string{true: "_next"}[form == export.Cell]].Data {
					finite = finite && !math.IsInf(x, 0) && !math.IsNaN(x)
				}
				assert.False(t, finite, "+inf fed to the ReLU network itself")
			})
		}
	}
}

// The gradient of the Unrolled form with respect to a data block is the
// sum over the steps (every step reads it); reverse mode in the graph
// equals reverse mode in Go exactly on these integer ReLU cells.
func TestUnrolledGradientWithData(t *testing.T) {
	for _, c := range []exporttest.Case{exporttest.BellmanFordCell(4), exporttest.ShiftedMinPlusCell()} {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Form: export.Unrolled, Layout: export.Dense, DType: dt, Steps: c.Steps,
				State: c.State, Init: c.Init, Data: c.Data, Inf: c.Inf,
				Gradient: &export.Gradient{Name: "grad", Output: c.State[0], Index: 2}}
			t.Run(c.Name+"/"+dt.String(), func(t *testing.T) {
				b, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				m, err := export.Parse(b)
				require.NoError(t, err)
				in := c.Inputs(rand.New(rand.NewPCG(5, 6)), opt, 7, 0)
				got, err := onnxref.Run(m, in)
				require.NoError(t, err)
				want := c.SmoothReference(opt, in, false)
				require.NoError(t, exporttest.Compare(got, want, 0))
				g := got["grad"] // the only non-state block is the data
				if len(c.Graph.Inputs)-len(c.State) > 1 {
					g = got["grad_"+c.Data[0]]
				}
				require.Len(t, g.Shape, 2, "data gradient is [N, Len]")
				nonzero := 0
				for _, x := range g.Data {
					if x != 0 {
						nonzero++
					}
				}
				assert.Positive(t, nonzero, "the output depends on the data")
			})
		}
	}
}

// Bad data options are reported, each naming what is wrong.
func TestDataOptionErrors(t *testing.T) {
	c := exporttest.BellmanFordCell(3)
	s := exporttest.ShiftedMinPlusCell()
	loop := export.Options{Form: export.Loop, State: c.State, Init: c.Init, Data: c.Data}
	with := func(o export.Options, f func(*export.Options)) export.Options { f(&o); return o }
	for _, tc := range []struct {
		name string
		cell exporttest.Case
		opt  export.Options
		want string
	}{
		{"loop without steps", c, loop, "the loop form of a cell without per-step inputs runs a fixed number of steps: it needs Steps >= 1, got 0"},
		{"unknown data", c, with(loop, func(o *export.Options) { o.Steps, o.Data = 2, []string{"w"} }), `data block "w" is not an input block of the graph`},
		{"state as data", c, with(loop, func(o *export.Options) { o.Steps, o.Data = 2, []string{"c", "d"} }), `data block "d" is also an output block (state)`},
		{"data twice", c, with(loop, func(o *export.Options) { o.Steps, o.Data = 2, []string{"c", "c"} }), `data block "c" is named twice`},
		{"inf of non-data", s, export.Options{Data: []string{"shift"}, Inf: &export.Inf{BigM: 9, Data: []string{"size"}}}, `inf: "size" is not a data block (Options.Data: shift)`},
		{"inf bigm", s, export.Options{Inf: &export.Inf{BigM: math.Inf(1)}}, "inf: BigM +Inf is not a finite number"},
		{"inf finite", s, export.Options{Inf: &export.Inf{BigM: 9, Finite: map[string]float64{"f": 9, "g": 1}}},
			`inf: the largest finite value 9 of "f" is not below BigM 9`},
		{"inf unknown state", s, export.Options{Inf: &export.Inf{BigM: 9, Finite: map[string]float64{"g": 1}}}, `inf: "g" is not an output block of the graph`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := export.Marshal(tc.cell.Graph, tc.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The settled Unrolled form is built from relu.UnrollWith: it equals that
// graph (fewer neurons than Steps copies of the cell) evaluated in Go, and
// it does follow Settled: a settled map that is false for the cell
// changes the result.
func TestSettledUnrolled(t *testing.T) {
	c := exporttest.MaxSubarrayCell(5)
	for _, layout := range []export.Layout{export.Dense, export.Structured} {
		opt := export.Options{Form: export.Unrolled, Layout: layout, Steps: c.Steps, State: c.State, Init: c.Init, Data: c.Data, Settled: c.Settled}
		b, err := export.Marshal(c.Graph, opt)
		require.NoError(t, err)
		m, err := export.Parse(b)
		require.NoError(t, err)
		assert.True(t, m.Settled)
		assert.Contains(t, m.Summary(), "5 steps, each unit computed up to the step it settles at")
		in := c.Inputs(rand.New(rand.NewPCG(7, 7)), opt, 11, 0)
		got, err := onnxref.Run(m, in)
		require.NoError(t, err)
		flat, err := relu.UnrollWith(c.Graph, c.Steps, c.State, c.Init, relu.UnrollOptions{Shared: c.Data, Settled: c.Settled})
		require.NoError(t, err)
		want, err := relu.Eval[float64](flat, in["x"].Data, 11)
		require.NoError(t, err)
		assert.Equal(t, want, got["s"].Data)
		assert.Less(t, flat.NumNeurons(), c.Steps*c.Graph.NumNeurons(), "fewer neurons than Steps copies of the cell")
		wrong := opt
		wrong.Settled = map[string][]int{"s": {1, 1, 1, 1, 1}}
		wb, err := export.Marshal(c.Graph, wrong)
		require.NoError(t, err)
		wm, err := export.Parse(wb)
		require.NoError(t, err)
		wgot, err := onnxref.Run(wm, in)
		require.NoError(t, err)
		assert.NotEqual(t, got["s"].Data, wgot["s"].Data)
	}
}

// A cell with data in the Loop form and the settled Unrolled form reads
// well: the data inputs, the Min that replaces +inf, the fixed trip count
// and the metadata, compared with golden files (go test -update).
func TestGoldenDataSummaries(t *testing.T) {
	bf := exporttest.BellmanFordCell(3)
	ms := exporttest.MaxSubarrayCell(3)
	for _, tc := range []struct {
		file string
		c    exporttest.Case
		opt  export.Options
	}{
		{"bellmanford3_loop_dense", bf, export.Options{Form: export.Loop, Layout: export.Dense, Steps: bf.Steps, Data: bf.Data, Inf: bf.Inf}},
		{"bellmanford3_loop_structured", bf, export.Options{Form: export.Loop, Layout: export.Structured, Steps: bf.Steps, Data: bf.Data, Inf: bf.Inf}},
		{"maxsubarray3_unrolled_settled_dense", ms, export.Options{Form: export.Unrolled, Layout: export.Dense, Steps: ms.Steps, Data: ms.Data, Settled: ms.Settled}},
	} {
		tc.opt.State, tc.opt.Init, tc.opt.Doc = tc.c.State, tc.c.Init, tc.c.Name
		b, err := export.Marshal(tc.c.Graph, tc.opt)
		require.NoError(t, err)
		m, err := export.Parse(b)
		require.NoError(t, err)
		var sb strings.Builder
		sb.WriteString(m.Summary())
		sb.WriteString("metadata:\n")
		for _, e := range m.Proto.MetadataProps {
			fmt.Fprintf(&sb, "  %s = %s\n", e.GetKey(), e.GetValue())
		}
		sb.WriteString("nodes:\n")
		writeNodes(&sb, m.Proto.Graph, "  ")
		golden(t, filepath.Join("testdata", tc.file+".golden"), sb.String())
	}
}
