package study_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

// PlotSolved draws the soft alignment of LCS as a PNG; an unknown block
// and a report without a graph are refused.
func TestPlotSolved(t *testing.T) {
	f, err := repo.ReadProgram("examples/lcs.dp")
	require.NoError(t, err)
	reg, err := compile.ParseReg("shannon")
	require.NoError(t, err)
	in := verify.SolveInput{File: f, Request: compile.Request{Options: compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 1}}, DType: engine.Float64}
	r, err := verify.SolveFile(in, "../testdata/seq/clrs-15.8.json")
	require.NoError(t, err)
	png, err := study.PlotSolved(r, "")
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	_, err = study.PlotSolved(r, "nope")
	assert.ErrorContains(t, err, "solve: -plot-block: ")
	_, err = study.PlotSolved(&verify.SolveReport{}, "")
	assert.ErrorContains(t, err, "solve: -plot draws the marginals of the smooth scheme's graph")
}
