package study_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/train"
	"github.com/dp2nn/dp2nn/verify"
)

// The graph and the ONNX cell of a net compute what the net computes:
// step after step over whole instances, the model in the Go runtime
// follows net.Predict fed its own output.
func TestTrainedGraphMatchesNet(t *testing.T) {
	const pstar = 5
	net, err := train.New(train.Arch{In: pstar + 2, Width: 7, Hidden: 3, Out: pstar}, train.NewRand(3))
	require.NoError(t, err)
	g, err := study.TrainedGraph(net, pstar)
	require.NoError(t, err)
	assert.Equal(t, []int{7, 7, 7}, g.Stats().Widths) // hidden layers; the output is f
	rng := instance.NewRand(4)
	x := make([]float64, 3*(pstar+2))
	for i := range x {
		x[i] = 4*rng.Float64() - 2
	}
	want := make([]float64, 3*pstar)
	net.Predict(x, 3, want)
	got, err := relu.Eval(g, x, 3)
	require.NoError(t, err)
	assert.InDeltaSlice(t, want, got, 1e-12)

	path := filepath.Join(t.TempDir(), "net.onnx")
	require.NoError(t, study.WriteTrained(net, pstar, study.WidthPoint{Key: "test"}, path))
	model, err := export.Read(path)
	require.NoError(t, err)
	assert.Equal(t, "7", model.Metadata[verify.TrainedMark])
	compiled, err := engine.Recompile(model)
	require.NoError(t, err)
	run, err := engine.Open(path, engine.Go, compiled)
	require.NoError(t, err)
	defer run.Close()
	for range 20 {
		in := instance.AppendixD(rng, pstar)
		var steps [][]float64
		for _, item := range in.Steps {
			steps = append(steps, []float64{item["profit"], item["size"]})
		}
		obs, err := run.Observe(steps)
		require.NoError(t, err)
		f := []float64{2, 2, 2, 2, 2}
		for k, s := range steps {
			xin := append(append([]float64(nil), f...), s...)
			net.Predict(xin, 1, f)
			assert.InDeltaSlice(t, f, obs.States[k+1][0], 1e-12, "step %d", k+1)
		}
	}
	_, err = study.TrainedGraph(net, pstar+1)
	assert.ErrorContains(t, err, "not one of p* = 6")
}

// A net trained to the threshold at p* = 3, exported and run through
// verify: the compiled network answers every instance exactly, the
// trained one most, and verify's verdict fails it for the others.
func TestExportTrainedVerify(t *testing.T) {
	p := train.Protocol{BatchSize: 32, BatchesPerEpoch: 250, MaxEpochs: 20, Patience: 2, TestBatches: 200}
	c := study.WidthConfig{Threshold: 0.005, WStep: 25, WMax: 25, Seed: 1, Protocol: p, Pool: 8000}
	path := filepath.Join(t.TempDir(), "p3.onnx")
	pt, err := study.ExportTrained(c, 3, 25, path)
	require.NoError(t, err)
	// The same net as the study trains for (3, 25).
	c.PStars = []int{3}
	again := study.TrainWidthPoint(c, 3, 25)
	pt.Seconds, again.Seconds = 0, 0
	assert.Equal(t, again, pt)
	require.LessOrEqual(t, pt.TestMSE, 0.005)

	model, err := export.Read(path)
	require.NoError(t, err)
	compiled, err := engine.Recompile(model)
	require.NoError(t, err)
	run, err := engine.Open(path, engine.Go, compiled)
	require.NoError(t, err)
	defer run.Close()
	rep, err := verify.Trained(run, compiled, 1000, 1, 10, nil)
	require.NoError(t, err)
	assert.Equal(t, 1000, rep.Cases)
	assert.Equal(t, verify.Tally{Exact: 1000}, rep.Compiled)
	assert.Equal(t, 1000, rep.Trained.Exact+rep.Trained.Wrong+rep.Trained.Undecidable)
	// The in-study rate (other instances of the same generator) and
	// verify's agree within sampling error.
	require.NotNil(t, pt.Optimum)
	assert.InDelta(t, *pt.Optimum, rep.Trained.Rate(1000), 0.05)
	assert.Greater(t, rep.Trained.Rate(1000), 0.9)
	assert.Positive(t, float64(rep.MaxErr))
	if rep.Trained.Wrong > 0 {
		assert.ErrorContains(t, rep.Err(), "the trained model gave the exact answer on")
		assert.NotEmpty(t, rep.Failures)
	} else {
		assert.NoError(t, rep.Err())
	}
}
