package compile_test

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// processCPU is the user and system CPU time of the process, in ns.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEstimateRefusal times Estimate refusing knapsack_int.dp past
// the default -max-neurons (adv3 D10: 6.5 s at pmax 5,000 and 88 s at
// 500,000, when selectRead stepped through every offset of every cell).
// docs/performance.md has the figures.
func BenchmarkEstimateRefusal(b *testing.B) {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	if err != nil {
		b.Fatal(err)
	}
	for _, pmax := range []int64{5_000, 50_000, 500_000, 1_000_000} {
		m, err := dsl.Check(f, map[string]int64{"pmax": pmax})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pmax=%d", pmax), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				_, err := compile.Estimate(m, compile.Options{}, compile.Job{}, compile.Limits{})
				var tl *compile.TooLargeError
				if !errors.As(err, &tl) {
					b.Fatalf("not refused: %v", err)
				}
			}
			// CPU time of the process: steadier than the wall time on a
			// loaded machine.
			b.ReportMetric((processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
