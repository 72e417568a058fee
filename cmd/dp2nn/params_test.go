package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The knapsack5.json case: its params give C = 6, the program's default
// is 10. compile -instance builds the network with C = 6, so the model's
// value and marginals are solve's (a model built with C = 10 gave 13.78
// where solve gives 9.01, and verify did not notice); the model records
// C, and verify checks against it; a -set that contradicts the instance is
// refused.
func TestCompileInstanceParams(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	args := []string{"examples/knapsack_value.dp", "-instance", "testdata/smooth/knapsack5.json", "-scheme", "smooth", "-reg", "gini", "-gamma", "2"}
	stdout, stderr, code := runCLI(append([]string{"solve", "-json"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var solved struct {
		Value     float64              `json:"value"`
		Marginals map[string][]float64 `json:"marginals"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &solved))
	require.InDelta(t, 9.0125, solved.Value, 1e-4)

	for _, form := range []string{"loop", "unrolled"} {
		t.Run(form, func(t *testing.T) {
			path := filepath.Join(dir, form+".onnx")
			_, stderr, code := runCLI(append([]string{"compile", "-o", path, "-dtype", "float64", "-form", form}, args...)...)
			require.Equal(t, 0, code, stderr)
			run, err := engine.Open(path, engine.Go, nil)
			require.NoError(t, err)
			defer run.Close()
			src, err := run.Model.Source()
			require.NoError(t, err)
			assert.Equal(t, map[string]int64{"C": 6}, src.Params, "every param is recorded")
			theta := []float64{3.0, 4.5, 5.0, 1.2, -0.5}
			out, err := run.Run(map[string]export.Tensor{"theta": export.NewTensor(theta, 1, 5)})
			require.NoError(t, err)
			assert.InDelta(t, solved.Value, out["value"].Data[0], 1e-9)
			assert.InDeltaSlice(t, solved.Marginals["theta"], out["marginals"].Data, 1e-9)
			stdout, stderr, code = runCLI("verify", path, "-random", "5")
			require.Equal(t, 0, code, stdout+stderr)
		})
	}
	_, stderr, code = runCLI(append([]string{"compile", "-o", filepath.Join(dir, "x.onnx"), "-set", "C=10"}, args...)...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-set C=10 contradicts the instance")
	_, stderr, code = runCLI(append([]string{"compile", "-o", filepath.Join(dir, "x.onnx"), "-set", "C=6"}, args...)...)
	assert.Equal(t, 0, code, stderr)
}
