package verify

import (
	"errors"
	"testing"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SmoothLimit shares -max-memory among a batch's workers and restates
// smooth's refusal as the -max-memory refusal of every scheme, the
// figure counting every worker's graph.
func TestSmoothLimit(t *testing.T) {
	tl := &smooth.TooLargeError{Program: "lcs", Terms: 3e6, Bytes: 600 << 20, Limit: 500 << 20}
	for _, tc := range []struct {
		name      string
		lim       SmoothLimit
		maxBytes  int64
		want      string
		wantValue int64
	}{
		{"none", SmoothLimit{}, 0, "", 0},
		{"one", SmoothLimit{MaxMemory: 1 << 30}, 1 << 30,
			"memory of the smooth graph of lcs and one evaluation of it (3e+06 terms) would be 600.0 MiB, above -max-memory 1.0 GiB (1073741824 bytes)", 600 << 20},
		{"two workers", SmoothLimit{MaxMemory: 1 << 30, Workers: 2}, 1 << 29,
			"memory of 2 smooth graphs of lcs evaluated at once, one per worker (3e+06 terms each) would be 1.2 GiB, above -max-memory 1.0 GiB (1073741824 bytes)", 1200 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.maxBytes, tc.lim.graph().MaxBytes)
			if tc.want == "" {
				return
			}
			err := tc.lim.refusal(tl)
			var ctl *compile.TooLargeError
			require.True(t, errors.As(err, &ctl), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, tc.wantValue, ctl.Value)
			assert.Equal(t, "-max-memory", ctl.Flag)
		})
	}
	other := errors.New("other")
	assert.Equal(t, other, SmoothLimit{MaxMemory: 1}.refusal(other))
}

// The ONNX export of a smooth graph takes -max-memory/16 constants: a
// limit below the model's refuses it naming -max-memory; the default
// exports it.
func TestSmoothGraphONNXMaxMemory(t *testing.T) {
	m := testprog.Load(t, "examples/lcs.dp", map[string]int64{"m": 8, "n": 8, "a": 4})
	data := [][]float64{{1, 2, 3, 4, 1, 2, 3, 4}, {4, 3, 2, 1, 4, 3, 2, 1}}
	r, err := SolveSmoothGraph(m, "lcs8", data, nil, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 0.5}, SmoothLimit{MaxMemory: 1 << 30})
	require.NoError(t, err)
	_, err = r.ONNX(false, smoothonnx.Loop, 1024)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than the limit 64")
	assert.Contains(t, err.Error(), "-max-memory 1.0 KiB (1024 bytes)")
	b, err := r.ONNX(false, smoothonnx.Loop, 1<<30)
	require.NoError(t, err)
	assert.True(t, IsSmoothGraphModel(b))
}
