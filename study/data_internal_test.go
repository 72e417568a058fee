package study

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// summarizeRatios reduces a sweep's ratios as documented.
func TestSummarizeRatios(t *testing.T) {
	row := func(v int, size, bound float64) DataSweepRow {
		return DataSweepRow{Value: v, Forms: []FormSize{{Form: "cell", Size: int(size), SizeBound: bound, SizeRatio: size / bound, Depth: 2, DepthBound: 1, DepthRatio: 2}}}
	}
	rep := &DataSweepReport{
		Bounds: []BoundText{{Form: "cell", Depth: "1", Size: "n²"}},
		Rows:   []DataSweepRow{row(1, 4, 1), row(2, 8, 4), row(3, 9, 9), row(4, 8, 16)},
	}
	got := summarizeRatios(rep)
	require.Len(t, got, 2)
	assert.Equal(t, RatioSummary{Form: "cell", Quantity: "size", Bound: "n²", Min: 0.5, Max: 4, Spread: 8, First: 4, Last: 0.5, NonIncreases: true, LastChange: -0.5}, got[0])
	assert.Equal(t, RatioSummary{Form: "cell", Quantity: "depth", Bound: "1", Min: 2, Max: 2, Spread: 1, First: 2, Last: 2, NonIncreases: true, LastChange: 0}, got[1])
	rep.Rows[2] = row(3, 1, 9)
	assert.False(t, summarizeRatios(rep)[0].NonIncreases, "0.11 then 0.5 grows at the end")
}
