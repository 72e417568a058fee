package verify_test

// Tests of what the command line calls in verify: InstanceDir,
// SolveInput.Job, SmoothRandom.

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
)

// InstanceDir lists a directory's instance files and known answers; an
// empty directory is a check of nothing (a mismatch), a missing one bad
// input.
func TestInstanceDir(t *testing.T) {
	files, optima, err := verify.InstanceDir("../testdata/lowdim")
	require.NoError(t, err)
	assert.NotEmpty(t, files)
	assert.Equal(t, int64(35), optima["f3_l-d_kp_4_20"])
	empty := t.TempDir()
	_, _, err = verify.InstanceDir(empty)
	var mm *verify.MismatchError
	assert.True(t, errors.As(err, &mm))
	assert.EqualError(t, err, "verify: nothing was checked: "+empty+" has no instance files (*.txt, *.json)")
	_, _, err = verify.InstanceDir("no-such-dir")
	assert.ErrorContains(t, err, "verify: -instances: ")
	assert.False(t, errors.As(err, &mm))
}

// A solve's job: one run in its dtype (float64 for the smooth scheme),
// with the exact interpreter except for an fptas answer.
func TestSolveInputJob(t *testing.T) {
	in := verify.SolveInput{DType: engine.Float32}
	assert.Equal(t, compile.Job{Steps: 5, Batch: 1, DType: "float32", Truth: true}, in.Job(compile.Options{}, 5))
	assert.Equal(t, compile.Job{Batch: 1, DType: "float32"}, in.Job(compile.Options{Scheme: compile.FPTAS, P: 4}, 0))
	assert.Equal(t, compile.Job{Steps: 3, Batch: 1, DType: "float64", Truth: true}, in.Job(compile.Options{Scheme: compile.Smooth}, 3))
}

// SmoothRandom runs the smooth network of topk against the smoothed DP,
// and LCS (a program with data) through smooth.Graph.
func TestSmoothRandom(t *testing.T) {
	opt := compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 1}
	for _, tc := range []struct {
		program string
		params  map[string]int64
		what    string
	}{
		{"examples/topk.dp", map[string]int64{"k": 2}, "the smooth network and the smoothed DP"},
		{"examples/lcs.dp", map[string]int64{"m": 3, "n": 3}, "the smoothed graph and the exact DP"},
	} {
		f, err := repo.ReadProgram(tc.program)
		require.NoError(t, err)
		m, err := dsl.Check(f, tc.params)
		require.NoError(t, err)
		c, what, err := verify.SmoothRandom(m, opt, 3, 1, 4, verify.SmoothLimit{}, nil)
		require.NoError(t, err, tc.program)
		assert.Equal(t, tc.what, what, tc.program)
		assert.Equal(t, 3, c.Cases, tc.program)
		assert.NoError(t, c.Err(what), tc.program)
	}
}

// Programs whose data may be inf (mini.dp: a constant answer when both
// are inf; gridobs.dp: obstacles) pass the smooth check with every
// regulariser: they panicked in the VJP of a graph of constant outputs.
func TestSmoothRandomInfiniteData(t *testing.T) {
	for _, program := range []string{"testdata/programs/mini.dp", "testdata/programs/gridobs.dp"} {
		f, err := repo.ReadProgram(program)
		require.NoError(t, err)
		m, err := dsl.Check(f, nil)
		require.NoError(t, err)
		for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
			opt := compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 1}
			c, what, err := verify.SmoothRandom(m, opt, 20, 2, 0, verify.SmoothLimit{}, nil)
			require.NoError(t, err, "%s %v", program, reg)
			assert.Equal(t, 20, c.Cases, program)
			assert.NoError(t, c.Err(what), "%s %v", program, reg)
		}
	}
}
