package engine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/relu"
)

// A model written with SourceOf compiles back (Recompile) to the network
// it was exported from, for every scheme: same cell, same params, every
// param recorded (defaulted ones too), except for the fptas scheme of a
// program with data, whose offset rounding derives defaulted params again.
func TestRecompile(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	cases := []struct {
		name, program string
		set           map[string]int64
		opt           compile.Options
		params        map[string]int64 // recorded
	}{
		{"exact", "examples/knapsack.dp", map[string]int64{"pmax": 6}, compile.Options{}, map[string]int64{"pmax": 6}},
		{"fptas", "examples/knapsack.dp", map[string]int64{"pmax": 30}, compile.Options{Scheme: compile.FPTAS, P: 7}, map[string]int64{"pmax": 30}},
		{"fptas with data", "examples/csp.dp", nil, compile.Options{Scheme: compile.FPTAS, P: 2}, map[string]int64{}},
		{"data", "examples/lcs.dp", map[string]int64{"m": 4, "n": 3}, compile.Options{}, map[string]int64{"a": 4, "m": 4, "n": 3}},
		{"smooth", "examples/topk.dp", map[string]int64{"k": 2}, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 0.5, Steps: 4}, map[string]int64{"k": 2}},
		{"smooth fixed", "examples/knapsack_value.dp", nil, compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 2,
			Steps: 3, Fixed: map[string][]float64{"weight": {1, 2, 3}}}, map[string]int64{"C": 10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(root, c.program))
			require.NoError(t, err)
			f, err := dsl.Parse(c.program, src)
			require.NoError(t, err)
			m, err := dsl.Check(f, c.set)
			require.NoError(t, err)
			net, err := compile.Lower(m, c.opt)
			require.NoError(t, err)
			source := engine.SourceOf(net, c.opt, c.program, src)
			assert.Equal(t, c.params, source.Params)
			assert.Equal(t, c.program, source.File)
			b, err := export.Marshal(net.Cell, export.Options{State: net.State, Init: net.Init, Data: net.Data, Source: source, Inf: engine.InfOptions(net)})
			require.NoError(t, err)
			model, err := export.Parse(b)
			require.NoError(t, err)
			again, err := engine.Recompile(model)
			require.NoError(t, err)
			assert.Equal(t, net.Scheme, again.Scheme)
			assert.Equal(t, net.Cell.Stats(), again.Cell.Stats())
			assert.Equal(t, net.State, again.State)
			assert.Equal(t, net.Init, again.Init)
			// The same values; a recorded default comes back as set.
			values := func(ps []dsl.ParamValue) map[string]int64 {
				v := map[string]int64{}
				for _, p := range ps {
					v[p.Name] = p.Value
				}
				return v
			}
			assert.Equal(t, values(net.Model.Params), values(again.Model.Params))
		})
	}
}

func TestRecompileErrors(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	net := knapsack(t)
	read := func(src *export.Source) error {
		b, err := export.Marshal(net.Cell, export.Options{State: net.State, Init: net.Init, Source: src})
		require.NoError(t, err)
		model, err := export.Parse(b)
		require.NoError(t, err)
		_, err = engine.Recompile(model)
		return err
	}
	assert.ErrorContains(t, read(nil), "no source.program metadata")
	assert.ErrorContains(t, read(&export.Source{Program: "dp p\nstate", File: "p.dp", Scheme: "exact"}), "p.dp:")
	src, err := os.ReadFile(filepath.Join(root, "examples", "topk.dp"))
	require.NoError(t, err)
	prog := string(src)
	assert.ErrorContains(t, read(&export.Source{Program: prog, File: "p.dp", Scheme: "fuzzy"}), `unknown scheme "fuzzy"`)
	assert.ErrorContains(t, read(&export.Source{Program: prog, File: "p.dp", Scheme: "smooth", Reg: "renyi", Gamma: 1, Steps: 2}), "bad source.reg metadata")
	// Recorded params the recorded program does not take are the
	// record's, named as such, not a -set the user never gave.
	for _, recompile := range []func(*export.Model) error{
		func(m *export.Model) error { _, err := engine.Recompile(m); return err },
		func(m *export.Model) error { _, err := engine.RecompileRecurrence(m); return err },
	} {
		b, err := export.Marshal(net.Cell, export.Options{State: net.State, Init: net.Init,
			Source: &export.Source{Program: prog, File: "p.dp", Params: map[string]int64{"m": 4, "k": 2}, Scheme: "smooth", Reg: "gini", Gamma: 1, Steps: 2}})
		require.NoError(t, err)
		model, err := export.Parse(b)
		require.NoError(t, err)
		model.Layout = export.Vector // RecompileRecurrence reads the vector layout's models
		err = recompile(model)
		require.ErrorContains(t, err, "the recorded params (metadata source.params: k = 2, m = 4) set m = 4, which the recorded program does not declare (its params: k)")
		assert.NotContains(t, err.Error(), "-set")
	}
}

// DecodeTail describes the search of the answer line: exact (integer,
// half-integer thresholds) for an integer program in either type, bounded
// for real values in float64, refused for real values in float32, for the
// fptas scheme and for answers that are no search.
func TestDecodeTail(t *testing.T) {
	net := knapsack(t)
	for _, dt := range []export.DType{export.Float32, export.Float64} {
		d, err := engine.DecodeTail(net, export.Loop, dt, 1000)
		require.NoError(t, err)
		assert.Equal(t, "answer", d.Name)
		assert.Equal(t, "f", d.Block)
		assert.True(t, d.Max)
		assert.True(t, d.Integer, "%v", dt)
		assert.Zero(t, d.Bound, "%v", dt)
	}

	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 10})
	require.NoError(t, err)
	real, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	d, err := engine.DecodeTail(real, export.Loop, export.Float64, 1000)
	require.NoError(t, err)
	assert.False(t, d.Integer)
	assert.Equal(t, real.DecodeTolerance(compile.Float64Roundoff, 1000), d.Bound)
	assert.Positive(t, d.Bound)
	assert.Equal(t, 1000, d.MaxSteps)
	_, err = engine.DecodeTail(real, export.Unrolled, export.Float32, 5)
	assert.Error(t, err, "real values are refused in float32")

	fp, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 5})
	require.NoError(t, err)
	_, err = engine.DecodeTail(fp, export.Cell, export.Float64, 1)
	assert.ErrorContains(t, err, "not available for the fptas scheme")

	f, err = repo.ReadProgram("examples/lcs.dp")
	require.NoError(t, err)
	m, err = dsl.Check(f, map[string]int64{"m": 3, "n": 2})
	require.NoError(t, err)
	lcs, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	_, err = engine.DecodeTail(lcs, export.Cell, export.Float64, 1)
	assert.ErrorContains(t, err, "needs an answer of the form")
}
