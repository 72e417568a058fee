package onnxrt_test

import (
	"math/rand/v2"
	"testing"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/verify/onnxrt"
	"github.com/stretchr/testify/require"
)

// requireORT skips the test when the ONNX Runtime library is missing, with
// the command that installs it. CI always installs it.
func requireORT(t testing.TB) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		t.Skipf("%v", err)
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
