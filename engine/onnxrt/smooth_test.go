package onnxrt_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
)

// ONNX Runtime runs every smooth case in every layout, form and dtype as
// exporttest's float64 reference computes it (tolerances
// exporttest.SmoothTol64 and SmoothTol32), and its gradient outputs match
// central finite differences of the reference forward pass
// (exporttest.FiniteDiffTol).
func TestSmoothMatchesReference(t *testing.T) {
	requireORT(t)
	for _, c := range exporttest.SmoothCases() {
		for _, opt := range c.SmoothVariants() {
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				model, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
				require.NoError(t, err)
				defer s.Close()
				rng := rand.New(rand.NewPCG(11, uint64(len(c.Name))))
				for _, batch := range []int{1, 6} {
					in := c.Inputs(rng, opt, batch, 3)
					got, err := s.Run(in)
					require.NoError(t, err)
					require.NoError(t, exporttest.CompareRel(got, c.SmoothReference(opt, in, false), exporttest.SmoothTol(opt.DType)), "batch %d", batch)
					if opt.Gradient != nil && opt.DType == export.Float64 {
						require.NoError(t, exporttest.CompareRel(got, c.SmoothReference(opt, in, true), exporttest.FiniteDiffTol), "batch %d, against finite differences", batch)
					}
				}
			})
		}
	}
}

// For the integer ReLU cases ONNX Runtime's gradient is exact in float32
// and float64: integer weights, products and sums.
func TestReLUGradientExact(t *testing.T) {
	requireORT(t)
	for _, c := range exporttest.Cases() {
		if !c.Integer {
			continue
		}
		for _, d := range []export.DType{export.Float32, export.Float64} {
			out := c.Graph.Outputs[0]
			opt := export.Options{Layout: export.Dense, DType: d, Gradient: &export.Gradient{Name: "grad", Output: out.Name, Index: out.Len / 2}}
			t.Run(c.Name+"/"+d.String(), func(t *testing.T) {
				model, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
				require.NoError(t, err)
				defer s.Close()
				in := c.Inputs(rand.New(rand.NewPCG(9, 9)), opt, 6, 0)
				got, err := s.Run(in)
				require.NoError(t, err)
				require.NoError(t, exporttest.Compare(got, c.SmoothReference(opt, in, false), 0))
			})
		}
	}
}

// One smoothed max per regulariser, exported and run in ONNX Runtime,
// equals smooth.Max2 (the smoothed DP's own kernel, which shares no
// code with export or exporttest): value and q = ∂/∂b, for γ = 1/2.
func TestSmoothMaxMatchesSmoothDP(t *testing.T) {
	requireORT(t)
	regs := map[relu.Activation]smooth.Reg{relu.Shannon: smooth.Shannon, relu.Gini: smooth.Gini, relu.Tsallis: smooth.Tsallis}
	const gamma = 0.5
	for act, reg := range regs {
		b := relu.NewBuilder()
		ab := b.Input("ab", 2)
		grp := b.Group(relu.GroupInfo{Name: "max", Rule: "smoothed max"})
		a, c := relu.Var(ab[0]), relu.Var(ab[1])
		h := b.Neuron(grp, act, c.Minus(a).Scale(1/gamma))
		b.Output("m", []int{1}, grp, []relu.Affine{a.PlusScaled(gamma, relu.Var(h))})
		g, err := b.Build()
		require.NoError(t, err)
		for _, d := range []export.DType{export.Float32, export.Float64} {
			model, err := export.Marshal(g, export.Options{Layout: export.Dense, DType: d, Gradient: &export.Gradient{Name: "dm", Output: "m"}})
			require.NoError(t, err)
			s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
			require.NoError(t, err)
			// Pairs across every regime: far apart both ways (clipped q),
			// close, equal.
			var data []float64
			for _, diff := range []float64{-5, -1.3, -0.4, -0.01, 0, 0.02, 0.3, 0.9, 1.7, 6} {
				data = append(data, 1.5, 1.5+diff)
			}
			n := len(data) / 2
			got, err := s.Run(map[string]export.Tensor{"ab": export.NewTensor(data, n, 2)})
			s.Close()
			require.NoError(t, err)
			tol := exporttest.SmoothTol(d)
			for i := range n {
				v, q, _ := smooth.Max2(reg, gamma, data[2*i], data[2*i+1])
				require.InDelta(t, v, got["m"].Data[i], tol*math.Max(1, math.Abs(v)), "%v %v value at %v", act, d, data[2*i:2*i+2])
				require.InDelta(t, q, got["dm"].Data[2*i+1], tol, "%v %v q at %v", act, d, data[2*i:2*i+2])
				require.InDelta(t, 1-q, got["dm"].Data[2*i], tol, "%v %v 1-q at %v", act, d, data[2*i:2*i+2])
			}
		}
	}
}
