package main

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/dp2nn/dp2nn/truth/knapsack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Profits summing to 9·10^7, past the 2^26 cells an exact table may have:
// the fptas scheme solves the instance (its table has P cells), the exact
// scheme refuses it before allocating, with exit 2.
func TestSolveLargeProfitSum(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("solve", "examples/knapsack_int.dp", "-scheme", "fptas", "-P", "20", "-instance", "testdata/large/profits_9e7.txt")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "scheme fptas with P=20")
	assert.Contains(t, stdout, "widths [2 840 420 20]")
	assert.Contains(t, stdout, "taken steps (backtracked through the stored states): [1 2]")

	_, stderr, code = runCLI("solve", "examples/knapsack_int.dp", "-instance", "testdata/large/profits_9e7.txt")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "more than 2^26 values")
}

// A Jooken-style instance (capacity 10^10, profits near 10^11): the fptas
// scheme's one-neuron gates keep float64 exact, and the answer lies
// within the guarantee of the optimum.
func TestSolveJookenScale(t *testing.T) {
	chdirRepo(t)
	const path = "testdata/large/jooken_like.txt"
	stdout, stderr, code := runCLI("solve", "examples/knapsack_int.dp", "-scheme", "fptas", "-P", "200", "-instance", path)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "widths [2 40200 40200 200]")
	assert.Contains(t, stdout, "check against the instance: weight")
	m := regexp.MustCompile(`where f\[p\] <= capacity = (\S+)`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	got, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	in, err := knapsack.ReadInstance(path, f)
	require.NoError(t, err)
	opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
	require.NoError(t, err)
	n := float64(len(in.Profits))
	assert.LessOrEqual(t, got, float64(opt))
	assert.GreaterOrEqual(t, got, (1-n*n/200)*float64(opt))
}
