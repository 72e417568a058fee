package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/verify"
)

// The five programs of issue 7, with the params of their first row in
// problems.DataCases() (the programs' defaults).
var dataPrograms = []string{"examples/lcs.dp", "examples/bellmanford.dp", "examples/apsp.dp", "examples/csp.dp", "examples/heldkarp.dp"}

// Issue 7's acceptance run through the command: "dp2nn verify -random
// 500" on each program finds no mismatch between the network (float64 and
// float32), the exact interpreter on every cell of every step, and the
// solvers of problems.DataCases() on the answer, in the cell form; 100
// instances of the unrolled form; 500 of the CSP FPTAS network (k = 2)
// within its guarantee. The counts assert that negative cycles and
// instances without an answer occur, so the fixpoint and "no answer"
// paths are exercised.
func TestVerifyDataAcceptance(t *testing.T) {
	chdirRepo(t)
	run := func(t *testing.T, args ...string) verify.Row {
		stdout, stderr, code := runCLI(append(args, "-json")...)
		require.Equal(t, 0, code, "%v: %s", args, stderr)
		var r verify.Report
		require.NoError(t, json.Unmarshal([]byte(stdout), &r))
		require.Len(t, r.Rows, 1)
		assert.Zero(t, r.Mismatches)
		return r.Rows[0]
	}
	for _, prog := range dataPrograms {
		name := strings.TrimSuffix(filepath.Base(prog), ".dp")
		t.Run(name, func(t *testing.T) {
			row := run(t, "verify", prog, "-random", "500", "-seed", "7")
			assert.Equal(t, 500, row.Cases)
			assert.Contains(t, row.MaxErr, "float64")
			assert.Contains(t, row.MaxErr, "float32")
			switch name {
			case "bellmanford", "apsp":
				assert.Greater(t, row.Fixpoint, 20, "negative cycles occur")
			case "csp", "heldkarp":
				assert.Greater(t, row.NoAnswer, 20, "instances without an answer occur")
			}
			row = run(t, "verify", prog, "-random", "100", "-seed", "8", "-form", "unrolled")
			assert.Equal(t, 100, row.Cases)
		})
	}
	t.Run("csp fptas", func(t *testing.T) {
		row := run(t, "verify", "examples/csp.dp", "-scheme", "fptas", "-P", "2", "-random", "500", "-seed", "9")
		assert.Equal(t, 500, row.Cases)
		require.NotNil(t, row.MaxGap)
		assert.LessOrEqual(t, *row.MaxGap, 8.0, "k·(n−1) = 2·4")
	})
}

// solve answers the published instances of testdata/ (those whose
// network fits the default budget) with their published answers.
func TestSolvePublished(t *testing.T) {
	chdirRepo(t)
	for _, c := range []struct {
		program, instance string
		set               []string
		want              string
	}{
		{"examples/lcs.dp", "testdata/seq/clrs-15.8.json", nil, "4"},
		{"examples/lcs.dp", "testdata/seq/clrs-15.4-1.json", nil, "6"},
		{"examples/lcs.dp", "testdata/seq/rosetta-lcs-digits.json", nil, "4"},
		{"examples/lcs.dp", "testdata/seq/rosetta-lcs-strings.json", nil, "7"},
		{"examples/bellmanford.dp", "testdata/graphs/clrs-24.4.json", nil, "[0 2 4 7 -2]"},
		{"examples/bellmanford.dp", "testdata/graphs/clrs-24.6.json", nil, "[0 8 9 5 7]"},
		{"examples/apsp.dp", "testdata/graphs/rosetta-floyd-warshall.json", nil, ""},
	} {
		for _, dt := range []string{"float64", "float32"} {
			args := append([]string{"solve", c.program, "-instance", c.instance, "-dtype", dt, "-json"}, c.set...)
			stdout, stderr, code := runCLI(args...)
			require.Equal(t, 0, code, "%v: %s", args, stderr)
			var r verify.DataSolveReport
			require.NoError(t, json.Unmarshal([]byte(stdout), &r))
			if c.want != "" {
				assert.Equal(t, c.want, r.Answer, "%v", args)
			}
			assert.True(t, strings.HasSuffix(r.Published, ": agrees"), "%v: published %q", args, r.Published)
			assert.Zero(t, r.MaxErr)
		}
	}
}

// widths -sweep -plot writes a PNG for a program with data; compile writes
// nothing on bad input and an ONNX file the verifier accepts otherwise.
func TestDataPlotAndCompile(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	png := filepath.Join(dir, "w.png")
	_, stderr, code := runCLI("widths", "examples/csp.dp", "-sweep", "n,t=2..4", "-plot", png)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(png)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG", string(b[:4]))

	model := filepath.Join(dir, "lcs.onnx")
	for _, form := range []string{"cell", "unrolled", "loop"} {
		_, stderr, code = runCLI("compile", "examples/lcs.dp", "-set", "m=4,n=3", "-form", form, "-o", model)
		require.Equal(t, 0, code, stderr)
		stdout, stderr, code := runCLI("verify", model, "-runtime", "go", "-random", "20", "-json")
		require.Equal(t, 0, code, "%s: %s", form, stderr)
		var r verify.Report
		require.NoError(t, json.Unmarshal([]byte(stdout), &r))
		assert.Equal(t, 20, r.Rows[0].Cases, form)
		assert.Zero(t, r.Mismatches, form)
	}
	require.NoError(t, os.Remove(model))
	_, _, code = runCLI("compile", "examples/heldkarp.dp", "-set", "n=18", "-o", model)
	assert.Equal(t, 2, code)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, left, 1, "only the plot: no model written on bad input")
}
