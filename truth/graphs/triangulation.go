package graphs

import "fmt"

// MaxPerimeterTriangulation returns the largest total perimeter of the
// triangles of a triangulation of the convex polygon with the vertices
// 0..n, n = len(side), where a side or chord between i < j has the
// length side[j−i−1] (by its span alone, as in a regular polygon), and
// the table of the interval dynamic program: table[i][j], i, j in 0..n,
// is the best total of the sub-polygon i..j, 0 when j <= i + 1 (a side
// holds no triangle). The triangle on the side (i, j) has an apex k
// strictly between, and the parts i..k and k..j are triangulated on
// their own; spans are filled in increasing order.
func MaxPerimeterTriangulation(side []int) (int, [][]int) {
	n := len(side)
	length := func(i, j int) int { return side[j-i-1] }
	table := make([][]int, n+1)
	for i := range table {
		table[i] = make([]int, n+1)
	}
	for span := 2; span <= n; span++ {
		for i := 0; i+span <= n; i++ {
			j := i + span
			best := 0
			for k := i + 1; k < j; k++ {
				best = max(best, table[i][k]+table[k][j]+length(i, k)+length(k, j)+length(i, j))
			}
			table[i][j] = best
		}
	}
	return table[0][n], table
}

// MaxBruteForcePolygon is the largest n (vertices 0..n) that
// MaxPerimeterTriangulationBruteForce accepts: 1430 triangulations.
const MaxBruteForcePolygon = 9

// MaxPerimeterTriangulationBruteForce tries every triangulation of the
// polygon of MaxPerimeterTriangulation as a set of n − 2 pairwise
// non-crossing diagonals, finds its triangles (the triples of vertices
// whose three edges are sides or chosen diagonals) and adds up their
// perimeters.
func MaxPerimeterTriangulationBruteForce(side []int) (int, error) {
	n := len(side)
	if n > MaxBruteForcePolygon {
		return 0, fmt.Errorf("graphs: MaxPerimeterTriangulationBruteForce: %d + 1 vertices, at most %d + 1", n, MaxBruteForcePolygon)
	}
	if n < 2 {
		return 0, nil // a side or a point: no triangle
	}
	type chord struct{ a, b int }
	var diagonals []chord
	for a := 0; a <= n; a++ {
		for b := a + 2; b <= n; b++ {
			if a != 0 || b != n {
				diagonals = append(diagonals, chord{a, b})
			}
		}
	}
	crosses := func(x, y chord) bool {
		return x.a < y.a && y.a < x.b && x.b < y.b || y.a < x.a && x.a < y.b && y.b < x.b
	}
	edge := make([][]bool, n+1)
	for a := range edge {
		edge[a] = make([]bool, n+1)
		if a < n {
			edge[a][a+1] = true
		}
	}
	edge[0][n] = true
	best, found := 0, false
	var chosen []chord
	var try func(from int) error
	try = func(from int) error {
		if len(chosen) == n-2 {
			total, triangles := 0, 0
			for a := 0; a <= n; a++ {
				for b := a + 1; b <= n; b++ {
					for c := b + 1; c <= n; c++ {
						if edge[a][b] && edge[b][c] && edge[a][c] {
							total += side[b-a-1] + side[c-b-1] + side[c-a-1]
							triangles++
						}
					}
				}
			}
			if triangles != n-1 {
				return fmt.Errorf("graphs: MaxPerimeterTriangulationBruteForce: %d diagonals %v make %d triangles, not %d", n-2, chosen, triangles, n-1)
			}
			best, found = max(best, total), true
			return nil
		}
		for k := from; k < len(diagonals); k++ {
			d, ok := diagonals[k], true
			for _, c := range chosen {
				ok = ok && !crosses(c, d)
			}
			if !ok {
				continue
			}
			chosen = append(chosen, d)
			edge[d.a][d.b] = true
			err := try(k + 1)
			edge[d.a][d.b] = false
			chosen = chosen[:len(chosen)-1]
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := try(0); err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("graphs: MaxPerimeterTriangulationBruteForce: no triangulation of %d + 1 vertices", n)
	}
	return best, nil
}
