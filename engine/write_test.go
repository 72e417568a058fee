package engine_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
)

// WriteNetwork writes what the report says, and the model reads back
// with the form, layout and dtype asked for; a program with a steps line
// refuses another step count.
func TestWriteNetwork(t *testing.T) {
	dir := t.TempDir()
	net := knapsack(t)
	path := filepath.Join(dir, "k.onnx")
	r, err := engine.WriteNetwork(net, net.Model, compile.Options{}, engine.NetworkFile{Path: path, Program: "examples/knapsack_int.dp",
		Form: export.Unrolled, Layout: export.Dense, DType: export.Float64, Steps: 3, Decode: true})
	require.NoError(t, err)
	assert.Equal(t, &engine.Written{Output: path, Bytes: r.Bytes, Form: "unrolled", Layout: "dense", DType: "float64", Steps: 3, Decode: true,
		Depth: net.Cell.Stats().Depth, Widths: net.Cell.Stats().Widths}, withoutLine(r))
	assert.Greater(t, r.Bytes, int64(1000))
	var b bytes.Buffer
	r.WriteText(&b)
	assert.Contains(t, b.String(), "exact network of knapsack_int, form unrolled, layout dense, float64")
	assert.Contains(t, b.String(), `with the decode tail (output "answer")`)
	model, err := export.Read(path)
	require.NoError(t, err)
	assert.Equal(t, export.Unrolled, model.Form)
	assert.Equal(t, 3, model.Steps)

	p := dataProblem(t, "examples/bellmanford.dp", map[string]int64{"n": 3, "s": 1, "cmax": 4})
	m, err := p.Model()
	require.NoError(t, err)
	bf, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	_, err = engine.WriteNetwork(bf, m, compile.Options{}, engine.NetworkFile{Path: filepath.Join(dir, "bf.onnx"), Form: export.Unrolled, DType: export.Float32, Steps: 5})
	assert.EqualError(t, err, "compile: bellmanford runs 2 steps (its steps line); -steps 5 does not apply")
	r, err = engine.WriteNetwork(bf, m, compile.Options{}, engine.NetworkFile{Path: filepath.Join(dir, "bf.onnx"), Form: export.Unrolled, DType: export.Float32})
	require.NoError(t, err)
	assert.Equal(t, 2, r.Steps, "its own steps")
}

func withoutLine(r *engine.Written) *engine.Written {
	c := *r // the text line is unexported: compare the rest
	return &engine.Written{Output: c.Output, Bytes: c.Bytes, Form: c.Form, Layout: c.Layout, DType: c.DType, Steps: c.Steps, Decode: c.Decode, Depth: c.Depth, Widths: c.Widths}
}

func TestParseDTypes(t *testing.T) {
	for _, tc := range []struct {
		s    string
		one  bool
		want []engine.DType
		err  string
	}{
		{"float64", true, []engine.DType{engine.Float64}, ""},
		{"float32", false, []engine.DType{engine.Float32}, ""},
		{"both", false, []engine.DType{engine.Float64, engine.Float32}, ""},
		{"both", true, nil, `unknown -dtype "both" (want float64 or float32)`},
		{"float16", true, nil, `unknown -dtype "float16" (want float64 or float32)`},
		{"float16", false, nil, `unknown -dtype "float16" (want float64, float32 or both)`},
	} {
		got, err := engine.ParseDTypes(tc.s, tc.one)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.s)
			continue
		}
		require.NoError(t, err, tc.s)
		assert.Equal(t, tc.want, got, tc.s)
	}
}
