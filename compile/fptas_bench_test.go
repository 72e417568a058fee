package compile_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// fptasSteps turns a knapsack instance into the step inputs of net (profit
// and size, in the order the program declares them).
func fptasSteps(tb testing.TB, net *compile.Network, in knapsack.Instance) [][]float64 {
	tb.Helper()
	sizes := in.Sizes()
	steps := make([][]float64, in.Len())
	for i := range steps {
		steps[i] = make([]float64, len(net.StepInputs))
		for k, name := range net.StepInputs {
			switch name {
			case "profit":
				steps[i][k] = float64(in.Profits[i])
			case "size":
				steps[i][k] = sizes[i]
			default:
				tb.Fatalf("unexpected step input %q", name)
			}
		}
	}
	return steps
}

// BenchmarkFPTASInstance evaluates the FPTAS-NN compiled from knapsack.dp
// on a whole instance of n = 1000 items (Pisinger's uncorrelated family,
// R = 1000, capacity Σw/2) in the Go evaluator, batch 1: one op is 1000
// applications of the cell. The target is under 1 s at P = 100.
// The network does not depend on the instance (pmax only bounds the
// profit input), so lowering and NewRunner stay outside the timer.
func BenchmarkFPTASInstance(b *testing.B) {
	in := knapsack.Generate(knapsack.Spec{Family: knapsack.Uncorrelated, N: 1000, R: 1000, Fraction: 0.5}, 1).Fitting()
	for _, P := range []int{50, 100, 200} {
		b.Run(fmt.Sprintf("n=1000/P=%d", P), func(b *testing.B) {
			net := lowerFPTAS(b, "examples/knapsack.dp", map[string]int64{"pmax": 1000}, P)
			steps := fptasSteps(b, net, in)
			r, err := compile.NewRunner[float64](net)
			require.NoError(b, err)
			b.ResetTimer()
			for b.Loop() {
				states, err := r.Run(steps)
				require.NoError(b, err)
				if len(states) != len(steps)+1 {
					b.Fatalf("got %d states", len(states))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(steps)), "ns/step")
			b.ReportMetric(float64(net.Cell.Stats().Size), "neurons")
		})
	}
}

// BenchmarkFPTASBatch runs 8 instances of n = 1000 items together
// (RunBatch, one batch row each: the evaluator's 8 register lanes), as
// "dp2nn study fptas" does; compare ns/instance with BenchmarkFPTASInstance.
func BenchmarkFPTASBatch(b *testing.B) {
	const batch = 8
	var instances [][][]float64
	for _, P := range []int{50, 100, 200} {
		b.Run(fmt.Sprintf("n=1000/P=%d/batch=%d", P, batch), func(b *testing.B) {
			net := lowerFPTAS(b, "examples/knapsack.dp", map[string]int64{"pmax": 1000}, P)
			instances = instances[:0]
			for k := range batch {
				in := knapsack.Generate(knapsack.Spec{Family: knapsack.Uncorrelated, N: 1000, R: 1000, Fraction: 0.5}, uint64(1+k))
				if in.Fitting().Len() != 1000 {
					b.Fatalf("instance %d has an item heavier than the capacity", k)
				}
				instances = append(instances, fptasSteps(b, net, in))
			}
			r, err := compile.NewRunner[float64](net)
			require.NoError(b, err)
			b.ResetTimer()
			for b.Loop() {
				final, err := r.RunBatch(instances)
				require.NoError(b, err)
				if len(final) != batch {
					b.Fatalf("got %d final states", len(final))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/batch, "ns/instance")
		})
	}
}
