package main

import (
	"testing"

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
