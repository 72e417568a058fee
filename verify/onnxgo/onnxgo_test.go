package onnxgo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/verify/onnxgo"
	"github.com/stretchr/testify/require"
)

// The dense Cell form of every shared case gives in onnx-go's gorgonnx
// what relu's Go evaluator gives, in float32 and float64, exactly for
// integer data (gonum's blas sums in its own order, which is exact there).
func TestDenseMatchesEvaluator(t *testing.T) {
	for _, c := range exporttest.Cases() {
		for _, d := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Layout: export.Dense, DType: d}
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				model, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				rng := rand.New(rand.NewPCG(11, uint64(len(c.Name))))
				for _, batch := range []int{1, 6} {
					in := c.Inputs(rng, opt, batch, 0)
					want, err := c.Reference(opt, in)
					require.NoError(t, err)
					got, err := onnxgo.Run(model, in)
					require.NoError(t, err)
					require.NoError(t, exporttest.Compare(got, want, c.Tolerance(d)), "batch %d", batch)
				}
			})
		}
	}
}
