package onnxrt_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
)

// requireORT skips the test when the ONNX Runtime library is missing, with
// the command that installs it, and fails it instead when
// DP2NN_REQUIRE_RUNTIMES=1 (scripts/test.sh and CI set it after
// installing the library).
func requireORT(t testing.TB) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
}

// Every layout × form × dtype of every shared case gives in ONNX Runtime
// what relu's Go evaluator gives, exactly for integer data.
func TestMatchesEvaluator(t *testing.T) {
	requireORT(t)
	for _, c := range exporttest.Cases() {
		for _, opt := range c.Variants() {
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				model, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
				require.NoError(t, err)
				defer s.Close()
				rng := rand.New(rand.NewPCG(7, uint64(len(c.Name))))
				for _, batch := range []int{1, 7} {
					in := c.Inputs(rng, opt, batch, 5)
					want, err := c.Reference(opt, in)
					require.NoError(t, err)
					got, err := s.Run(in)
					require.NoError(t, err)
					require.NoError(t, exporttest.Compare(got, want, c.Tolerance(opt.DType)), "batch %d", batch)
				}
			})
		}
	}
}

// ONNX Runtime's decode tail agrees with the Go reference for every
// comparison, tolerance, range and fallback, on values next to the
// thresholds, in float32 and float64.
func TestDecodeTails(t *testing.T) {
	requireORT(t)
	c := exporttest.DecodeCase()
	for i, d := range exporttest.DecodeTails() {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Decode: d, DType: dt, Layout: export.Layout(1 + i%2)}
			model, err := export.Marshal(c.Graph, opt)
			require.NoError(t, err)
			s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
			require.NoError(t, err)
			in := c.Inputs(rand.New(rand.NewPCG(uint64(i), 2)), opt, 64, 0)
			want, err := c.Reference(opt, in)
			require.NoError(t, err)
			got, err := s.Run(in)
			s.Close()
			require.NoError(t, err)
			require.NoError(t, exporttest.Compare(got, want, 0), "%s, %v", describe(d), dt)
		}
	}
}

func describe(d *export.Decode) string {
	return fmt.Sprintf("%s max=%v %s %v integer %v bound %v range %v", d.Name, d.Max, d.Op, d.Threshold, d.Integer, d.Bound, d.Range)
}
