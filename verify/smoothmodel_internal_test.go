package verify

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// The marginals of an unrolled smooth model are checked against the
// smoothed-DP interpreter, not against the Go network the model was
// exported from: a compiler fault that the model and the Go network share
// (here a network built at γ = 0.35 that says γ = 0.7, run by a model
// whose value is right and whose marginals are that network's gradient)
// is found. Compared with the Go network's gradient, as it once was, it
// passed. A right model (the network's own value and gradient) passes.
func TestSmoothModelMarginalsAgainstInterpreter(t *testing.T) {
	m := testprog.Load(t, "testdata/programs/exactsum.dp", map[string]int64{"C": 4})
	steps := [][]float64{{3, 0}, {1, 0}, {4, 0}, {2, 0}}
	const gamma = 0.7
	opt := compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: gamma}.SmoothInstance(m, steps)
	good, err := compile.Lower(m, opt)
	require.NoError(t, err)
	opt.Gamma = gamma / 2
	bad, err := compile.Lower(m, opt)
	require.NoError(t, err)
	bad.Smooth.Gamma = gamma // says γ = 0.7, computes at 0.35

	// run answers as a model exported from net would, with the value of
	// the smoothed DP at γ = 0.7 (a right value).
	runner := func(net *compile.Network) func(map[string]export.Tensor) (map[string]export.Tensor, error) {
		return func(feeds map[string]export.Tensor) (map[string]export.Tensor, error) {
			row := make([]float64, net.Cell.NumInputs)
			for _, blk := range net.Cell.Inputs {
				copy(row[blk.Start:], feeds[blk.Name].Data)
			}
			grad, _, err := relu.VJP(net.Cell, row, []float64{1})
			if err != nil {
				return nil, err
			}
			theta := make([][]float64, len(steps))
			for i, st := range steps {
				theta[i] = []float64{st[0], row[i]}
			}
			v, err := truth.RunSmoothDP(m, theta, smooth.Shannon, gamma)
			if err != nil {
				return nil, err
			}
			return map[string]export.Tensor{"value": export.NewTensor([]float64{v}, 1, 1), "marginals": export.NewTensor(grad, 1, len(grad))}, nil
		}
	}
	model := &export.Model{DType: export.Float64, Form: export.Unrolled}
	c, err := smoothModel(runner(good), model, "good.onnx", engine.Go, good, 20, 1, nil)
	require.NoError(t, err)
	assert.Zero(t, c.Mismatches, "%v", c.Failures)
	assert.Contains(t, c.Marginals, "central differences of the interpreter")
	c, err = smoothModel(runner(bad), model, "bad.onnx", engine.Go, bad, 20, 1, nil)
	require.NoError(t, err)
	assert.Equal(t, 20, c.Mismatches, "every case: the marginals are those of γ = 0.35")
	assert.Greater(t, float64(c.WorstGrad), 1e-3)
}
