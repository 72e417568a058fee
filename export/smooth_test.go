package export_test

import (
	"math/rand/v2"
	"testing"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/stretchr/testify/require"
)

// The reference interpreter runs every smooth case in every layout, form
// and dtype, and the gradient variants, as the float64 reference of
// exporttest computes them (the Loop form: its final state) (tolerances: exporttest.SmoothTol64, 32).
func TestInterpreterSmooth(t *testing.T) {
	for _, c := range exporttest.SmoothCases() {
		for _, opt := range c.SmoothVariants() {
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				b, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				m, err := export.Parse(b)
				require.NoError(t, err)
				rng := rand.New(rand.NewPCG(5, uint64(len(c.Name))))
				in := c.Inputs(rng, opt, 3, 3)
				got, err := onnxref.Run(m, in)
				require.NoError(t, err)
				want := c.SmoothReference(opt, in, false)
				require.NoError(t, exporttest.CompareRel(got, want, exporttest.SmoothTol(opt.DType)))
				if opt.Gradient != nil && opt.DType == export.Float64 {
					fd := c.SmoothReference(opt, in, true)
					require.NoError(t, exporttest.CompareRel(got, fd, exporttest.FiniteDiffTol), "against finite differences")
				}
			})
		}
	}
}

// For the integer ReLU cases the gradient is exact: products and sums of
// integer weights, in any order, in float32 and float64 (the kink at 0
// has slope 0 in both the model and Backward64).
func TestInterpreterReLUGradientExact(t *testing.T) {
	for _, c := range exporttest.Cases() {
		if !c.Integer {
			continue
		}
		for _, d := range []export.DType{export.Float32, export.Float64} {
			out := c.Graph.Outputs[0]
			opt := export.Options{Layout: export.Dense, DType: d, Gradient: &export.Gradient{Name: "grad", Output: out.Name, Index: out.Len / 2}}
			t.Run(c.Name+"/"+d.String(), func(t *testing.T) {
				b, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				m, err := export.Parse(b)
				require.NoError(t, err)
				in := c.Inputs(rand.New(rand.NewPCG(9, 9)), opt, 6, 0)
				got, err := onnxref.Run(m, in)
				require.NoError(t, err)
				require.NoError(t, exporttest.Compare(got, c.SmoothReference(opt, in, false), 0))
			})
		}
	}
}

// Gradient options that cannot be honoured are refused with a message
// naming the problem.
func TestGradientRefused(t *testing.T) {
	chain := exporttest.SmoothKnapsackChain("gini", func(int) relu.Activation { return relu.Gini })
	unrolled := export.Options{Layout: export.Dense, Form: export.Unrolled, Steps: 2, State: chain.State, Init: chain.Init}
	with := func(o export.Options, g export.Gradient) export.Options { o.Gradient = &g; return o }
	loop := unrolled
	loop.Form = export.Loop
	structured := unrolled
	structured.Layout = export.Structured
	for _, tc := range []struct {
		name string
		opt  export.Options
		want string
	}{
		{"loop", with(loop, export.Gradient{Name: "g", Output: "f", Index: 4}), "loop form has no gradient"},
		{"structured", with(structured, export.Gradient{Name: "g", Output: "f", Index: 4}), "only the dense layout"},
		{"bad output", with(unrolled, export.Gradient{Name: "g", Output: "h", Index: 0}), `"h" is not an output block`},
		{"bad index", with(unrolled, export.Gradient{Name: "g", Output: "f", Index: 5}), "index 5 is outside block"},
		{"state wrt", with(unrolled, export.Gradient{Name: "g", Output: "f", WithRespectTo: []string{"f"}}), `"f" is a state block`},
		{"unknown wrt", with(unrolled, export.Gradient{Name: "g", Output: "f", WithRespectTo: []string{"w"}}), `"w" is not an input block`},
		{"name taken", with(unrolled, export.Gradient{Name: "v", Output: "f", WithRespectTo: []string{"v"}}), `name "v" is already used`},
		{"empty name", with(unrolled, export.Gradient{Output: "f"}), "empty output name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := export.Marshal(chain.Graph, tc.opt)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
