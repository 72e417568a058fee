package onnxgo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine/onnxgo"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
)

// The dense Cell form of every shared case gives in onnx-go's gorgonnx
// what relu's Go evaluator gives, in float32 and float64, exactly for
// integer data (gonum's blas sums in its own order, which is exact there).
// Cases with data blocks that may be +inf get the model's Min(x, BigM),
// but their inputs come with +inf already replaced by BigM: gorgonnx
// computes Min as x·[x<y] + y·(1−[x<y]), which is NaN for x = +inf.
func TestDenseMatchesEvaluator(t *testing.T) {
	for _, c := range exporttest.Cases() {
		for _, d := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Layout: export.Dense, DType: d, Data: c.Data, Inf: c.Inf}
			finite := opt
			finite.Inf = nil // Inputs replaces +inf by BigM when the model does not
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				model, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				if d == export.Float64 && c.Inf != nil && len(c.Inf.Data) > 0 {
					_, err := onnxgo.Run(model, c.Inputs(rand.New(rand.NewPCG(1, 1)), finite, 1, 0))
					require.ErrorContains(t, err, "Min (the replacement of +inf by BigM in data blocks) in float32 only")
					return
				}
				rng := rand.New(rand.NewPCG(11, uint64(len(c.Name))))
				for _, batch := range []int{1, 6} {
					in := c.Inputs(rng, finite, batch, 0)
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

// Every problem of verify's shared table, compiled and exported dense in
// the Cell form, run step by step in onnx-go, stays within the network's
// decode tolerance of the exact DP after every step.
func TestProblemsMatchExactDP(t *testing.T) {
	for pi, p := range problems.StepCases() {
		m, err := p.Model()
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{})
		require.NoError(t, err)
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			model, err := export.Marshal(net.Cell, export.Options{Layout: export.Dense, DType: dt})
			require.NoError(t, err)
			u := compile.Float32Roundoff
			if dt == export.Float64 {
				u = compile.Float64Roundoff
			}
			rng := instance.NewRand(uint64(200 + pi))
			for inst := range 4 {
				steps := p.Random(rng, m)
				tr, err := truth.RunDP(m, steps)
				require.NoError(t, err)
				tol := net.DecodeTolerance(u, len(steps))
				in := map[string]export.Tensor{}
				for _, name := range net.State {
					in[name] = export.NewTensor(append([]float64(nil), net.Init[name]...), 1, len(net.Init[name]))
				}
				for k, step := range steps {
					for i, name := range net.StepInputs {
						in[name] = export.NewTensor([]float64{step[i]}, 1, 1)
					}
					out, err := onnxgo.Run(model, in)
					require.NoError(t, err)
					for si, name := range net.State {
						in[name] = out[name+"_next"]
						e, cell := tr.Compare(k+1, si, in[name].Data)
						require.LessOrEqual(t, e, tol, "%s %v instance %d step %d: state %s cell %d", p.Name, dt, inst, k+1, name, cell)
					}
				}
			}
		}
	}
}
