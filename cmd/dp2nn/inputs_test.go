package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/verify"
)

// adv3 D7: -json failed on an infinite or NaN answer ("json:
// unsupported value: +Inf") and wrote nothing; the batch's encoder too.
// Reports and batch lines are written whole, ±Inf and NaN as strings.
func TestJSONNonFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	r := &verify.SolveReport{Program: "p", Value: &inf, Cells: []float64{math.Inf(-1), nan}, Tolerance: inf, Totals: map[string]float64{"w": 1}}
	var buf bytes.Buffer
	require.NoError(t, printReport(&buf, true, r, nil))
	require.True(t, json.Valid(buf.Bytes()), buf.String())
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.Equal(t, "inf", got["value"])
	assert.Equal(t, []any{"-inf", "nan"}, got["cells"])
	assert.Equal(t, "inf", got["decode_tolerance"])

	buf.Reset()
	require.NoError(t, writeBatchLine(&buf, verify.BatchLine{Instance: "a", Status: verify.StatusOK, Report: r}))
	assert.True(t, json.Valid(buf.Bytes()), buf.String())
	assert.Contains(t, buf.String(), `"value":"inf"`)
	assert.Equal(t, 1, bytes.Count(buf.Bytes(), []byte("\n")), "one line")
}

// adv3 D11: -max-memory did not cover reading the instance (a 2M-item
// file took 2 GB before it was refused). The read is predicted from the
// file's bytes and refused first, by solve, a batch, verify -instances
// and compile -instance.
func TestInstanceReadMemory(t *testing.T) {
	dir := t.TempDir()
	var text strings.Builder
	text.WriteString("20000\n")
	for i := range 20000 {
		fmt.Fprintf(&text, "%d %d\n", 1+i%7, 1+i%5)
	}
	text.WriteString("100\n")
	big := filepath.Join(dir, "big.txt")
	require.NoError(t, os.WriteFile(big, []byte(text.String()), 0o644))
	line := `{"capacity": 100, "items": [` + strings.Repeat(`{"profit": 1, "weight": 1}, `, 20000) + `{"profit": 1, "weight": 1}]}` + "\n"
	jsonl := filepath.Join(dir, "big.jsonl")
	require.NoError(t, os.WriteFile(jsonl, []byte(line), 0o644))
	out := filepath.Join(dir, "out.onnx")
	chdirRepo(t)
	for _, args := range [][]string{
		{"solve", "examples/knapsack_int.dp", "-instance", big, "-max-memory", "10MiB"},
		{"solve", "examples/knapsack_int.dp", "-instances", jsonl, "-max-memory", "10MiB", "-quiet"},
		{"verify", "examples/knapsack_int.dp", "-instances", dir, "-max-memory", "10MiB", "-quiet"},
		{"compile", "examples/knapsack_int.dp", "-scheme", "smooth", "-instance", big, "-max-memory", "10MiB", "-o", out},
	} {
		t.Run(args[0]+" "+args[2]+" "+args[3], func(t *testing.T) {
			stdout, stderr, code := runCLI(args...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", stdout, stderr)
			assert.Contains(t, stderr, "reading the instance would take about")
			assert.Contains(t, stderr, "above -max-memory 10.0 MiB")
			assert.Empty(t, stdout)
		})
	}
	assert.NoFileExists(t, out)
}

// adv3 M1: "dp2nn help -h" and "dp2nn help help" were unknown commands
// (exit 2); they print the usage, as "dp2nn help" does.
func TestHelpOfHelp(t *testing.T) {
	want, _, code := runCLI("help")
	require.Equal(t, 0, code)
	for _, args := range [][]string{{"help", "-h"}, {"help", "--help"}, {"help", "help"}, {"-h"}} {
		stdout, stderr, code := runCLI(args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Empty(t, stderr, "%v", args)
		assert.Equal(t, want, stdout, "%v", args)
	}
}

// adv3 M7: a program with a steps line and neither inputs nor data could
// be given no instance; one of its params alone is solved.
func TestSolveParamsOnlyInstance(t *testing.T) {
	chdirRepo(t)
	dir := filepath.Join("cmd", "dp2nn", "testdata", "data")
	stdout, stderr, code := runCLI("solve", filepath.Join(dir, "fib.dp"), "-instance", filepath.Join(dir, "fib20.json"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "note: n = 20 from the instance")
	assert.Contains(t, stdout, "answer f[n] = 6765 ")
	assert.Contains(t, stdout, "the network equals the exact interpreter")
}

// adv3 D5: verify knapsack.dp -set pmax=1 -random N panicked in the
// Appendix D generator (it needs pmax >= 2); it draws uniformly there.
func TestVerifyRandomPmax1(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("verify", "examples/knapsack.dp", "-set", "pmax=1", "-random", "20", "-quiet")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "random uniform")
	assert.Contains(t, stdout, "20 cases checked, 0 mismatches")
}
