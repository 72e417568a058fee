package onnxrt_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
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

// knapsackCell compiles examples/knapsack.dp with the given pmax.
func knapsackCell(b *testing.B, pmax int64) *relu.Graph {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	if err != nil {
		b.Fatal(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": pmax})
	if err != nil {
		b.Fatal(err)
	}
	net, err := compile.Lower(m, compile.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return net.Cell
}

// BenchmarkThroughput compares, in one run, instances per second of
// relu's Go evaluator and of ONNX Runtime (dense and structured layouts,
// float32, one and two intra-op threads) on the same graph at batch 1 and
// 256: the random graph of benchCase and one step of the compiled
// knapsack cell with pmax = 100 (5,250 hidden neurons, 20,400 weights) and
// pmax = 500 (125,750 hidden neurons, 500,500 weights; structured only).
// The Go evaluator spreads batches above 2^20 multiply-adds over
// GOMAXPROCS goroutines.
func BenchmarkThroughput(b *testing.B) {
	c := benchCase()
	graphs := []struct {
		name string
		g    func(b *testing.B) *relu.Graph
	}{
		{"random", func(*testing.B) *relu.Graph { return c.Graph }},
		{"knapsack100", func(b *testing.B) *relu.Graph { return knapsackCell(b, 100) }},
		{"knapsack500", func(b *testing.B) *relu.Graph { return knapsackCell(b, 500) }},
	}
	for _, gr := range graphs {
		var g *relu.Graph
		for _, batch := range []int{1, 256} {
			rng := rand.New(rand.NewPCG(1, 1))
			var in map[string]export.Tensor
			var rows []float32
			setup := func(b *testing.B) {
				if g == nil {
					g = gr.g(b)
				}
				in = map[string]export.Tensor{}
				rows = make([]float32, batch*g.NumInputs)
				for _, blk := range g.Inputs {
					d := make([]float64, batch*blk.Len)
					for i := range d {
						d[i] = float64(1 + rng.IntN(8)) // valid for both graphs: knapsack profits 1..8, sizes and states in range
						if blk.Name == "size" {
							d[i] /= 8
						}
					}
					in[blk.Name] = export.NewTensor(d, batch, blk.Len)
					for r := range batch {
						for i := range blk.Len {
							rows[r*g.NumInputs+blk.Start+i] = float32(d[r*blk.Len+i])
						}
					}
				}
			}
			b.Run(fmt.Sprintf("%s/go-eval/batch=%d", gr.name, batch), func(b *testing.B) {
				setup(b)
				e, err := relu.NewEvaluator[float32](g)
				if err != nil {
					b.Fatal(err)
				}
				out := make([]float32, batch*g.NumOutputs())
				if err := e.Run(rows, out, batch); err != nil { // warm-up, as ORT's
					b.Fatal(err)
				}
				cpu0 := processCPU()
				for b.Loop() {
					if err := e.Run(rows, out, batch); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
				b.ReportMetric((processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			})
			for _, layout := range []export.Layout{export.Dense, export.Structured} {
				for _, threads := range []int{1, 2} {
					b.Run(fmt.Sprintf("%s/ort-%v/threads=%d/batch=%d", gr.name, layout, threads, batch), func(b *testing.B) {
						requireORT(b)
						setup(b)
						if _, n := export.ResolveLayout(g, layout); layout == export.Dense && n > 1<<26 {
							// pmax = 500: 250M parameters, a 1 GB file, 7 s per run.
							b.Skipf("dense layout of %d parameters left out", n)
						}
						model, err := export.Marshal(g, export.Options{Layout: layout})
						if err != nil {
							b.Fatal(err)
						}
						runSessionThreads(b, model, in, batch, threads)
					})
				}
				if batch > 1 {
					// One single-threaded session per core, each on its
					// share of the batch, as the Go evaluator spreads its
					// tiles over the cores.
					b.Run(fmt.Sprintf("%s/ort-%v/sessions=2/batch=%d", gr.name, layout, batch), func(b *testing.B) {
						requireORT(b)
						setup(b)
						if _, n := export.ResolveLayout(g, layout); layout == export.Dense && n > 1<<26 {
							b.Skipf("dense layout of %d parameters left out", n)
						}
						model, err := export.Marshal(g, export.Options{Layout: layout})
						if err != nil {
							b.Fatal(err)
						}
						runSessionsParallel(b, model, in, batch, 2)
					})
				}
			}
		}
	}
}

// BenchmarkExportKnapsack exports the compiled knapsack cell with pmax =
// 1000 (about 500,000 hidden neurons and 2 million weights; the dense
// layout would need about 10^9 parameters) in the structured layout, and
// reports the file size.
func BenchmarkExportKnapsack(b *testing.B) {
	g := knapsackCell(b, 1000)
	var n int
	for b.Loop() {
		data, err := export.Marshal(g, export.Options{Layout: export.Structured})
		if err != nil {
			b.Fatal(err)
		}
		n = len(data)
	}
	_, dense := export.ResolveLayout(g, export.Dense)
	st := g.Stats()
	b.ReportMetric(float64(n), "file-bytes")
	b.ReportMetric(float64(n)/float64(st.Weights), "bytes/weight")
	b.ReportMetric(float64(st.Size), "hidden-neurons")
	b.ReportMetric(float64(st.Weights), "weights")
	b.ReportMetric(float64(dense), "dense-params")
}

// BenchmarkDataForms compares, in one run, instances per second of the
// forms of programs with data at their default parameters in ONNX Runtime
// (structured layout, float32, one intra-op thread, batch 256): the Loop
// form, the Unrolled form (Steps copies of the cell) and the settled
// Unrolled form (each unit computed up to the step it settles at), beside
// relu's Go evaluator on the settled graph (compile.Network.Unrolled).
// Random instances come from problems.DataCases()' generators.
func BenchmarkDataForms(b *testing.B) {
	const batch = 256
	for _, name := range []string{"lcs", "apsp", "csp"} {
		program := "examples/" + name + ".dp"
		var net *compile.Network
		var in map[string]export.Tensor
		var rows []float32
		var flat *relu.Graph
		setup := func(b *testing.B) {
			if net != nil {
				return
			}
			f, err := repo.ReadProgram(program)
			if err != nil {
				b.Fatal(err)
			}
			m, err := dsl.Check(f, nil)
			if err != nil {
				b.Fatal(err)
			}
			if net, err = compile.Lower(m, compile.Options{}); err != nil {
				b.Fatal(err)
			}
			if flat, err = net.Unrolled(m.Steps); err != nil {
				b.Fatal(err)
			}
			var p *problems.DataCase
			for i := range problems.DataCases() {
				if problems.DataCases()[i].Program == program {
					p = &problems.DataCases()[i]
					break
				}
			}
			rng := instance.NewRand(1)
			in = map[string]export.Tensor{}
			rows = make([]float32, 0, batch*flat.NumInputs)
			fed := make([][][]float64, batch)
			for r := range batch {
				data := p.Random(rng, m)
				if fed[r], err = net.Feed(data); err != nil {
					b.Fatal(err)
				}
				for _, d := range fed[r] {
					for _, x := range d {
						rows = append(rows, float32(x))
					}
				}
			}
			for k, d := range net.Data {
				t := export.Tensor{Shape: []int{batch, len(fed[0][k])}}
				for r := range batch {
					t.Data = append(t.Data, fed[r][k]...)
				}
				in[d] = t
			}
		}
		b.Run(name+"/go-eval-settled", func(b *testing.B) {
			setup(b)
			e, err := relu.NewEvaluator[float32](flat)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]float32, batch*flat.NumOutputs())
			for b.Loop() {
				if err := e.Run(rows, out, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
		})
		for _, form := range []string{"loop", "unrolled", "settled"} {
			b.Run(name+"/ort-"+form, func(b *testing.B) {
				requireORT(b)
				setup(b)
				opt := export.Options{Form: export.Unrolled, Layout: export.Structured, Steps: net.Model.Steps,
					State: net.State, Init: net.Init, Data: net.Data}
				switch form {
				case "loop":
					opt.Form = export.Loop
				case "settled":
					st, err := net.Settled()
					if err != nil {
						b.Fatal(err)
					}
					opt.Settled = st
				}
				model, err := export.Marshal(net.Cell, opt)
				if err != nil {
					b.Fatal(err)
				}
				runSession(b, model, in, batch)
			})
		}
	}
}

// runSession times ONNX Runtime on model with the inputs bound once and
// reports instances per second and the model's size.
func runSession(b *testing.B, model []byte, in map[string]export.Tensor, batch int) float64 {
	b.Helper()
	return runSessionThreads(b, model, in, batch, 1)
}

// runSessionThreads is runSession with the given number of intra-op
// threads. It returns the process CPU time per op in ns (all threads).
func runSessionThreads(b *testing.B, model []byte, in map[string]export.Tensor, batch, threads int) float64 {
	b.Helper()
	s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: threads})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	bound, err := s.Bind(in) // one run
	if err != nil {
		b.Fatal(err)
	}
	defer bound.Close()
	first := time.Since(start)
	// ONNX Runtime grows its memory arena over the first runs (the knapsack
	// cell with pmax = 500 at batch 256: 15–20 s for each of the first two
	// runs, 0.6 s after), so two more runs go before the timed ones; the
	// first run is reported apart.
	for range 2 {
		if err := bound.Run(); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := processCPU()
	for b.Loop() {
		if err := bound.Run(); err != nil {
			b.Fatal(err)
		}
	}
	cpu := (processCPU() - cpu0) / float64(b.N)
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
	b.ReportMetric(float64(len(model)), "file-bytes")
	b.ReportMetric(first.Seconds(), "first-run-s")
	b.ReportMetric(cpu, "cpu-ns/op")
	return cpu
}

// smoothLoopCase is the instance of smooth's benchmarks (n = 1000 items,
// weights uniform in 1..10, capacity C = 1000, standard normal scores,
// γ = 1) as the loop form of examples/knapsack_value.dp.
func smoothLoopCase(b *testing.B, reg relu.Activation) (*relu.Recurrence, *smooth.Problem, func(rng *rand.Rand) []float64) {
	const n, C = 1000, 1000
	rng := rand.New(rand.NewPCG(10, 10))
	w := make([]int, n)
	wf := make([]float64, n)
	for i := range w {
		w[i] = 1 + rng.IntN(10)
		wf[i] = float64(w[i])
	}
	f, err := repo.ReadProgram("examples/knapsack_value.dp")
	if err != nil {
		b.Fatal(err)
	}
	m, err := dsl.Check(f, map[string]int64{"C": C})
	if err != nil {
		b.Fatal(err)
	}
	rec, err := compile.LowerRecurrence(m, compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 1, Steps: n, Fixed: map[string][]float64{"weight": wf}})
	if err != nil {
		b.Fatal(err)
	}
	draw := func(rng *rand.Rand) []float64 {
		th := make([]float64, n)
		for i := range th {
			th[i] = rng.NormFloat64()
		}
		return th
	}
	return rec, smooth.NewKnapsack(w, C), draw
}

// BenchmarkSmoothLoop compares, in one run, ns per DP cell (value and
// marginals, n·(C+1) cells per score vector) of package smooth's Go
// kernels (Forward + Marginals, one thread) and of the loop form of the
// same knapsack layer in ONNX Runtime (one intra-op thread; float32 and
// float64 models, whose arithmetic is float64 alike; batch 1 and 16), n =
// C = 1000, for each regulariser. It also reports the model's size.
func BenchmarkSmoothLoop(b *testing.B) {
	for _, reg := range []relu.Activation{relu.Gini, relu.Shannon, relu.Tsallis} {
		var rec *relu.Recurrence
		var p *smooth.Problem
		var draw func(*rand.Rand) []float64
		setup := func(b *testing.B) {
			if rec == nil {
				rec, p, draw = smoothLoopCase(b, reg)
			}
		}
		cells := func(b *testing.B, batch int) float64 {
			return float64(b.Elapsed().Nanoseconds()) / (float64(b.N) * float64(batch) * float64(rec.Steps*rec.Len))
		}
		b.Run(fmt.Sprintf("%v/go-kernel/batch=1", reg), func(b *testing.B) {
			setup(b)
			sreg, err := smooth.ParseReg(reg.String())
			if err != nil {
				b.Fatal(err)
			}
			theta := draw(rand.New(rand.NewPCG(1, 1)))
			t := new(smooth.Tables)
			y := make([]float64, p.N())
			cpu0 := processCPU()
			for b.Loop() {
				if err := p.ForwardInto(t, sreg, 1, theta); err != nil {
					b.Fatal(err)
				}
				_ = t.MarginalsInto(y)
			}
			b.ReportMetric(cells(b, 1), "ns/cell")
			b.ReportMetric((processCPU()-cpu0)/(float64(b.N)*float64(rec.Steps*rec.Len)), "cpu-ns/cell")
		})
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			for _, batch := range []int{1, 16} {
				b.Run(fmt.Sprintf("%v/ort-%v/batch=%d", reg, dt, batch), func(b *testing.B) {
					requireORT(b)
					setup(b)
					model, err := export.MarshalRecurrence(rec, export.RecurrenceOptions{DType: dt})
					if err != nil {
						b.Fatal(err)
					}
					rng := rand.New(rand.NewPCG(1, 1))
					var th []float64
					for range batch {
						th = append(th, draw(rng)...)
					}
					cpu := runSession(b, model, map[string]export.Tensor{"theta": export.NewTensor(th, batch, rec.Steps)}, batch)
					b.ReportMetric(cells(b, batch), "ns/cell")
					b.ReportMetric(cpu/float64(batch*rec.Steps*rec.Len), "cpu-ns/cell")
				})
			}
		}
	}
}

// BenchmarkSmoothLoopOpen times writing the loop model of the n = C =
// 1000 knapsack layer (float32) and creating an ONNX Runtime session for
// it, and reports the file's size.
func BenchmarkSmoothLoopOpen(b *testing.B) {
	rec, _, _ := smoothLoopCase(b, relu.Gini)
	var model []byte
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			var err error
			if model, err = export.MarshalRecurrence(rec, export.RecurrenceOptions{DType: export.Float32}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(model)), "file-bytes")
	})
	b.Run("ort-session", func(b *testing.B) {
		requireORT(b)
		for b.Loop() {
			s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}

// BenchmarkThroughputFloat64 is BenchmarkThroughput's knapsack cell with
// pmax = 100 at batch 256 in float64 beside float32: relu's Go evaluator
// and ONNX Runtime (dense and structured layouts, one intra-op thread).
func BenchmarkThroughputFloat64(b *testing.B) {
	const batch = 256
	g := knapsackCell(b, 100)
	rng := rand.New(rand.NewPCG(1, 1))
	in := map[string]export.Tensor{}
	rows := make([]float64, batch*g.NumInputs)
	for _, blk := range g.Inputs {
		d := make([]float64, batch*blk.Len)
		for i := range d {
			d[i] = float64(1 + rng.IntN(8))
			if blk.Name == "size" {
				d[i] /= 8
			}
		}
		in[blk.Name] = export.NewTensor(d, batch, blk.Len)
		for r := range batch {
			for i := range blk.Len {
				rows[r*g.NumInputs+blk.Start+i] = d[r*blk.Len+i]
			}
		}
	}
	for _, dt := range []export.DType{export.Float32, export.Float64} {
		b.Run(fmt.Sprintf("go-eval/%v", dt), func(b *testing.B) {
			run := evalRunner[float32](b, g, rows, batch)
			if dt == export.Float64 {
				run = evalRunner[float64](b, g, rows, batch)
			}
			run() // warm-up, as ORT's
			cpu0 := processCPU()
			for b.Loop() {
				run()
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
			b.ReportMetric((processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			b.Run(fmt.Sprintf("ort-%v/%v", layout, dt), func(b *testing.B) {
				requireORT(b)
				model, err := export.Marshal(g, export.Options{Layout: layout, DType: dt})
				if err != nil {
					b.Fatal(err)
				}
				runSession(b, model, in, batch)
			})
		}
	}
}

// evalRunner returns one batched run of relu's evaluator in type T.
func evalRunner[T relu.Float](b *testing.B, g *relu.Graph, rows []float64, batch int) func() {
	e, err := relu.NewEvaluator[T](g)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]T, len(rows))
	for i, v := range rows {
		x[i] = T(v)
	}
	out := make([]T, batch*g.NumOutputs())
	return func() {
		if err := e.Run(x, out, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// runSessionsParallel times k single-threaded ONNX Runtime sessions of
// model run at once from k goroutines, session i on rows [i·batch/k,
// (i+1)·batch/k) of every input ([batch, …]); one op is one run of all.
func runSessionsParallel(b *testing.B, model []byte, in map[string]export.Tensor, batch, k int) {
	b.Helper()
	bound := make([]*onnxrt.Bound, k)
	for i := range k {
		s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		lo, hi := i*batch/k, (i+1)*batch/k
		part := map[string]export.Tensor{}
		for name, t := range in {
			row := len(t.Data) / batch
			shape := append([]int{hi - lo}, t.Shape[1:]...)
			part[name] = export.NewTensor(t.Data[lo*row:hi*row], shape...)
		}
		if bound[i], err = s.Bind(part); err != nil {
			b.Fatal(err)
		}
		defer bound[i].Close()
	}
	runAll := func() {
		var wg sync.WaitGroup
		errs := make([]error, k)
		for i := range k {
			wg.Go(func() { errs[i] = bound[i].Run() })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	for range 2 { // warm-up, as in runSessionThreads
		runAll()
	}
	cpu0 := processCPU()
	for b.Loop() {
		runAll()
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "instances/s")
	b.ReportMetric((processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}
