package dsl

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkCheckNarrowing times Check on programs whose branches narrow
// by unions of boxes: the grid path of examples/gridpath.dp, and
// conditions that build regions near and past maxBoxes (i != k and
// j != k for many k: a product of intervals, hulled past the cap).
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
	for _, c := range []struct {
		name string
		src  []byte
	}{
		{"gridpath", grid},
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
