package smoothonnx_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/smooth"
)

// benchPrograms are the benchmark's instances: those of smooth's
// BenchmarkGraphForwardMarginals (LCS and edit distance of two random
// length-1000 strings over 4 symbols, the other programs at a size where
// a Go run takes milliseconds; random instances of their own), and LCS
// 200 × 200, the largest the unrolled form opens in seconds. unrolled
// says whether the unrolled form is run too.
var benchPrograms = []struct {
	name     string
	p        program
	unrolled bool
}{
	{"lcs/200x200", program{"../../examples/lcs.dp", map[string]int64{"m": 200, "n": 200, "a": 4}, 0}, true},
	{"lcs/1000x1000", program{"../../examples/lcs.dp", map[string]int64{"m": 1000, "n": 1000, "a": 4}, 0}, false},
	{"editdistance/1000x1000", program{"../../testdata/programs/editdistance.dp", map[string]int64{"m": 1000, "n": 1000, "a": 4}, 0}, false},
	{"bellmanford/n=100", program{"../../examples/bellmanford.dp", map[string]int64{"n": 100, "cmax": 10}, 0}, true},
	{"apsp/n=30", program{"../../examples/apsp.dp", map[string]int64{"n": 30, "cmax": 10}, 0}, true},
	{"heldkarp/n=12", program{"../../examples/heldkarp.dp", map[string]int64{"n": 12, "cmax": 100}, 0}, true},
	{"csp/n=20", program{"../../examples/csp.dp", map[string]int64{"n": 20, "t": 20, "lmax": 4, "rmax": 10}, 0}, true},
	{"knapsack_value/1000x1000", program{"../../examples/knapsack_value.dp", map[string]int64{"C": 1000}, 1000}, false},
}

// cells is the number of state cells the graph evaluates: the nodes that
// carry a cell bias (the answer's own nodes excluded).
func cells(g *smooth.Graph) int {
	n := 0
	for _, b := range g.Params {
		if b.Kind == smooth.CellParam {
			n += b.Len
		}
	}
	if g.Mode == smooth.Layered {
		n *= g.Layers
	}
	return n
}

// BenchmarkForwardMarginals is the value and the marginals of one
// instance (batch 1), single-threaded, in Go (smooth.GraphRun) and in ONNX
// Runtime (the exported float64 model, one intra-op thread): ns/cell
// divides by the state cells (times the layers of a layered graph);
// cpu-ns/cell is the process CPU time (ONNX Runtime's thread included),
// which a loaded machine inflates less than wall time.
func BenchmarkForwardMarginals(b *testing.B) {
	requireORT(b)
	rng := rand.New(rand.NewPCG(18, 16))
	for _, e := range benchPrograms {
		g := e.p.graph(b, rng)
		n := float64(cells(g))
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
			b.Run(fmt.Sprintf("%s/%v/go", e.name, reg), func(b *testing.B) {
				r := new(smooth.GraphRun)
				y := make([]float64, len(g.Theta))
				runtime.GC() // the garbage of building the graphs is not this loop's CPU time
				cpu0 := processCPU()
				for b.Loop() {
					require.NoError(b, g.ForwardInto(r, reg, 1, nil))
					_, err := r.MarginalsInto(y, nil)
					require.NoError(b, err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/cell")
				b.ReportMetric((processCPU()-cpu0)/float64(b.N)/n, "cpu-ns/cell")
			})
			for _, form := range []smoothonnx.Form{smoothonnx.Loop, smoothonnx.Unrolled} {
				if form == smoothonnx.Unrolled && !e.unrolled {
					continue
				}
				b.Run(fmt.Sprintf("%s/%v/ort-%v", e.name, reg, form), func(b *testing.B) {
					benchORT(b, g, reg, form, n)
				})
			}
		}
	}
}

// benchORT runs the float64 model of g in form in ONNX Runtime (one
// intra-op thread, batch 1, the instance's θ, seed 1).
func benchORT(b *testing.B, g *smooth.Graph, reg smooth.Reg, form smoothonnx.Form, n float64) {
	model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: 1, DType: smoothonnx.Float64, Form: form})
	require.NoError(b, err)
	s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
	require.NoError(b, err)
	defer s.Close()
	seed := make([]float64, len(g.Outputs))
	for i := range seed {
		seed[i] = 1
	}
	bound, err := s.Bind(map[string]export.Tensor{
		"theta": export.NewTensor(g.Theta, 1, len(g.Theta)),
		"seed":  export.NewTensor(seed, 1, len(seed)),
	})
	require.NoError(b, err)
	defer bound.Close()
	runtime.GC() // the garbage of building the graphs is not this loop's CPU time
	cpu0 := processCPU()
	for b.Loop() {
		require.NoError(b, bound.Run())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/cell")
	b.ReportMetric((processCPU()-cpu0)/float64(b.N)/n, "cpu-ns/cell")
	b.ReportMetric(float64(len(model))/(1<<20), "model-MiB")
}

// BenchmarkOpen is the export (Marshal) and ONNX Runtime's session
// creation of the float64 Shannon model of every benchmark program in the
// loop form, and in the unrolled form where BenchmarkForwardMarginals
// runs it (and LCS 100 × 100): the unrolled form's session creation grows
// with the levels (2L − 1 for LCS L × L) times their operators. open-s is
// the session creation alone, model-MiB the model's size.
func BenchmarkOpen(b *testing.B) {
	requireORT(b)
	rng := rand.New(rand.NewPCG(18, 17))
	open := func(b *testing.B, g *smooth.Graph, form smoothonnx.Form) {
		var opened time.Duration
		var size int
		for b.Loop() {
			model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: smooth.Shannon, Gamma: 1, DType: smoothonnx.Float64, Form: form})
			require.NoError(b, err)
			t0 := time.Now()
			s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
			require.NoError(b, err)
			opened += time.Since(t0)
			require.NoError(b, s.Close())
			size = len(model)
		}
		b.ReportMetric(opened.Seconds()/float64(b.N), "open-s")
		b.ReportMetric(float64(size)/(1<<20), "model-MiB")
	}
	for _, e := range benchPrograms {
		g := e.p.graph(b, rng)
		b.Run(e.name+"/loop", func(b *testing.B) { open(b, g, smoothonnx.Loop) })
		if e.unrolled {
			b.Run(e.name+"/unrolled", func(b *testing.B) { open(b, g, smoothonnx.Unrolled) })
		}
	}
	g := program{"../../examples/lcs.dp", map[string]int64{"m": 100, "n": 100, "a": 4}, 0}.graph(b, rng)
	b.Run("lcs/100x100/unrolled", func(b *testing.B) { open(b, g, smoothonnx.Unrolled) })
}

// BenchmarkBatch is the loop form of LCS 200 × 200 (Shannon, float64, one
// intra-op thread) at batch N: the operators' fixed cost per level is
// shared by the N rows, so the CPU time per cell and row falls with N.
func BenchmarkBatch(b *testing.B) {
	requireORT(b)
	rng := rand.New(rand.NewPCG(18, 22))
	g := benchPrograms[0].p.graph(b, rng)
	n := float64(cells(g))
	model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: smooth.Shannon, Gamma: 1, DType: smoothonnx.Float64, Form: smoothonnx.Loop})
	require.NoError(b, err)
	for _, rows := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("lcs/200x200/N=%d", rows), func(b *testing.B) {
			s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
			require.NoError(b, err)
			defer s.Close()
			theta, seed := batch(g, rng, rows)
			bound, err := s.Bind(map[string]export.Tensor{
				"theta": export.NewTensor(theta, rows, len(g.Theta)),
				"seed":  export.NewTensor(seed, rows, len(g.Outputs)),
			})
			require.NoError(b, err)
			defer bound.Close()
			runtime.GC()
			cpu0 := processCPU()
			for b.Loop() {
				require.NoError(b, bound.Run())
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/float64(rows), "ns/cell/row")
			b.ReportMetric((processCPU()-cpu0)/float64(b.N)/n/float64(rows), "cpu-ns/cell/row")
		})
	}
}
