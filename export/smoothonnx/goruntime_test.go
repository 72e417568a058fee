package smoothonnx_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/smooth"
)

// Every example program, regulariser, dtype and form (the Loop over the
// levels and the unrolled levels): dp2nn's own interpreter
// (engine/onnxref, the "go" runtime) gives the value and marginals of
// smooth.GraphRun (float64 1e-12, float32 1e-5, relative to max(1, |x|),
// the tolerances of ONNX Runtime in TestMatchesGo), and, where ONNX
// Runtime is present, ONNX Runtime's own outputs on the same model to the
// same tolerance.
func TestGoRuntimeMatches(t *testing.T) {
	eachModel(t, rand.New(rand.NewPCG(18, 24)), func(t *testing.T, c *modelCase) {
		s, err := onnxref.OpenBytes(c.model)
		require.NoError(t, err)
		out, err := s.Run(c.in)
		require.NoError(t, err)
		c.againstGo(t, "go", out)
		t.Run("ort", func(t *testing.T) {
			requireORT(t)
			o, err := onnxrt.NewSession(c.model, onnxrt.Options{Threads: 1})
			require.NoError(t, err)
			defer o.Close()
			want, err := o.Run(c.in)
			require.NoError(t, err)
			tol := smoothonnx.Tolerance(c.dtype)
			compareRuntime(t, "go vs ort value", out["value"].Data, want["value"].Data, tol)
			compareRuntime(t, "go vs ort marginals", out["marginals"].Data, want["marginals"].Data, tol)
		})
	})
}

// compareRuntime checks got against want as compare does, naming the
// runtimes in the message.
func compareRuntime(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	worst, at, err := smoothonnx.RelErr(got, want)
	require.NoError(t, err, what)
	if at >= 0 {
		require.LessOrEqual(t, worst, tol, "%s[%d]: %v, want %v", what, at, got[at], want[at])
	}
}

// BenchmarkGoRuntime is the value and marginals of one instance (batch 1,
// float64) in dp2nn's interpreter (engine/onnxref) beside ONNX Runtime
// (one intra-op thread) on the same models: mid-size graphs where a run
// takes milliseconds. cpu-ns/cell is the process CPU time (the garbage
// collector's and ONNX Runtime's threads included), which a loaded
// machine inflates less than wall time.
func BenchmarkGoRuntime(b *testing.B) {
	rng := rand.New(rand.NewPCG(18, 25))
	for _, e := range []struct {
		name string
		p    program
	}{
		{"lcs/200x200", program{"../../examples/lcs.dp", map[string]int64{"m": 200, "n": 200, "a": 4}, 0}},
		{"bellmanford/n=50", program{"../../examples/bellmanford.dp", map[string]int64{"n": 50}, 0}},
	} {
		g := e.p.graph(b, rng)
		n := float64(cells(g))
		seed := make([]float64, len(g.Outputs))
		for i := range seed {
			seed[i] = 1
		}
		in := map[string]export.Tensor{"theta": export.NewTensor(g.Theta, 1, len(g.Theta)), "seed": export.NewTensor(seed, 1, len(seed))}
		for _, rf := range []struct {
			reg  smooth.Reg
			form smoothonnx.Form
		}{{smooth.Shannon, smoothonnx.Loop}, {smooth.Tsallis, smoothonnx.Loop}, {smooth.Shannon, smoothonnx.Unrolled}, {smooth.Tsallis, smoothonnx.Unrolled}} {
			reg := rf.reg
			model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: 1, DType: smoothonnx.Float64, Form: rf.form})
			require.NoError(b, err)
			b.Run(fmt.Sprintf("%s/%v/%v/onnxref", e.name, rf.form, reg), func(b *testing.B) {
				s, err := onnxref.OpenBytes(model)
				require.NoError(b, err)
				runtime.GC()
				cpu0 := processCPU()
				for b.Loop() {
					_, err := s.Run(in)
					require.NoError(b, err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/cell")
				b.ReportMetric((processCPU()-cpu0)/float64(b.N)/n, "cpu-ns/cell")
			})
			b.Run(fmt.Sprintf("%s/%v/%v/ort", e.name, rf.form, reg), func(b *testing.B) {
				requireORT(b)
				s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
				require.NoError(b, err)
				defer s.Close()
				runtime.GC()
				cpu0 := processCPU()
				for b.Loop() {
					_, err := s.Run(in)
					require.NoError(b, err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/cell")
				b.ReportMetric((processCPU()-cpu0)/float64(b.N)/n, "cpu-ns/cell")
			})
		}
	}
}
