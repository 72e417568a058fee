package dsl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Check refuses ranges and states past 2^26; CheckWith takes a larger
// bound for a scheme that never builds the state cell by cell, and still
// refuses what passes it.
func TestCheckWithLimits(t *testing.T) {
	src := []byte(`dp knapsack
param pmax int = 10
input profit int in 1..pmax
input size real in 0..1
state f[p in 1..pmax] real in 0..2 = 2
f[p <= 0] = 0
step f[p] = min(f[p], f[p - profit] + size)
answer max p where f[p] <= 1
`)
	f, err := Parse("k.dp", src)
	require.NoError(t, err)
	big := map[string]int64{"pmax": 1 << 30}
	_, err = Check(f, big)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "k.dp:3:21: the range of input profit is too large: 1..1073741824 has more than 2^26 values")
	assert.Contains(t, err.Error(), "more than 2^26")

	m, err := CheckWith(f, big, Limits{MaxCount: 1 << 40})
	require.NoError(t, err)
	assert.Equal(t, 1<<30, m.States[0].Cells())

	_, err = CheckWith(f, map[string]int64{"pmax": 5_000_000_000}, Limits{MaxCount: 1e9})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1000000000 values")
}
