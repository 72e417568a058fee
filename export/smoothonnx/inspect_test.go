package smoothonnx_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/export/smoothonnx"
)

// RelErr is relative to max(1, |want|), takes the worst element, meets
// an infinite want exactly or not at all, and counts NaN as worst.
func TestRelErr(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name      string
		got, want []float64
		worst     float64
		at        int
	}{
		{"empty", nil, nil, 0, -1},
		{"small values: absolute", []float64{0.5 + 1e-9}, []float64{0.5}, 1e-9, 0},
		{"large values: relative", []float64{1, 200 + 2e-6}, []float64{1, 200}, 1e-8, 1},
		{"infinity met", []float64{inf, -inf}, []float64{inf, -inf}, 0, 0},
		{"infinity missed", []float64{1, 1e300}, []float64{1, inf}, inf, 1},
		{"NaN", []float64{math.NaN(), 2}, []float64{1, 2}, inf, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			worst, at, err := smoothonnx.RelErr(c.got, c.want)
			require.NoError(t, err)
			require.InDelta(t, c.worst, worst, 1e-15*max(1, c.worst))
			require.Equal(t, c.at, at)
		})
	}
	_, _, err := smoothonnx.RelErr([]float64{1}, []float64{1, 2})
	require.ErrorContains(t, err, "1 values, want 2")
}
