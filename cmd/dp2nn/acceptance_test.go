package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The core issue's acceptance run: "dp2nn verify -random 1000" finds zero
// mismatches for p* in {5, 20, 60}, in float64 and float32, every state of
// every step against the exact DP.
func TestVerifyRandomAcceptance(t *testing.T) {
	chdirRepo(t)
	for _, p := range []int{5, 20, 60} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			stdout, stderr, code := runCLI("verify", "examples/knapsack.dp", "-set", fmt.Sprintf("pmax=%d", p), "-random", "1000", "-seed", "1", "-json")
			require.Equal(t, 0, code, stderr)
			var r verify.Report
			require.NoError(t, json.Unmarshal([]byte(stdout), &r))
			require.Len(t, r.Rows, 1)
			assert.Equal(t, 1000, r.Rows[0].Cases)
			assert.Zero(t, r.Mismatches)
			assert.Contains(t, r.Rows[0].MaxErr, "float64")
			assert.Contains(t, r.Rows[0].MaxErr, "float32")
		})
	}
}

// widths -sweep agrees with the paper at every value and -plot writes a PNG.
func TestWidthsSweep(t *testing.T) {
	chdirRepo(t)
	png := filepath.Join(t.TempDir(), "w.png")
	for _, c := range [][]string{
		{"widths", "examples/knapsack.dp", "-sweep", "pmax=2..30", "-plot", png, "-json"},
		{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-P", "1", "-sweep", "P=1..12", "-json"},
	} {
		stdout, stderr, code := runCLI(c...)
		require.Equal(t, 0, code, stderr)
		var rows []study.SweepRow
		require.NoError(t, json.Unmarshal([]byte(stdout), &rows))
		require.NotEmpty(t, rows)
		for _, r := range rows {
			require.NotNil(t, r.Agree, "value %d has a paper formula", r.Value)
			assert.True(t, *r.Agree, "value %d: widths %v, paper %v", r.Value, r.Widths, r.Paper)
		}
	}
	b, err := os.ReadFile(png)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG", string(b[:4]))

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"widths", "examples/knapsack.dp", "-sweep", "pmax=9..3"}, "LO <= HI"},
		{[]string{"widths", "examples/knapsack.dp", "-sweep", "pmax"}, "NAME=LO..HI"},
		{[]string{"widths", "examples/knapsack.dp", "-plot", png}, "-plot does not apply: -plot draws a -sweep NAME=LO..HI"},
		{[]string{"widths", "examples/knapsack.dp", "-sweep", "pmax=2..5", "-plot", filepath.Join(t.TempDir(), "nodir", "x.png")}, "cannot write"},
	} {
		stdout, stderr, code := runCLI(c.args...)
		assert.Equal(t, 2, code, "%v: %s%s", c.args, stdout, stderr)
		assert.Contains(t, stderr, c.want)
	}
}
