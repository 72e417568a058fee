package compile_test

import (
	"testing"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
)

// BenchmarkDataPrograms measures, for the first table row of each data
// program, building the exact network (Lower) and running 256 random
// instances through it in float32 (RunStepsBatch, every step).
func BenchmarkDataPrograms(b *testing.B) {
	seen := map[string]bool{}
	for _, p := range problems.DataCases() {
		if seen[p.Program] {
			continue
		}
		seen[p.Program] = true
		m, err := p.Model()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p.Name+"/lower", func(b *testing.B) {
			for b.Loop() {
				if _, err := compile.Lower(m, compile.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		net, err := compile.Lower(m, compile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rng := instance.NewRand(1)
		datas := make([][][]float64, 256)
		for i := range datas {
			datas[i] = p.Random(rng, m)
		}
		r, err := compile.NewRunner[float32](net)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p.Name+"/run256", func(b *testing.B) {
			for b.Loop() {
				if _, err := r.RunStepsBatch(datas, net.IterationCount()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(256*b.N)/b.Elapsed().Seconds(), "instances/s")
		})
	}
}
