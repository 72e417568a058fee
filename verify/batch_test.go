package verify_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/verify"
)

// SolveBatch solves every instance of a directory and of a JSON-lines
// file on two goroutines, in input order, one line each: the answer, or
// the error of an instance that is bad input, without stopping the others.
func TestSolveBatch(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	dir := t.TempDir()
	for _, name := range []string{"lowdim/f3_l-d_kp_4_20.txt", "lowdim/f4_l-d_kp_4_11.txt", "bad/nan.txt", "lowdim/f9_l-d_kp_5_80.txt"} {
		b, err := os.ReadFile(filepath.Join(root, "testdata", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(name)), b, 0o644))
	}
	lines := filepath.Join(dir, "batch.jsonl")
	require.NoError(t, os.WriteFile(lines, []byte(
		`{"name": "tiny", "capacity": 10, "items": [{"profit": 3, "weight": 4}, {"profit": 2, "weight": 7}]}`+"\n"+
			`{"capacity": 10, "items": [{"profit": 3, "weight": 40}]}`+"\n"), 0o644))
	in := verify.SolveInput{File: f, Request: compile.Request{}, DType: engine.Float64}
	for _, tt := range []struct {
		path string
		want []verify.BatchLine
	}{
		{dir, []verify.BatchLine{
			{Instance: "f3_l-d_kp_4_20", Status: verify.StatusOK, Answer: "35"},
			{Instance: "f4_l-d_kp_4_11", Status: verify.StatusOK, Answer: "23"},
			{Instance: "f9_l-d_kp_5_80", Status: verify.StatusOK, Answer: "130"},
			{Instance: "nan", Status: verify.StatusBadInput, Error: filepath.Join(dir, "nan.txt") + ":3:1: item 2: profit NaN is not a finite number"},
		}},
		{lines, []verify.BatchLine{
			{Instance: "tiny", Status: verify.StatusOK, Answer: "3"},
			{Instance: "batch.jsonl:2", Status: verify.StatusBadInput, Error: lines + ":2: item 1: weight 40 is above the capacity 10"},
		}},
	} {
		entries, err := instance.Batch(tt.path)
		require.NoError(t, err)
		var got []verify.BatchLine
		err = verify.SolveBatch(in, entries, 2, func(l verify.BatchLine) { got = append(got, l) })
		// One bad instance in each: the verdict counts it.
		assert.EqualError(t, err, fmt.Sprintf("1 of %d instances failed: 1 bad input, 0 failed checks (their lines say why)", len(tt.want)))
		var mm *verify.MismatchError
		assert.False(t, errors.As(err, &mm), "bad input is no mismatch")
		require.Len(t, got, len(tt.want))
		for i, w := range tt.want {
			assert.Equal(t, w.Instance, got[i].Instance, "input order")
			assert.Equal(t, w.Status, got[i].Status, got[i].Error)
			assert.Equal(t, w.Answer, got[i].Answer)
			if w.Error != "" {
				assert.Contains(t, got[i].Error, w.Error)
			}
			assert.Equal(t, w.Status == verify.StatusOK, got[i].Report != nil)
		}
	}
}

// What no instance can make work is refused once, before the batch.
func TestSolveInputCheck(t *testing.T) {
	lcs, err := repo.ReadProgram("examples/lcs.dp")
	require.NoError(t, err)
	topk, err := repo.ReadProgram("examples/topk.dp")
	require.NoError(t, err)
	smooth := compile.Request{Options: compile.Options{Scheme: compile.Smooth, Gamma: 1}}
	for _, tt := range []struct {
		file *dsl.File
		req  compile.Request
		dt   engine.DType
		want string
	}{
		{lcs, smooth, engine.Float64, ""}, // through smooth.Graph
		{lcs, smooth, engine.Float32, "-scheme smooth evaluates in float64"},
		{lcs, compile.Request{Options: compile.Options{Scheme: compile.FPTAS}, Eps: 0.5}, engine.Float64, "give -P"},
		{topk, smooth, engine.Float32, "-scheme smooth evaluates in float64"},
		{topk, smooth, engine.Float64, ""},
	} {
		err := verify.SolveInput{File: tt.file, Request: tt.req, DType: tt.dt}.Check()
		if tt.want == "" {
			assert.NoError(t, err)
			continue
		}
		assert.ErrorContains(t, err, tt.want)
	}
}

// An instance that cannot be solved comes back as a nil Solved, not a nil
// report inside one, in every scheme.
func TestSolveFileErrorIsNil(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	topk, err := repo.ReadProgram("examples/topk.dp")
	require.NoError(t, err)
	knapsack, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	smooth := compile.Request{Options: compile.Options{Scheme: compile.Smooth, Gamma: 1}}
	for _, in := range []verify.SolveInput{
		{File: topk, Set: map[string]int64{"k": 7}, Request: smooth, DType: engine.Float64},
		{File: knapsack, Set: map[string]int64{"pmax": 2}, DType: engine.Float64},
	} {
		r, err := verify.SolveFile(in, filepath.Join(root, "testdata", "smooth", "top2of5.json"))
		require.Error(t, err)
		assert.Nil(t, r)
	}
}
