package verify

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
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
	// A NaN or an infinite cell where the interpreter has a finite value.
	out = check(clean, func(st [][][]float64) { st[3][0][0] = math.NaN() })
	assert.Contains(t, out.mismatch, "step 3, d[1]: network NaN")
	out = check(clean, func(st [][][]float64) { st[3][0][0] = math.Inf(-1) })
	assert.Contains(t, out.mismatch, "step 3, d[1]: network -Inf")
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

// A state answer is compared entry by entry: +inf equals +inf, −inf
// equals −inf, NaN equals nothing (no program has a NaN value), and "no
// answer" of a search is Found = false, not NaN.
func TestSameAnswer(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cells := func(vs ...truth.Value) truth.Answer { return truth.Answer{Kind: dsl.AnswerState, Cells: vs} }
	state := func(vs ...float64) compile.Answer { return compile.Answer{Kind: dsl.AnswerState, Cells: vs} }
	for _, tt := range []struct {
		name  string
		net   compile.Answer
		truth truth.Answer
		same  bool
	}{
		{"equal", state(0, 2, -2), cells(truth.IntValue(0), truth.IntValue(2), truth.IntValue(-2)), true},
		{"+inf is +inf (unreachable)", state(0, inf), cells(truth.IntValue(0), truth.Inf(1)), true},
		{"-inf is -inf", state(-inf, 1), cells(truth.Inf(-1), truth.IntValue(1)), true},
		{"+inf is not -inf", state(inf), cells(truth.Inf(-1)), false},
		{"+inf is not a big number", state(1e300), cells(truth.Inf(1)), false},
		{"a finite value is not +inf", state(inf), cells(truth.IntValue(7)), false},
		{"NaN is a mismatch", state(0, nan), cells(truth.IntValue(0), truth.IntValue(3)), false},
		{"NaN is not +inf", state(nan), cells(truth.Inf(1)), false},
		{"one entry off", state(0, 3), cells(truth.IntValue(0), truth.IntValue(2)), false},
		{"a missing entry", state(0), cells(truth.IntValue(0), truth.IntValue(2)), false},
		{"value inf", compile.Answer{Kind: dsl.AnswerValue, Value: inf}, truth.Answer{Kind: dsl.AnswerValue, Value: truth.Inf(1)}, true},
		{"value NaN", compile.Answer{Kind: dsl.AnswerValue, Value: nan}, truth.Answer{Kind: dsl.AnswerValue, Value: truth.Inf(1)}, false},
		{"value within its bound (real data, rounding)", compile.Answer{Kind: dsl.AnswerValue, Value: 0.6000000000000001, Bound: 1e-15}, truth.Answer{Kind: dsl.AnswerValue, Value: truth.RatValue(big.NewRat(6, 10))}, true},
		{"value outside its bound", compile.Answer{Kind: dsl.AnswerValue, Value: 0.6001, Bound: 1e-6}, truth.Answer{Kind: dsl.AnswerValue, Value: truth.RatValue(big.NewRat(6, 10))}, false},
		{"bound 0 is exact: one ulp off is a mismatch", compile.Answer{Kind: dsl.AnswerValue, Value: 0.6000000000000001}, truth.Answer{Kind: dsl.AnswerValue, Value: truth.RatValue(big.NewRat(6, 10))}, false},
		{"a cell within its bound", compile.Answer{Kind: dsl.AnswerState, Found: true, Cells: []float64{2.0000001}, Bound: 1e-6}, cells(truth.IntValue(2)), true},
		{"a bound does not make +inf finite", compile.Answer{Kind: dsl.AnswerValue, Value: inf, Bound: 1e300}, truth.Answer{Kind: dsl.AnswerValue, Value: truth.IntValue(7)}, false},
		{"no index found on both sides", compile.Answer{Kind: dsl.AnswerMaxIndex}, truth.Answer{Kind: dsl.AnswerMaxIndex}, true},
		{"found on one side only", compile.Answer{Kind: dsl.AnswerMaxIndex, Found: true, Index: 3}, truth.Answer{Kind: dsl.AnswerMaxIndex}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.same, sameAnswer(tt.net, tt.truth))
		})
	}
}
