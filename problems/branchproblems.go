package problems

import (
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/truth/graphs"
)

// This file holds the problems whose programs the checker admits by
// narrowing each branch by the conditions before it, or a reduction's
// body by its domain (docs/dsl.md, Static conditions and sets):
// gridpath, editdist and palindrome write their base cases as branches
// of one if; rodcut reads r[i - k] for k in 1..i.

// randomGrid draws the costs c of gridpath.dp uniformly over 0..cmax, or
// over a smaller range for some grids (more ties between paths).
func randomGrid(rng *rand.Rand, m *dsl.Model) [][]float64 {
	rows, cols, cmax := mustParam(m, "m"), mustParam(m, "n"), mustParam(m, "cmax")
	hi := cmax
	if rng.IntN(3) == 0 {
		hi = rng.IntN(cmax + 1)
	}
	data := newData(m)
	c := data[mustDataIndex(m, "c")]
	for k := range rows * cols {
		c[k] = float64(rng.IntN(hi + 1))
	}
	return data
}

// gridPathExact is graphs.GridPath: the least path cost and the table
// g[i, j], i in 1..m, j in 1..n.
func gridPathExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	p, err := params(m, "m", "n")
	if err != nil {
		return DataAnswer{}, err
	}
	vals, err := dataOf(m, data, "c", p[0]*p[1])
	if err != nil {
		return DataAnswer{}, err
	}
	flat, err := intsOf("c", vals)
	if err != nil {
		return DataAnswer{}, err
	}
	c := make([][]int, p[0])
	for i := range c {
		c[i] = flat[i*p[1] : (i+1)*p[1]]
	}
	cost, table := graphs.GridPath(c)
	return DataAnswer{Value: float64(cost), Final: flattenInts(table)}, nil
}

// editDistExact is graphs.EditDistance: the distance and the table
// d[i, j], i in 0..m, j in 0..n.
func editDistExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	p, err := params(m, "m", "n")
	if err != nil {
		return DataAnswer{}, err
	}
	x, err := intData(m, data, "x", p[0])
	if err != nil {
		return DataAnswer{}, err
	}
	y, err := intData(m, data, "y", p[1])
	if err != nil {
		return DataAnswer{}, err
	}
	dist, table := graphs.EditDistance(x, y)
	return DataAnswer{Value: float64(dist), Final: flattenInts(table)}, nil
}

// randomPalindrome draws s of palindrome.dp uniformly over 1..a', a' a
// random alphabet size up to a (small ones give long palindromes).
func randomPalindrome(rng *rand.Rand, m *dsl.Model) [][]float64 {
	n, a := mustParam(m, "n"), mustParam(m, "a")
	data := newData(m)
	for i, x := range graphs.RandomSequence(rng, n, graphs.Alphabet{Lo: 1, Hi: 1 + rng.IntN(a)}) {
		data[mustDataIndex(m, "s")][i] = float64(x)
	}
	return data
}

// palindromeExact is graphs.LongestPalindromicSubsequence (an LCS of
// each interval and its reverse): the length and the table p[i, j],
// i, j in 1..n, 0 where i > j.
func palindromeExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	n, err := param(m, "n")
	if err != nil {
		return DataAnswer{}, err
	}
	s, err := intData(m, data, "s", int(n))
	if err != nil {
		return DataAnswer{}, err
	}
	length, table := graphs.LongestPalindromicSubsequence(s)
	return DataAnswer{Value: float64(length), Final: flattenInts(table)}, nil
}

// intData reads the named integer data of cells values.
func intData(m *dsl.Model, data [][]float64, name string, cells int) ([]int, error) {
	vals, err := dataOf(m, data, name, cells)
	if err != nil {
		return nil, err
	}
	return intsOf(name, vals)
}

// flattenInts lists a table's rows one after the other, as floats.
func flattenInts(rows [][]int) []float64 {
	var out []float64
	for _, r := range rows {
		for _, v := range r {
			out = append(out, float64(v))
		}
	}
	return out
}

// randomPrices draws the prices of rodcut.dp uniformly over 0..pmax, or
// increasing in the length for some rods (cutting matters less).
func randomPrices(rng *rand.Rand, m *dsl.Model) [][]float64 {
	n, pmax := mustParam(m, "n"), mustParam(m, "pmax")
	data := newData(m)
	price := data[mustDataIndex(m, "price")]
	increasing := rng.IntN(3) == 0
	for k := range n {
		price[k] = float64(rng.IntN(pmax + 1))
		if increasing && k > 0 {
			price[k] = max(price[k], price[k-1])
		}
	}
	return data
}

// rodCutExact is graphs.RodCutting: the best revenue and the table
// r[i], i in 0..n.
func rodCutExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	n, err := param(m, "n")
	if err != nil {
		return DataAnswer{}, err
	}
	price, err := intData(m, data, "price", int(n))
	if err != nil {
		return DataAnswer{}, err
	}
	revenue, table := graphs.RodCutting(price)
	return DataAnswer{Value: float64(revenue), Final: flattenInts([][]int{table})}, nil
}

// randomSides draws the span lengths side of
// testdata/programs/triangulation.dp uniformly over 0..lmax, or
// increasing in the span for some polygons (as the chords of a circle's
// arc up to half of it).
func randomSides(rng *rand.Rand, m *dsl.Model) [][]float64 {
	n, lmax := mustParam(m, "n"), mustParam(m, "lmax")
	data := newData(m)
	side := data[mustDataIndex(m, "side")]
	increasing := rng.IntN(3) == 0
	for d := range n {
		side[d] = float64(rng.IntN(lmax + 1))
		if increasing && d > 0 {
			side[d] = max(side[d], side[d-1])
		}
	}
	return data
}

// triangulationExact is graphs.MaxPerimeterTriangulation: the best total
// perimeter and the table t[i, j], i, j in 0..n.
func triangulationExact(m *dsl.Model, data [][]float64) (DataAnswer, error) {
	n, err := param(m, "n")
	if err != nil {
		return DataAnswer{}, err
	}
	side, err := intData(m, data, "side", int(n))
	if err != nil {
		return DataAnswer{}, err
	}
	best, table := graphs.MaxPerimeterTriangulation(side)
	return DataAnswer{Value: float64(best), Final: flattenInts(table)}, nil
}
