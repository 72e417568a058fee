package verify

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkRunDP measures the exact interpreter on knapsack.dp: its cost
// grows with pmax · items, every cell an exact rational.
func BenchmarkRunDP(b *testing.B) {
	for _, pmax := range []int{20, 100, 1000} {
		b.Run(fmt.Sprintf("knapsack/pmax=%d/items=20", pmax), func(b *testing.B) {
			m := loadProgram(b, "examples/knapsack.dp", map[string]int64{"pmax": int64(pmax)})
			steps := Uniform(NewRand(1), m, 20)
			b.ResetTimer()
			for b.Loop() {
				tr, err := RunDP(m, steps)
				require.NoError(b, err)
				_, err = tr.Answer()
				require.NoError(b, err)
			}
		})
	}
}
