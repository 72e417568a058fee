package export_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/relu"
)

var (
	largeOnce  sync.Once
	largeGraph *relu.Graph
)

// large is a random sparse graph of 500,000 hidden neurons: 50 layers of
// 10,000, up to 3 terms from the layer below plus a skip connection with
// probability 0.2 (about 1.1 million nonzeros).
func large() *relu.Graph {
	largeOnce.Do(func() {
		largeGraph = exporttest.RandomGraph(rand.New(rand.NewPCG(42, 42)), exporttest.RandomOptions{
			Inputs: []int{1000}, Outputs: []int{1000}, Layers: 50, Width: 10000, FanIn: 3, Skip: 0.2, Weights: 2,
		})
	})
	return largeGraph
}

// BenchmarkWriteStructured exports the large graph in the structured
// layout and reports the file size; the dense layout would need the
// reported number of parameters.
func BenchmarkWriteStructured(b *testing.B) {
	g := large()
	for _, form := range []export.Form{export.Cell} {
		b.Run(form.String(), func(b *testing.B) {
			var n int
			for b.Loop() {
				data, err := export.Marshal(g, export.Options{Layout: export.Structured, Form: form})
				if err != nil {
					b.Fatal(err)
				}
				n = len(data)
			}
			_, dense := export.ResolveLayout(g, export.Dense)
			b.ReportMetric(float64(n), "file-bytes")
			b.ReportMetric(float64(n)/float64(len(g.W)), "bytes/nonzero")
			b.ReportMetric(float64(g.NumNeurons()), "neurons")
			b.ReportMetric(float64(len(g.W)), "nonzeros")
			b.ReportMetric(float64(dense), "dense-params")
		})
	}
}

// BenchmarkWriteFile includes the temporary file, fsync and rename.
func BenchmarkWriteFileStructured(b *testing.B) {
	g := large()
	path := b.TempDir() + "/large.onnx"
	for b.Loop() {
		if err := export.WriteFile(path, g, export.Options{Layout: export.Structured}); err != nil {
			b.Fatal(err)
		}
	}
}
