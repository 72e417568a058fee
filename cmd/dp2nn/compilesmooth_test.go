package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/verify"
)

// compile -scheme smooth of a program with data writes the smooth graph's
// model; in ONNX Runtime, at θ = 0 (LCS's parameters are its cell biases)
// and seed 1, its value and marginals are what solve -scheme smooth
// prints.
func TestCompileSmoothGraph(t *testing.T) {
	chdirRepo(t)
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	out := filepath.Join(t.TempDir(), "lcs.onnx")
	args := []string{"examples/lcs.dp", "-instance", "testdata/seq/clrs-15.4-1.json", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "0.5", "-json"}
	stdout, stderr, code := runCLI(append([]string{"compile", "-o", out, "-dtype", "float64"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var c SmoothGraphCompileReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &c))
	require.Equal(t, []string{"answer"}, c.Outputs)
	stdout, stderr, code = runCLI(append([]string{"solve"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var s verify.SmoothGraphReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))

	// verify MODEL reads networks; it says what this model is instead.
	_, stderr, code = runCLI("verify", out, "-random", "3")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "is the smooth graph of one instance")

	model, err := os.ReadFile(out)
	require.NoError(t, err)
	sess, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
	require.NoError(t, err)
	defer sess.Close()
	got, err := sess.Run(map[string]export.Tensor{
		"theta": export.NewTensor(make([]float64, c.Params), 1, c.Params),
		"seed":  export.NewTensor([]float64{1}, 1, 1),
	})
	require.NoError(t, err)
	want := float64(s.Outputs[0].Value)
	require.InDelta(t, want, got["value"].Data[0], 1e-12*max(1, math.Abs(want)))
	var y []float64
	for _, b := range s.Marginals {
		y = append(y, b.Values...)
	}
	require.Len(t, y, c.Params)
	for i := range y {
		require.InDelta(t, y[i], got["marginals"].Data[i], 1e-12*max(1, math.Abs(y[i])), "marginal %d", i)
	}
}

// change.dp's coin is an offset, so its smooth network would have no
// input: compile exports its graph instead, whose value at θ = 0 (cell
// biases) is the smooth network's that solve prints, for every
// regulariser (two implementations: relu's smoothed neurons and
// smooth.Graph).
func TestCompileSmoothOffsetInputs(t *testing.T) {
	chdirRepo(t)
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	for _, reg := range []string{"shannon", "gini", "tsallis"} {
		out := filepath.Join(t.TempDir(), "change.onnx")
		args := []string{"examples/change.dp", "-instance", "cmd/dp2nn/testdata/data/change3.json", "-scheme", "smooth", "-reg", reg, "-gamma", "0.7", "-json"}
		stdout, stderr, code := runCLI(append([]string{"compile", "-o", out, "-dtype", "float64"}, args...)...)
		require.Equal(t, 0, code, stderr)
		var c SmoothGraphCompileReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &c))
		stdout, stderr, code = runCLI(append([]string{"solve"}, args...)...)
		require.Equal(t, 0, code, stderr)
		var s verify.SmoothReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &s))

		model, err := os.ReadFile(out)
		require.NoError(t, err)
		sess, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
		require.NoError(t, err)
		got, err := sess.Run(map[string]export.Tensor{
			"theta": export.NewTensor(make([]float64, c.Params), 1, c.Params),
			"seed":  export.NewTensor([]float64{1}, 1, 1),
		})
		require.NoError(t, err)
		require.NoError(t, sess.Close())
		require.InDelta(t, s.Value, got["value"].Data[0], 1e-9*max(1, math.Abs(s.Value)), reg)
	}
}
