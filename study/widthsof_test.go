package study_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/study"
)

// WidthsOf reports the cell beside the paper, or the unrolled network;
// a program with data unrolls over its own steps and adds both forms'
// sizes; bad forms and step counts are refused.
func TestWidthsOf(t *testing.T) {
	net := lower(t, "examples/knapsack.dp", map[string]int64{"pmax": 6}, compile.Options{})
	r, err := study.WidthsOf("examples/knapsack.dp", net, "cell", 0)
	require.NoError(t, err)
	assert.Equal(t, net.Cell.Stats().Widths, r.Widths)
	require.NotNil(t, r.Paper, "knapsack has a published construction")
	assert.Nil(t, r.Data)
	r, err = study.WidthsOf("examples/knapsack.dp", net, "unrolled", 3)
	require.NoError(t, err)
	assert.Equal(t, 3, r.Steps)
	assert.Nil(t, r.Paper)
	assert.Greater(t, r.Depth, net.Cell.Stats().Depth)
	_, err = study.WidthsOf("examples/knapsack.dp", net, "unrolled", 0)
	assert.EqualError(t, err, "widths: -form unrolled needs -steps N with 1 <= N <= 1000, got 0")
	_, err = study.WidthsOf("examples/knapsack.dp", net, "spiral", 0)
	assert.EqualError(t, err, `widths: unknown -form "spiral" (want cell or unrolled)`)

	bf := lower(t, "examples/bellmanford.dp", map[string]int64{"n": 4}, compile.Options{})
	r, err = study.WidthsOf("examples/bellmanford.dp", bf, "", 0)
	require.NoError(t, err)
	assert.Equal(t, "cell", r.Form)
	require.NotNil(t, r.Data)
	assert.Len(t, r.Data.Forms, 2)
	r, err = study.WidthsOf("examples/bellmanford.dp", bf, "unrolled", 0)
	require.NoError(t, err)
	assert.Equal(t, bf.IterationCount(), r.Steps, "its own steps")
	r, err = study.WidthsOf("examples/bellmanford.dp", bf, "unrolled", 2)
	require.NoError(t, err)
	assert.Equal(t, 2, r.Steps)
}
