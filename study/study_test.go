package study_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

func lower(t *testing.T, program string, params map[string]int64, opt compile.Options) *compile.Network {
	t.Helper()
	net, err := compile.Lower(testprog.Load(t, program, params), opt)
	require.NoError(t, err)
	return net
}

// Sweep agrees with the paper at every value, of pmax and of P, and the
// guard refuses a point before its network is built.
func TestSweep(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		set    map[string]int64
		opt    compile.Options
		values []int
	}{
		{"pmax", nil, compile.Options{Scheme: compile.Exact}, []int{2, 3, 10, 30}},
		{"P", map[string]int64{"pmax": 40}, compile.Options{Scheme: compile.FPTAS, P: 1}, []int{1, 5, 12}},
	} {
		var progress []int
		rows, err := study.Sweep(f, c.set, c.opt, c.name, c.values, nil, func(done int) { progress = append(progress, done) })
		require.NoError(t, err)
		require.Len(t, rows, len(c.values))
		assert.Len(t, progress, len(c.values), "progress after each value")
		for i, r := range rows {
			assert.Equal(t, c.values[i], r.Value)
			require.NotNil(t, r.Agree, "%s=%d has a paper formula", c.name, r.Value)
			assert.True(t, *r.Agree, "%s=%d: widths %v, paper %v", c.name, r.Value, r.Widths, r.Paper)
		}
		png, err := study.PlotSweep("knapsack", c.name, rows)
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	}
	tooLarge := errors.New("too large")
	_, err = study.Sweep(f, nil, compile.Options{}, "pmax", []int{2, 3}, func(m *dsl.Model, v int) error {
		if v == 3 {
			return tooLarge
		}
		return nil
	}, nil)
	assert.ErrorIs(t, err, tooLarge)
}

// MeasureData sets the cell and the unrolled network beside the bounds of
// problems.Table; a program outside the table gets the sizes alone.
func TestMeasureData(t *testing.T) {
	net := lower(t, "examples/bellmanford.dp", map[string]int64{"n": 5}, compile.Options{})
	dw, err := study.MeasureData(net, []string{"cell", "unrolled"}, net.IterationCount())
	require.NoError(t, err)
	require.Len(t, dw.Forms, 2)
	assert.NotEmpty(t, dw.Source)
	require.Len(t, dw.Bounds, 2)
	for _, f := range dw.Forms {
		assert.Positive(t, f.Size)
		assert.Positive(t, f.SizeBound)
		assert.InDelta(t, float64(f.Size)/f.SizeBound, f.SizeRatio, 1e-12)
	}
	assert.Equal(t, net.IterationCount(), dw.Forms[1].Steps)
	var b bytes.Buffer
	dw.WriteText(&b)
	assert.Contains(t, b.String(), "bounds (")

	// A program with data that is no problem of the table: sizes only.
	m, err := repo.Source("mine.dp", `dp mine
param n int = 3
data c[u in 1..n] int in 0..5
state d[v in 1..n] int in 0..100 = 0
steps 2
step d[v] = min(100, d[v] + c[v])
answer d
`, nil)
	require.NoError(t, err)
	other, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	dw, err = study.MeasureData(other, []string{"cell", "unrolled"}, other.IterationCount())
	require.NoError(t, err)
	require.Len(t, dw.Forms, 2)
	assert.Empty(t, dw.Bounds)
	assert.Zero(t, dw.Forms[0].SizeBound)
}

// DataSweep measures every point and summarises each ratio; its plot is a
// PNG.
func TestDataSweep(t *testing.T) {
	f, err := repo.ReadProgram("examples/lcs.dp")
	require.NoError(t, err)
	values := []int{2, 3, 4, 5}
	var guarded []int
	models, err := study.DataSweepModels(f, map[string]int64{"a": 3}, "m, n", values, func(m *dsl.Model, v int) error {
		guarded = append(guarded, v)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, values, guarded)
	require.Len(t, models, 4)
	assert.Equal(t, "m=3 n=3 a=3", verify.ParamString(models[1]))
	opts := make([]compile.Options, len(models))
	_, err = study.DataSweepModels(f, nil, "m,n", values, func(m *dsl.Model, v int) error {
		if v == 4 {
			return errors.New("too large")
		}
		return nil
	})
	assert.EqualError(t, err, "too large", "the guard refuses before any network is built")
	_, err = study.DataSweepModels(f, nil, "m,k", values, nil)
	assert.ErrorContains(t, err, "k", "an unknown param")
	done := 0
	rep, err := study.DataSweep("examples/lcs.dp", "m,n", values, models, opts, []string{"cell", "unrolled"}, func(d int) { done = d })
	require.NoError(t, err)
	assert.Equal(t, 4, done)
	assert.Equal(t, "m,n=2..5", rep.Sweep)
	require.Len(t, rep.Rows, 4)
	assert.Equal(t, int64(5), rep.Rows[3].Params["n"])
	assert.Len(t, rep.Summary, 4, "size and depth of two forms")
	png, err := rep.Plot("m,n")
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
}

// FPTAS on the lowdim files and a generated family: p_NN equals the
// rounded DP everywhere (or the study stops), no guarantee is violated,
// the lowdim optima agree with the exact solvers, and the report's
// markdown and plot are written.
func TestFPTAS(t *testing.T) {
	program, err := repo.RepoPath("examples/knapsack_int.dp")
	require.NoError(t, err)
	lowdim, err := repo.RepoPath("testdata/lowdim")
	require.NoError(t, err)
	var progress [][2]int
	rep, err := study.FPTAS(study.FPTASConfig{Program: program, Families: []string{study.Lowdim, "uncorrelated"},
		N: []int{6}, P: []int{3, 40}, Per: 3, Seed: 5, R: 1000, Lowdim: lowdim,
		Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
	require.NoError(t, err)
	assert.Equal(t, [][2]int{{1, 4}, {2, 4}, {3, 4}, {4, 4}}, progress, "one call per group and P, in order")
	assert.Zero(t, rep.Violations)
	assert.Equal(t, 2*rep.Instances, rep.Runs)
	require.Len(t, rep.Rows, 4)
	for _, r := range rep.Rows {
		assert.Equal(t, 2*r.P*r.P+2*r.P, r.Width, "width 2P²+2P")
		assert.LessOrEqual(t, r.Worst, r.Mean)
		assert.LessOrEqual(t, r.Mean, 1.0)
	}
	assert.Equal(t, study.Lowdim, rep.Rows[0].Family)
	assert.Equal(t, lowdim, rep.Lowdim)
	var md bytes.Buffer
	rep.WriteMarkdown(&md)
	assert.Contains(t, md.String(), "| uncorrelated | 6 | 40 | 3280 | 3 |")
	png, err := rep.Plot()
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
}

func TestFPTASErrors(t *testing.T) {
	program, err := repo.RepoPath("examples/knapsack_int.dp")
	require.NoError(t, err)
	subsetsum, err := repo.RepoPath("examples/subsetsum.dp")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "optima.txt"), []byte("a 3\n"), 0o644))
	gen := study.FPTASConfig{Program: program, Families: []string{"subset-sum"}, N: []int{3}, P: []int{5}, Per: 1, Seed: 1, R: 10}
	for _, c := range []struct {
		name string
		edit func(*study.FPTASConfig)
		want string
	}{
		{"no program", func(c *study.FPTASConfig) { c.Program = filepath.Join(dir, "none.dp") }, "cannot read program"},
		{"not fptas", func(c *study.FPTASConfig) { c.Program = subsetsum }, "lower end of its range"},
		{"no lowdim", func(c *study.FPTASConfig) { c.Families, c.Lowdim = []string{study.Lowdim}, filepath.Join(dir, "none") }, "none"},
		{"no lowdim instances", func(c *study.FPTASConfig) { c.Families, c.Lowdim = []string{study.Lowdim}, dir }, "no *.txt instances"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := gen
			c.edit(&cfg)
			_, err := study.FPTAS(cfg)
			assert.ErrorContains(t, err, c.want)
			var mm *verify.MismatchError
			assert.False(t, errors.As(err, &mm), "bad input is no mismatch")
		})
	}
}
