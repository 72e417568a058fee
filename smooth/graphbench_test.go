package smooth

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// benchGraphs are the graphs of the benchmarks: LCS and edit distance of
// two random length-L strings over 4 symbols, and one instance of every
// other example program at a size where a run takes milliseconds.
func benchGraphs(b *testing.B) []struct {
	name  string
	g     *Graph
	cells int
} {
	rng := rand.New(rand.NewPCG(12, 12))
	type entry = struct {
		name  string
		g     *Graph
		cells int
	}
	var out []entry
	add := func(name, path string, params map[string]int64, data, steps [][]float64) {
		m := testprog.File(b, path, params)
		g, err := NewGraph(m, data, steps, GraphLimits{})
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		for _, s := range m.States {
			cells += s.Cells()
		}
		if g.Mode == Layered {
			cells *= g.Layers
		}
		out = append(out, entry{name, g, cells})
	}
	const L = 1000
	add("lcs/1000x1000", "../examples/lcs.dp", map[string]int64{"m": L, "n": L, "a": 4}, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil)
	add("editdistance/1000x1000", "../testdata/programs/editdistance.dp", map[string]int64{"m": L, "n": L, "a": 4}, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil)
	add("bellmanford/n=100", "../examples/bellmanford.dp", map[string]int64{"n": 100, "cmax": 10}, [][]float64{randArcs(rng, 100, 0, 10, 0.5, true)}, nil)
	add("apsp/n=30", "../examples/apsp.dp", map[string]int64{"n": 30, "cmax": 10}, [][]float64{randArcs(rng, 30, 0, 10, 0.5, false)}, nil)
	add("heldkarp/n=12", "../examples/heldkarp.dp", map[string]int64{"n": 12, "cmax": 100}, [][]float64{randArcs(rng, 12, 0, 100, 0, false)}, nil)
	n, lmax := 20, 4
	length := make([]float64, n*n)
	for i := range length {
		length[i] = float64(1 + rng.IntN(lmax))
	}
	add("csp/n=20", "../examples/csp.dp", map[string]int64{"n": int64(n), "t": int64(n), "lmax": int64(lmax), "rmax": 10},
		[][]float64{length, randArcs(rng, n, 0, 10, 0.5, true), {50}}, nil)
	steps := make([][]float64, 1000)
	for i := range steps {
		steps[i] = []float64{float64(1 + rng.IntN(10)), rng.NormFloat64()}
	}
	add("knapsack_value/1000x1000", "../examples/knapsack_value.dp", map[string]int64{"C": 1000}, nil, steps)
	return out
}

// BenchmarkGraphForwardMarginals is the value and the marginals (one
// forward and one reverse sweep) single-threaded; ns/cell divides by the
// state cells (times the layers of a layered graph), ns/option by the
// options of all smoothed maxima; cpu-ns/cell is the process CPU time
// (on a loaded machine wall time also counts the waits for a core). The
// loop runs after one warm-up evaluation (warm).
func BenchmarkGraphForwardMarginals(b *testing.B) {
	for _, e := range benchGraphs(b) {
		for _, reg := range regs {
			b.Run(fmt.Sprintf("%s/%v", e.name, reg), func(b *testing.B) {
				r := new(GraphRun)
				y := make([]float64, len(e.g.Theta))
				warm(b, e.g, r, reg, y)
				cpu0 := processCPU()
				for b.Loop() {
					if err := e.g.ForwardInto(r, reg, 1, nil); err != nil {
						b.Fatal(err)
					}
					if _, err := r.MarginalsInto(y, nil); err != nil {
						b.Fatal(err)
					}
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(ns/float64(e.cells), "ns/cell")
				b.ReportMetric(ns/float64(e.g.Options()), "ns/option")
				b.ReportMetric((processCPU()-cpu0)/float64(b.N)/float64(e.cells), "cpu-ns/cell")
			})
		}
	}
}

// warm runs one evaluation before a benchmark's loop, so that the loop
// measures the steady state of a reused GraphRun (ForwardInto's purpose):
// the first evaluation allocates the run's arrays (about 100 bytes a cell)
// and takes their pages' first-touch faults, which -benchtime 5x would
// spread over five evaluations. The garbage of building the graphs is
// collected first: it is not the loop's CPU time either.
func warm(b *testing.B, g *Graph, r *GraphRun, reg Reg, y []float64) {
	if err := g.ForwardInto(r, reg, 1, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := r.MarginalsInto(y, nil); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
}

// BenchmarkGraphBatch is GraphBatch on 64 LCS instances of two length-200
// strings: ns/cell is wall time over all their cells, on every core.
func BenchmarkGraphBatch(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 13))
	const L, batch = 200, 64
	m := testprog.File(b, "../examples/lcs.dp", map[string]int64{"m": L, "n": L, "a": 4})
	gs := make([]*Graph, batch)
	for i := range gs {
		g, err := NewGraph(m, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil, GraphLimits{})
		if err != nil {
			b.Fatal(err)
		}
		gs[i] = g
	}
	for _, reg := range regs {
		b.Run(reg.String(), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				if _, _, err := GraphBatch(gs, reg, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
			cells := float64(L * L * batch * b.N)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/cells, "ns/cell")
			b.ReportMetric((processCPU()-cpu0)/cells, "cpu-ns/cell")
		})
	}
}

// BenchmarkGraphLayout is BenchmarkGraphForwardMarginals on LCS and edit
// distance of two length-1000 strings in the compact layout
// (graphcompact.go) and in the general one, side by side.
func BenchmarkGraphLayout(b *testing.B) {
	rng := rand.New(rand.NewPCG(12, 12))
	const L = 1000
	for _, prog := range []struct{ name, path string }{{"lcs", "../examples/lcs.dp"}, {"editdistance", "../testdata/programs/editdistance.dp"}} {
		m := testprog.File(b, prog.path, map[string]int64{"m": L, "n": L, "a": 4})
		g, err := NewGraph(m, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil, GraphLimits{})
		if err != nil {
			b.Fatal(err)
		}
		if g.compact == nil {
			b.Fatalf("%s is not in the compact layout", prog.name)
		}
		compact := g.compact
		for _, reg := range regs {
			for _, layout := range []string{"compact", "general"} {
				b.Run(fmt.Sprintf("%s/%v/%s", prog.name, reg, layout), func(b *testing.B) {
					g.compact = compact
					if layout == "general" {
						g.compact = nil
					}
					defer func() { g.compact = compact }()
					r := new(GraphRun)
					y := make([]float64, len(g.Theta))
					warm(b, g, r, reg, y)
					cpu0 := processCPU()
					for b.Loop() {
						if err := g.ForwardInto(r, reg, 1, nil); err != nil {
							b.Fatal(err)
						}
						if _, err := r.MarginalsInto(y, nil); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(L*L), "ns/cell")
					b.ReportMetric((processCPU()-cpu0)/float64(b.N)/(L*L), "cpu-ns/cell")
				})
			}
		}
	}
}

// BenchmarkSparse3Kernels is the run kernels of sparsemax and entmax-1.5
// over three options alone on a run of 4096 nodes whose options are
// LCS-like: integers 0..3 apart, γ = 1; ns/node. "run" is the kernel as
// dispatched (AVX2 four nodes at a time where the processor has it),
// "scalar" its scalar form.
func BenchmarkSparse3Kernels(b *testing.B) {
	const n = 4096
	rng := rand.New(rand.NewPCG(5, 5))
	x0, x1, x2 := make([]float64, n), make([]float64, n), make([]float64, n)
	for q := range n {
		base := float64(rng.IntN(100))
		x0[q], x1[q], x2[q] = base+float64(rng.IntN(4)), base+float64(rng.IntN(4)), base+float64(rng.IntN(4))
	}
	v, m, tau, p := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, 3*n)
	for _, k := range kernelPairs {
		for _, form := range []struct {
			name string
			run  kernel3
		}{{"run", k.run}, {"scalar", k.ref}} {
			b.Run(k.reg.String()+"/"+form.name, func(b *testing.B) {
				for b.Loop() {
					form.run(x0, x1, x2, v, m, tau, p, 1, 1)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/node")
			})
		}
	}
}
