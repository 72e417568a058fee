package graphs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The interval DP agrees with the enumeration of every triangulation:
// on the whole polygon and, entry by entry, on the table (the sub-polygon
// i..j has the lengths of the polygon 0..j − i).
func TestMaxPerimeterTriangulationAgreesWithBruteForce(t *testing.T) {
	// A square (vertices 0..3) with sides 1 and diagonals 2: either
	// diagonal gives two triangles of perimeter 1 + 1 + 2.
	got, table := MaxPerimeterTriangulation([]int{1, 2, 1})
	assert.Equal(t, 8, got)
	assert.Equal(t, [][]int{{0, 0, 4, 8}, {0, 0, 0, 4}, {0, 0, 0, 0}, {0, 0, 0, 0}}, table)
	// A pentagon (0..4) with span lengths 1, 3, 5, 7: each side is in
	// one triangle and each diagonal in two, so a triangulation totals
	// 4·1 + 7 + 2·(its two diagonals). The best pair is a span 2 and a
	// span 3 (a fan from 0, 1, 3 or 4): 11 + 2·(3 + 5) = 27; the fan
	// from 2 has two of span 2, 23.
	want, err := MaxPerimeterTriangulationBruteForce([]int{1, 3, 5, 7})
	require.NoError(t, err)
	assert.Equal(t, 27, want)
	got, _ = MaxPerimeterTriangulation([]int{1, 3, 5, 7})
	assert.Equal(t, 27, got)
	rng := NewRand(7)
	for k := range 300 {
		side := RandomSequence(rng, rng.IntN(MaxBruteForcePolygon+1), Alphabet{Lo: 0, Hi: 1 + rng.IntN(20)})
		got, table := MaxPerimeterTriangulation(side)
		want, err := MaxPerimeterTriangulationBruteForce(side)
		require.NoError(t, err)
		require.Equal(t, want, got, "instance %d: %v", k, side)
		for i := range table {
			for j := range table[i] {
				want := 0
				if j-i >= 2 {
					want, err = MaxPerimeterTriangulationBruteForce(side[:j-i])
					require.NoError(t, err)
				}
				require.Equal(t, want, table[i][j], "instance %d: %v, sub-polygon %d..%d", k, side, i, j)
			}
		}
	}
	_, err = MaxPerimeterTriangulationBruteForce(make([]int, MaxBruteForcePolygon+1))
	assert.Error(t, err)
}
