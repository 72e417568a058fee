package smoothonnx_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/smooth"
)

// FuzzLoopForm draws an example program's instance, a regulariser, γ and
// the loop form's window W (0: its own choice) from the fuzzer's input,
// and runs the float64 model in dp2nn's own interpreter (engine/onnxref,
// no ONNX Runtime needed) against smooth.GraphRun: value and marginals to
// 1e-12 relative to max(1, |x|).
func FuzzLoopForm(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint8(0), uint64(1))
	f.Add(uint8(1), uint8(1), uint8(1), uint64(2))
	f.Add(uint8(4), uint8(2), uint8(2), uint64(3))
	f.Add(uint8(7), uint8(3), uint8(1), uint64(4))
	f.Fuzz(func(t *testing.T, prog, w, reg uint8, seed uint64) {
		p := programs[int(prog)%len(programs)]
		rng := rand.New(rand.NewPCG(seed, 0x100f))
		g := p.graph(t, rng)
		r := []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis}[int(reg)%3]
		gamma := 0.1 + 2*rng.Float64()
		smoothonnx.SetWindow(int(w) % 8)
		model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: r, Gamma: gamma, DType: smoothonnx.Float64, Form: smoothonnx.Loop})
		smoothonnx.SetWindow(0)
		require.NoError(t, err)
		s, err := onnxref.OpenBytes(model)
		require.NoError(t, err)
		theta, sd := batch(g, rng, 1)
		out, err := s.Run(map[string]export.Tensor{
			"theta": export.NewTensor(theta, 1, len(theta)),
			"seed":  export.NewTensor(sd, 1, len(sd)),
		})
		require.NoError(t, err)
		run, err := g.Forward(r, gamma, theta)
		require.NoError(t, err)
		y, err := run.Marginals(sd)
		require.NoError(t, err)
		compareRuntime(t, "value", out["value"].Data, run.Values(), 1e-12)
		compareRuntime(t, "marginals", out["marginals"].Data, y, 1e-12)
	})
}
