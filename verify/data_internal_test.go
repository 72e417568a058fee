package verify

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
)

// compareData finds a network that computes a wrong cell, a network whose
// extra step disagrees with the interpreter's fixpoint, and a wrong
// answer: the checks of solve and verify can fail.
func TestCompareDataDetects(t *testing.T) {
	var p *problems.Problem
	for i := range problems.Table {
		if problems.Table[i].Name == "bellmanford" {
			p = &problems.Table[i]
		}
	}
	require.NotNil(t, p)
	f, err := repo.ReadProgram(p.Program)
	require.NoError(t, err)
	m, err := dsl.Check(f, p.Settings[0].Params)
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	rng := instance.NewRand(11)
	var clean, cyclic [][]float64
	for clean == nil || cyclic == nil {
		data := p.Random(rng, m)
		_, fix, err := runInterpreter(m, data)
		require.NoError(t, err)
		if fix == nil && clean == nil {
			clean = data
		} else if fix != nil && cyclic == nil {
			cyclic = data
		}
	}
	tol := net.DecodeTolerance(engine.Float64.Roundoff(), 7)
	check := func(data [][]float64, edit func(states [][][]float64)) dataOutcome {
		runs, err := runDataBatch(net, engine.Float64, [][][]float64{data})
		require.NoError(t, err)
		gt, err := runDataTruth(net, data)
		require.NoError(t, err)
		if edit != nil {
			edit(runs[0])
		}
		return compareData(net, gt, runs[0], data, tol)
	}
	require.Empty(t, check(clean, nil).mismatch)
	require.Empty(t, check(cyclic, nil).mismatch)

	// A cell one off at step 2 (the source's distance, 0 at every step).
	out := check(clean, func(st [][][]float64) { st[2][0][0]++ })
	assert.Contains(t, out.mismatch, "step 2, d[1]: network 1")
	// The extra step changes a cell where the fixpoint holds.
	out = check(clean, func(st [][][]float64) { st[len(st)-1][0][0]-- })
	assert.Contains(t, out.mismatch, "but the interpreter's fixpoint holds")
	// The extra step changes nothing where the interpreter's does.
	out = check(cyclic, func(st [][][]float64) { st[len(st)-1] = st[len(st)-2] })
	assert.Contains(t, out.mismatch, "but the network's changes nothing")
	// The solver disagrees with a wrong answer.
	runs, err := runDataBatch(net, engine.Float64, [][][]float64{clean})
	require.NoError(t, err)
	gt, err := runDataTruth(net, clean)
	require.NoError(t, err)
	solved, err := p.ExactData(m, clean)
	require.NoError(t, err)
	require.Empty(t, againstSolver(net, gt, solved, runs[0], clean))
	solved.Cells[0]++
	assert.Contains(t, againstSolver(net, gt, solved, runs[0], clean), "answer: network")
}
