package verify

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
)

// Past SmoothTruthLimit (LCS of two length-200 strings: 1.6e7 cell
// updates of the interpreter) solve gives the smoothed value and the
// marginals without the interpreter and says so; the value still lies
// within the bound above the exact LCS length (an independent DP here).
func TestSolveSmoothGraphPastTruthLimit(t *testing.T) {
	const L = 200
	m := testprog.Load(t, "examples/lcs.dp", map[string]int64{"m": L, "n": L, "a": 4})
	rng := rand.New(rand.NewPCG(3, 14))
	x, y := make([]float64, L), make([]float64, L)
	for i := range x {
		x[i], y[i] = float64(1+rng.IntN(4)), float64(1+rng.IntN(4))
	}
	require.Greater(t, smoothTruthWork(m, nil), SmoothTruthLimit)
	r, err := SolveSmoothGraph(m, "random", [][]float64{x, y}, nil, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 0.5}, SmoothLimit{})
	require.NoError(t, err)
	require.Contains(t, r.ExactSkipped, "more than 1e+07")
	require.Nil(t, r.Outputs[0].Exact)

	prev := make([]int, L+1)
	for i := range L {
		cur := make([]int, L+1)
		for j := range L {
			if x[i] == y[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev = cur
	}
	exact := float64(prev[L])
	v, bound := float64(r.Outputs[0].Value), float64(r.Outputs[0].Bound)
	require.GreaterOrEqual(t, v, exact-1e-9)
	require.LessOrEqual(t, v, exact+bound+1e-9)
	require.False(t, math.IsNaN(v))
}

// Weighted interval scheduling (steps n, base case F[0] = 0 equal to its
// initial value) and the matrix chain (steps n − 1) were refused as
// needing one step more: solve -scheme smooth gives, for every
// regulariser, a value within γ·bound of the exact interpreter's, and
// verify passes on random instances.
func TestSmoothGraphBaseCaseFinalFromStart(t *testing.T) {
	for _, tc := range []struct {
		program, instance string
		exact             float64
	}{
		{"testdata/programs/wis.dp", "testdata/smooth/wis5.json", 7.5},
		{"testdata/programs/mchain.dp", "testdata/smooth/mchain4.json", 4300},
	} {
		f, err := repo.ReadProgram(tc.program)
		require.NoError(t, err)
		path, err := repo.RepoPath(tc.instance)
		require.NoError(t, err)
		m := testprog.Load(t, tc.program, nil)
		for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
			opt := compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 0.5}
			s, err := SolveFile(SolveInput{File: f, Request: compile.Request{Options: opt}, DType: engine.Float64}, path)
			require.NoError(t, err, "%s %v", tc.program, reg)
			r, ok := s.(*SmoothGraphReport)
			require.True(t, ok, "%T", s)
			require.NotNil(t, r.Outputs[0].Exact)
			require.Equal(t, tc.exact, float64(*r.Outputs[0].Exact), tc.program)
			require.InDelta(t, tc.exact, float64(r.Outputs[0].Value), float64(r.Outputs[0].Bound)+1e-9, "%s %v", tc.program, reg)
			c, err := SmoothGraph(m, opt, 10, 3, 0, SmoothLimit{}, nil)
			require.NoError(t, err, "%s %v", tc.program, reg)
			require.Equal(t, 10, c.Cases)
			require.NoError(t, c.Err("smooth"), "%s %v", tc.program, reg)
		}
	}
}
