package smooth

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchProblem is the benchmark instance: n = 1000 items with weights in
// 1..10 and capacity C = 1000, so almost every one of the n·(C+1) cells
// has two options. Scores are standard normal.
func benchProblem() (*Problem, func(rng *rand.Rand) []float64) {
	const n, C = 1000, 1000
	rng := rand.New(rand.NewPCG(10, 10))
	w := make([]int, n)
	for i := range w {
		w[i] = 1 + rng.IntN(10)
	}
	return NewKnapsack(w, C), func(rng *rand.Rand) []float64 { return scores(n, rng.NormFloat64) }
}

// reportCells reports wall ns per DP cell for the whole run (cell = one
// (i, c) of one batch row), wall ns per cell per pass (passes: forward,
// backward, or the VJP's two sweeps), and the process CPU ns per cell since
// cpu0 (all threads: equal to wall time single-threaded on an idle core,
// and the work a parallel batch spends on all cores together).
func reportCells(b *testing.B, p *Problem, batch, passes int, cpu0 float64) {
	cells := float64(p.N()*(p.Capacity+1)) * float64(batch) * float64(b.N)
	ns := float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(ns/cells, "ns/cell")
	b.ReportMetric(ns/cells/float64(passes), "ns/cell/pass")
	b.ReportMetric((processCPU()-cpu0)/cells, "cpu-ns/cell")
}

// BenchmarkForwardBackward is value and y (Forward + Marginals) for one
// score vector, single-threaded, and for a batch of 64 run in parallel.
func BenchmarkForwardBackward(b *testing.B) {
	p, draw := benchProblem()
	rng := rand.New(rand.NewPCG(11, 11))
	for _, reg := range regs {
		b.Run(fmt.Sprintf("%v/batch1", reg), func(b *testing.B) {
			theta := draw(rng)
			t := new(Tables)
			y := make([]float64, p.N())
			cpu0 := processCPU()
			for b.Loop() {
				if err := p.ForwardInto(t, reg, 1, theta); err != nil {
					b.Fatal(err)
				}
				_ = t.MarginalsInto(y)
			}
			reportCells(b, p, 1, 2, cpu0)
		})
		b.Run(fmt.Sprintf("%v/batch64", reg), func(b *testing.B) {
			theta := make([][]float64, 64)
			for i := range theta {
				theta[i] = draw(rng)
			}
			values, y, err := p.MarginalsBatch(reg, 1, theta, nil, nil) // warm the pool
			if err != nil {
				b.Fatal(err)
			}
			cpu0 := processCPU()
			for b.Loop() {
				if _, _, err := p.MarginalsBatch(reg, 1, theta, values, y); err != nil {
					b.Fatal(err)
				}
			}
			reportCells(b, p, 64, 2, cpu0)
		})
	}
}

// BenchmarkPasses times each pass alone, single-threaded.
func BenchmarkPasses(b *testing.B) {
	p, draw := benchProblem()
	rng := rand.New(rand.NewPCG(12, 12))
	for _, reg := range regs {
		theta, z := draw(rng), draw(rng)
		t := new(Tables)
		if err := p.ForwardInto(t, reg, 1, theta); err != nil {
			b.Fatal(err)
		}
		y := make([]float64, p.N())
		b.Run(fmt.Sprintf("%v/forward", reg), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				if err := p.ForwardInto(t, reg, 1, theta); err != nil {
					b.Fatal(err)
				}
			}
			reportCells(b, p, 1, 1, cpu0)
		})
		b.Run(fmt.Sprintf("%v/backward", reg), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				_ = t.MarginalsInto(y)
			}
			reportCells(b, p, 1, 1, cpu0)
		})
		b.Run(fmt.Sprintf("%v/vjp", reg), func(b *testing.B) {
			// Tangent forward + tangent backward: two passes.
			cpu0 := processCPU()
			for b.Loop() {
				if err := t.VJPInto(y, z); err != nil {
					b.Fatal(err)
				}
			}
			reportCells(b, p, 1, 2, cpu0)
		})
	}
}

// BenchmarkShannonLogDomain is the Shannon forward pass without the scaled
// form (an exp and a log1p per cell), for the ratio against
// BenchmarkPasses/shannon/forward in the same run.
func BenchmarkShannonLogDomain(b *testing.B) {
	p, draw := benchProblem()
	theta := draw(rand.New(rand.NewPCG(13, 13)))
	t := new(Tables)
	t.reset(p, Shannon, 1, theta)
	t.scaled = false
	cpu0 := processCPU()
	for b.Loop() {
		t.forward()
	}
	reportCells(b, p, 1, 1, cpu0)
}
