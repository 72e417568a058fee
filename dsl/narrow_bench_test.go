package dsl

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkCheckNarrowing times Check on programs whose branches narrow
// by unions of boxes: the grid path of examples/gridpath.dp, conditions
// that build regions near and past maxBoxes (i != k and j != k for many
// k: a product of intervals, hulled past the cap), difference bounds over
// three variables and their negations (chain: i < j < l and the boxes of
// its else branches, closed as difference-bound matrices), and the
// interval DP of testdata/programs/triangulation.dp (closure/, admitted
// only with the closure).
// docs/performance.md, Checker narrowing, lists the figures.
func BenchmarkCheckNarrowing(b *testing.B) {
	grid, err := os.ReadFile("../examples/gridpath.dp")
	require.NoError(b, err)
	ne := func(k int) string {
		var is, js []string
		for e := 2; e <= 2*k; e += 2 {
			is = append(is, fmt.Sprintf("i != %d", e))
			js = append(js, fmt.Sprintf("j != %d", e))
		}
		return fmt.Sprintf(`dp t
param n int = 200
data x[i in 1..n, j in 1..n] int in 0..9
state g[i in 1..n, j in 1..n] int in 0..9 = 0
step g[i, j] = if (%s) or (%s) then x[i, j]
               else if %s and %s then 0
               else x[i, j]
`, strings.Join(is, " and "), strings.Join(js, " and "), strings.Join(is, " and "), strings.Join(js, " and "))
	}
	tri, err := os.ReadFile("../testdata/programs/triangulation.dp")
	require.NoError(b, err)
	chain := []byte(`dp t
param n int = 30
data x[a in 1..n, b in 1..n] int in 0..9
state h[i in 1..n, j in 1..n, l in 1..n] int in 0..9 = 0
step h[i, j, l] = if i < j and j < l then x[j - i, l - j]
                  else if i < j and l <= j - 2 then x[j - i, j - l - 1]
                  else if j <= i - 3 and j != l then x[i - j - 2, 1]
                  else if i == j or j == l then 0
                  else if l < j then x[j - l, 1]
                  else x[l - j + 1, 1]
`)
	for _, c := range []struct {
		name string
		src  []byte
	}{
		{"gridpath", grid},
		{"chain", chain},
		{"closure/triangulation", tri},
		{"ne/k=4", []byte(ne(4))},
		{"ne/k=30", []byte(ne(30))},
		{"ne/k=90", []byte(ne(90))},
	} {
		b.Run(c.name, func(b *testing.B) {
			f, err := Parse("b.dp", c.src)
			require.NoError(b, err)
			for b.Loop() {
				if _, err := Check(f, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
