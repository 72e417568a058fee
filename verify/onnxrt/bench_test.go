package onnxrt_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify/onnxrt"
)

// benchCase is a random sparse graph of 5,000 hidden neurons (10 layers of
// 500, fan-in up to 4 plus skip connections, about 13,000 nonzeros) whose
// dense layout (13.8M parameters) is still allowed, so both layouts run.
func benchCase() exporttest.Case {
	g := exporttest.RandomGraph(rand.New(rand.NewPCG(8, 8)), exporttest.RandomOptions{
		Inputs: []int{100}, Outputs: []int{50}, Layers: 10, Width: 500, FanIn: 4, Skip: 0.1, Weights: 2,
	})
	return exporttest.Case{Name: "bench", Graph: g, Integer: true,
		Sample: func(rng *rand.Rand, _ string, _ int) float64 { return float64(rng.IntN(17) - 8) }}
}

// BenchmarkThroughput compares, in one run, instances per second of
// relu's Go evaluator and of ONNX Runtime (dense and structured layouts,
// float32, default threads) on the same graph at batch 1 and 256.
func BenchmarkThroughput(b *testing.B) {
	c := benchCase()
	g := c.Graph
	for _, batch := range []int{1, 256} {
		opt := export.Options{}
		in := c.Inputs(rand.New(rand.NewPCG(1, 1)), opt, batch, 0)
		rows := make([]float32, 0, batch*g.NumInputs)
		for r := range batch {
			for _, blk := range g.Inputs {
				for _, x := range in[blk.Name].Data[r*blk.Len : (r+1)*blk.Len] {
					rows = append(rows, float32(x))
				}
			}
		}
		b.Run(fmt.Sprintf("go-eval/batch=%d", batch), func(b *testing.B) {
			e, err := relu.NewEvaluator[float32](g)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]float32, batch*g.NumOutputs())
			for b.Loop() {
				if err := e.Run(rows, out, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
		})
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			b.Run(fmt.Sprintf("ort-%v/batch=%d", layout, batch), func(b *testing.B) {
				requireORT(b)
				model, err := export.Marshal(g, export.Options{Layout: layout})
				if err != nil {
					b.Fatal(err)
				}
				s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				bound, err := s.Bind(in)
				if err != nil {
					b.Fatal(err)
				}
				defer bound.Close()
				for b.Loop() {
					if err := bound.Run(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
				b.ReportMetric(float64(len(model)), "file-bytes")
			})
		}
	}
}
