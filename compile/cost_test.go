package compile_test

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/truth"
)

// costCase is one job whose cost is predicted and then measured.
type costCase struct {
	name    string
	program string
	params  map[string]int64
	opt     compile.Options
	form    string
	steps   int // instance length of a program with per-step inputs
	random  func(*rand.Rand, *dsl.Model) [][]float64
}

func (c costCase) model(t testing.TB) *dsl.Model {
	t.Helper()
	f, err := repo.ReadProgram(c.program)
	require.NoError(t, err)
	m, err := dsl.Check(f, c.params)
	require.NoError(t, err)
	return m
}

func (c costCase) estimate(t testing.TB) *compile.Cost {
	t.Helper()
	est, err := compile.Estimate(c.model(t), c.opt, compile.Job{Form: c.form, Steps: c.steps}, compile.Limits{Neurons: -1, Memory: -1})
	require.NoError(t, err)
	return est
}

// stepsOfTable is the instance length of the table's programs with
// per-step inputs.
const stepsOfTable = 4

// tableCostCases are every setting of problems.Table in the cell,
// unrolled and loop forms, the fptas scheme on knapsack (P = 5, 50, 200)
// and on a constrained shortest path, and the smooth scheme on the two
// programs it accepts.
func tableCostCases() []costCase {
	var cs []costCase
	add := func(c costCase, forms ...string) {
		for _, form := range forms {
			c := c
			c.form = form
			c.name = fmt.Sprintf("%s/%s", c.name, form)
			cs = append(cs, c)
		}
	}
	for _, p := range problems.Table {
		for _, s := range p.Settings {
			c := costCase{name: p.Name + "/" + s.Label, program: p.Program, params: s.Params, random: p.Random}
			if s.Random != nil {
				c.random = s.Random
			}
			if !p.HasData() {
				c.steps = stepsOfTable
			}
			add(c, "cell", "unrolled", "loop")
		}
	}
	knapsack := costCase{program: "examples/knapsack.dp", params: map[string]int64{"pmax": 20}, random: problems.Table[0].Random, steps: stepsOfTable}
	for _, P := range []int{5, 50, 200} {
		c := knapsack
		c.name, c.opt = fmt.Sprintf("knapsack/pmax=20/fptas P=%d", P), compile.Options{Scheme: compile.FPTAS, P: P}
		if P < 200 {
			add(c, "cell", "unrolled")
		} else {
			add(c, "cell") // unrolled: a million neurons, gigabytes to build
		}
	}
	for _, p := range problems.Table {
		if p.Name == "csp" {
			c := costCase{name: "csp/" + p.Settings[0].Label + "/fptas P=2", program: p.Program, params: p.Settings[0].Params, random: p.Random,
				opt: compile.Options{Scheme: compile.FPTAS, P: 2}}
			add(c, "cell", "unrolled")
		}
	}
	add(costCase{name: "knapsack_value/C=10/smooth", program: "examples/knapsack_value.dp", params: map[string]int64{"C": 10},
		opt: compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 1, Steps: 6, Fixed: map[string][]float64{"weight": {3, 1, 4, 1, 5, 2}}}}, "cell")
	add(costCase{name: "topk/k=3/smooth", program: "examples/topk.dp", params: map[string]int64{"k": 3},
		opt: compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 0.5, Steps: 6}}, "cell")
	return cs
}

// built is the real network of a case and what export lays out.
type built struct {
	net      *compile.Network
	graph    *relu.Graph // the network of the form
	exported *relu.Graph // the graph export lays out
	eo       export.Options
}

// exportOptions are the options the compile command gives export.
func exportOptions(net *compile.Network, form export.Form, steps int) export.Options {
	eo := export.Options{Form: form, State: net.State, Init: net.Init, Doc: net.Cell.Doc}
	if form == export.Unrolled {
		eo.Steps = steps
	}
	if net.Model.Steps > 0 || len(net.Model.Data) > 0 {
		eo.Data = net.Data
		if form != export.Cell {
			eo.Steps = net.IterationCount()
		}
		if form == export.Unrolled && net.Rounding == nil && net.OffsetRounding == nil {
			eo.Settled, _ = net.Settled()
		}
		eo.Inf = engine.InfOptions(net)
	}
	if net.Smooth != nil {
		eo.Form, eo.Steps, eo.Layout = export.Cell, 0, export.Dense
		eo.Gradient = &export.Gradient{Name: "marginals", Output: "value", Index: 0}
	}
	return eo
}

func (c costCase) build(t testing.TB, steps int) built {
	t.Helper()
	net, err := compile.Lower(c.model(t), c.opt)
	require.NoError(t, err)
	b := built{net: net, graph: net.Cell, exported: net.Cell}
	if c.form == "unrolled" && net.Smooth == nil {
		b.graph, err = net.Unrolled(steps)
		require.NoError(t, err)
	}
	form, err := export.ParseForm(c.form)
	require.NoError(t, err)
	b.eo = exportOptions(net, form, steps)
	return b
}

// withExported sets the graph export lays out: the cell, or the settled
// unrolled graph export makes itself.
func (b built) withExported(t testing.TB) built {
	if b.eo.Settled != nil {
		var err error
		b.exported, err = relu.UnrollWith(b.net.Cell, b.eo.Steps, b.eo.State, b.eo.Init, relu.UnrollOptions{Shared: b.eo.Data, Settled: b.eo.Settled})
		require.NoError(t, err)
	}
	return b
}

// Estimate's widths, depth, weights and parameters are the built
// network's, exactly, and so is the whole shape, for every program of the
// table, the fptas and smooth schemes and every form.
func TestEstimateIsExact(t *testing.T) {
	for _, c := range tableCostCases() {
		t.Run(c.name, func(t *testing.T) {
			est := c.estimate(t)
			b := c.build(t, est.Steps).withExported(t)
			st := b.graph.Stats()
			widths := make([]int64, len(st.Widths))
			for i, w := range st.Widths {
				widths[i] = int64(w)
			}
			if len(widths) == 0 {
				widths = nil
			}
			assert.Equal(t, st.Depth, est.Depth)
			assert.Equal(t, widths, est.Widths)
			assert.Equal(t, int64(st.Size), est.Neurons)
			assert.Equal(t, int64(st.Outputs), est.Outputs)
			assert.Equal(t, int64(b.graph.NumInputs), est.Inputs)
			assert.Equal(t, int64(st.Weights), est.Weights)
			assert.Equal(t, int64(st.Params), est.Params.Network)
			assert.Equal(t, b.graph.Shape(), est.Shape)
			assert.Equal(t, b.exported.Shape(), est.Export)
			_, dense := export.ResolveLayout(b.exported, export.Dense)
			assert.Equal(t, dense, est.Params.Dense)
		})
	}
}

// initializerElements counts the float and int32 elements of a model's
// initializers.
func initializerElements(t testing.TB, b []byte) (floats, ints int64) {
	var m onnxpb.ModelProto
	require.NoError(t, proto.Unmarshal(b, &m))
	for _, in := range m.GetGraph().GetInitializer() {
		n := int64(1)
		for _, d := range in.GetDims() {
			n *= d
		}
		switch onnxpb.TensorProto_DataType(in.GetDataType()) {
		case onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE:
			floats += n
		case onnxpb.TensorProto_INT32:
			ints += n
		}
	}
	return floats, ints
}

// within2 asserts that a prediction lies within a factor 2 of what was
// measured.
func within2(t *testing.T, what string, predicted, measured int64) {
	t.Helper()
	assert.True(t, predicted <= 2*measured && measured <= 2*predicted,
		"%s: predicted %d, measured %d (ratio %.2f)", what, predicted, measured, float64(predicted)/float64(max(measured, 1)))
}

// heapWithin2 asserts that a predicted peak heap lies within a factor 2 of
// the real peak, judged by the bounds the measurement gives on it: the
// prediction is at least half the sampled peak (a lower bound of the real
// one) and at most twice everything allocated (an upper bound). Neither
// side depends on when the collector happens to run, which moves the
// sampled peak of one export between 2.8 and 5.8 MB from run to run.
// Memory below floor is noise (the collector lets the heap grow to 4 MiB
// before it collects at all): a prediction below it with a sampled peak
// below it agree.
func heapWithin2(t *testing.T, what string, predicted int64, h heapUse, floor int64) {
	t.Helper()
	if predicted < floor && h.peak < floor {
		return
	}
	assert.True(t, 2*predicted >= h.peak,
		"%s: predicted %d, sampled peak %d (ratio %.2f)", what, predicted, h.peak, float64(predicted)/float64(max(h.peak, 1)))
	assert.True(t, predicted <= 2*h.total,
		"%s: predicted %d, allocated in all %d (ratio %.2f)", what, predicted, h.total, float64(predicted)/float64(max(h.total, 1)))
}

// The ONNX models export writes hold exactly the predicted float
// parameters in the dense layout and at most them in the structured one
// (Gather indices: within a factor 2), and their files are within a
// factor 2 of the predicted size.
func TestEstimateONNX(t *testing.T) {
	for _, c := range tableCostCases() {
		t.Run(c.name, func(t *testing.T) {
			est := c.estimate(t)
			b := c.build(t, est.Steps)
			for _, o := range est.ONNX {
				if b.net.Smooth != nil && o.Layout == "structured" {
					continue // the smooth model (with its gradient) is dense
				}
				if o.Layout == "dense" && est.Params.Dense > 4<<20 {
					continue // export's Auto would not pick it; slow to write
				}
				eo := b.eo
				eo.Layout, _ = export.ParseLayout(o.Layout)
				eo.DType, _ = export.ParseDType(o.DType)
				raw, err := export.Marshal(b.net.Cell, eo)
				require.NoError(t, err)
				within2(t, o.Layout+"/"+o.DType+" file bytes", o.FileBytes, int64(len(raw)))
				floats, ints := initializerElements(t, raw)
				switch {
				case b.net.Smooth == nil && o.Layout == "dense":
					assert.Equal(t, floats, o.Params, "%s float parameters", o.Layout)
				case b.net.Smooth == nil:
					// The structured layout stores a bucket's weights once
					// per weight group, and one row of ones per length,
					// which the counting builder cannot see: the count is
					// a bound.
					assert.LessOrEqual(t, floats, o.Params, "%s float parameters", o.Layout)
				default:
					within2(t, "smooth float parameters", o.Params, floats)
				}
				within2(t, o.Layout+" indices", o.Indices, ints)
			}
		})
	}
}

// heapUse is what one operation did to the heap: its peak above the heap
// before it (HeapAlloc sampled every 200 µs and at the end, while the
// result is alive: a lower bound of the real peak, garbage included) and
// every byte it allocated (TotalAlloc: an upper bound of the peak).
type heapUse struct{ peak, total int64 }

// peakHeap runs f and measures its heapUse.
func peakHeap(f func() any) heapUse {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, allocated := ms.HeapAlloc, ms.TotalAlloc
	var peak uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var s runtime.MemStats
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&s)
				mu.Lock()
				peak = max(peak, s.HeapAlloc)
				mu.Unlock()
			}
		}
	})
	keep := f()
	runtime.ReadMemStats(&ms)
	close(stop)
	wg.Wait()
	peak = max(peak, ms.HeapAlloc)
	runtime.KeepAlive(keep)
	return heapUse{peak: int64(peak) - int64(min(base, peak)), total: int64(ms.TotalAlloc - allocated)}
}

// memoryUse is what the real operations of a job peak at.
type memoryUse struct {
	build, eval, truth heapUse
	states             heapUse            // one float64 run keeping every step's states
	export             map[string]heapUse // by layout, float32
}

const evalBatch = 64

func (c costCase) measureMemory(t testing.TB, est *compile.Cost, layouts ...string) memoryUse {
	m := c.model(t)
	var use memoryUse
	var b built
	use.build = peakHeap(func() any {
		b = c.build(t, est.Steps)
		return b
	})
	use.export = map[string]heapUse{}
	for _, layout := range layouts {
		eo := b.eo
		eo.Layout, _ = export.ParseLayout(layout)
		use.export[layout] = peakHeap(func() any {
			raw, err := export.Marshal(b.net.Cell, eo)
			require.NoError(t, err)
			return raw
		})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([]float64, evalBatch*b.graph.NumInputs)
	for i := range in {
		in[i] = float64(rng.IntN(3))
	}
	use.eval = peakHeap(func() any {
		ev, err := relu.NewEvaluator[float64](b.graph)
		require.NoError(t, err)
		out := make([]float64, evalBatch*ev.NumOutputs())
		require.NoError(t, ev.Run(in, out, evalBatch))
		return ev
	})
	if c.random == nil {
		return use
	}
	inst := c.random(rng, m)
	if len(m.Data) == 0 { // exactly c.steps steps, as predicted
		for len(inst) < c.steps {
			inst = append(inst, c.random(rng, m)...)
		}
		inst = inst[:c.steps]
	}
	r, err := compile.NewRunner[float64](b.net) // its evaluator is eval's
	require.NoError(t, err)
	use.states = peakHeap(func() any {
		if len(m.Data) > 0 {
			n, extra := b.net.IterationCount(), b.net.Model.Fixpoint != nil
			if extra {
				n++
			}
			states, err := r.RunStepsBatch([][][]float64{inst}, n)
			require.NoError(t, err)
			return states
		}
		states, err := r.Run(inst)
		require.NoError(t, err)
		return states
	})
	use.truth = peakHeap(func() any {
		if len(m.Data) > 0 {
			tr, err := truth.RunDPData(m, nil, inst)
			if tr == nil {
				require.NoError(t, err)
			}
			if r := b.net.OffsetRounding; r != nil {
				rounded := make([][]float64, len(inst))
				for i, d := range m.Data {
					rounded[i] = inst[i]
					if d.Name == r.Data {
						rounded[i] = make([]float64, len(inst[i]))
						for j, x := range inst[i] {
							rounded[i][j] = float64((int(x) + r.K - 1) / r.K)
						}
					}
				}
				tr2, _ := truth.RunDPData(b.net.Model, nil, rounded)
				return []any{tr, tr2}
			}
			return tr
		}
		tr, err := truth.RunDP(m, inst)
		require.NoError(t, err)
		if b.net.Rounding != nil {
			rt, err := truth.RunRoundedDP(m, inst, b.net.Rounding.P)
			require.NoError(t, err)
			return []any{tr, rt}
		}
		return tr
	})
	return use
}

// mediumCostCases are larger settings, whose memory is well above the
// noise of a test process.
func mediumCostCases() []costCase { return costCasesOf(false) }

// costCasesOf lists the medium cases, and with large a few more for the
// table of docs/lowering.md (hundreds of MiB).
func costCasesOf(large bool) []costCase {
	table := map[string]costCase{}
	for _, p := range problems.Table {
		c := costCase{program: p.Program, random: p.Random}
		if len(p.Settings) > 0 && p.Settings[0].Random != nil {
			c.random = p.Settings[0].Random
		}
		table[p.Name] = c
	}
	medium := func(name string, params map[string]int64, opt compile.Options, form string, steps int) costCase {
		c := table[name]
		keys := slices.Sorted(maps.Keys(params))
		var ps []string
		for _, k := range keys {
			ps = append(ps, fmt.Sprintf("%s=%d", k, params[k]))
		}
		c.name = fmt.Sprintf("%s %s %s", name, strings.Join(ps, ","), form)
		if steps > 0 {
			c.name += fmt.Sprintf(" (%d steps)", steps)
		}
		if opt.Scheme == compile.FPTAS {
			c.name += fmt.Sprintf(", fptas P=%d", opt.P)
		}
		c.params, c.opt, c.form, c.steps = params, opt, form, steps
		return c
	}
	exact := compile.Options{}
	if large {
		return append(costCasesOf(false),
			medium("knapsack", map[string]int64{"pmax": 400}, exact, "cell", 8),
			medium("lcs", map[string]int64{"m": 40, "n": 40, "a": 4}, exact, "unrolled", 0),
			medium("bellmanford", map[string]int64{"n": 40, "s": 1, "cmax": 10}, exact, "unrolled", 0),
			medium("apsp", map[string]int64{"n": 20, "cmax": 10}, exact, "unrolled", 0),
		)
	}
	return []costCase{
		medium("knapsack", map[string]int64{"pmax": 150}, exact, "cell", 8),
		medium("knapsack", map[string]int64{"pmax": 100}, exact, "unrolled", 6),
		medium("knapsack", map[string]int64{"pmax": 20}, compile.Options{Scheme: compile.FPTAS, P: 200}, "cell", 8),
		medium("lcs", map[string]int64{"m": 40, "n": 40, "a": 4}, exact, "cell", 0),
		medium("lcs", map[string]int64{"m": 100, "n": 100, "a": 4}, exact, "cell", 0), // states of every step: 16 MB
		medium("heldkarp", map[string]int64{"n": 9, "cmax": 100}, exact, "unrolled", 0),
		medium("apsp", map[string]int64{"n": 20, "cmax": 10}, exact, "cell", 0),
		medium("csp", map[string]int64{"n": 12, "s": 1, "t": 5, "lmax": 6, "rmax": 10}, compile.Options{Scheme: compile.FPTAS, P: 2}, "cell", 0),
	}
}

// The memory of building, evaluating (batch 64) and exporting the network
// and of the ground truth is within a factor 2 of the peak heap measured
// around the real operations.
func TestEstimateMemory(t *testing.T) {
	const floor = 4 << 20
	cases := append(tableCostCases(), mediumCostCases()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			est := c.estimate(t)
			layouts := []string{"structured"}
			if est.Params.Dense <= 8<<20 && c.opt.Scheme != compile.Smooth {
				layouts = append(layouts, "dense")
			}
			if c.opt.Scheme == compile.Smooth {
				layouts = []string{"dense"}
			}
			use := c.measureMemory(t, est, layouts...)
			t.Logf("build %d/%d eval %d/%d truth %d/%d states %d/%d export %v", est.BuildBytes, use.build, est.EvalBytes(evalBatch, "float64"), use.eval, est.TruthBytes, use.truth, est.StatesBytes, use.states, use.export)
			for _, o := range est.ONNX {
				if o.DType == "float32" {
					t.Logf("  %s export predicted %d", o.Layout, o.ExportBytes)
				}
			}
			heapWithin2(t, "build", est.BuildBytes, use.build, floor)
			heapWithin2(t, "eval", est.EvalBytes(evalBatch, "float64"), use.eval, floor)
			for _, layout := range layouts {
				o, err := est.ONNXFor(layout, "float32")
				require.NoError(t, err)
				heapWithin2(t, "export "+layout, o.ExportBytes, use.export[layout], floor)
			}
			if c.random != nil {
				heapWithin2(t, "truth", est.TruthBytes, use.truth, floor)
				heapWithin2(t, "states", est.StatesBytes, use.states, floor)
			}
		})
	}
}

// Jobs far too large are refused by Estimate itself, quickly and without
// allocating much: the walk stops at the limit, and the rules whose cost
// is known beforehand (a selection gadget over ten million offsets, an
// fptas table of P = 4096) are refused before they run.
func TestEstimateRefusesEarly(t *testing.T) {
	for _, tc := range []struct {
		name     string
		program  string
		params   map[string]int64
		opt      compile.Options
		job      compile.Job
		limits   compile.Limits
		figure   string
		flag     string
		atLeast  bool
		maxAlloc uint64
	}{
		{"widths with pmax = 10^7", "examples/knapsack.dp", map[string]int64{"pmax": 10_000_000}, compile.Options{}, compile.Job{},
			compile.Limits{}, "hidden neurons", "-max-neurons", true, 16 << 20},
		{"fptas P = 4096", "examples/knapsack.dp", map[string]int64{"pmax": 1000}, compile.Options{Scheme: compile.FPTAS, P: 4096}, compile.Job{Steps: 100},
			compile.Limits{}, "hidden neurons", "-max-neurons", true, 16 << 20},
		{"fptas P = 4096 by memory alone", "examples/knapsack.dp", map[string]int64{"pmax": 1000}, compile.Options{Scheme: compile.FPTAS, P: 4096}, compile.Job{Steps: 100},
			compile.Limits{Neurons: -1}, "memory to build the network", "-max-memory", true, 16 << 20},
		{"fptas on a large constrained shortest path", "examples/csp.dp", map[string]int64{"n": 30, "s": 1, "t": 5, "lmax": 100, "rmax": 10},
			compile.Options{Scheme: compile.FPTAS, P: 50}, compile.Job{}, compile.Limits{Neurons: 20_000}, "hidden neurons", "-max-neurons", true, 64 << 20},
		{"exact ground truth over a large profit sum", "examples/knapsack.dp", map[string]int64{"pmax": 100_000}, compile.Options{Scheme: compile.FPTAS, P: 100},
			compile.Job{Steps: 1000, Truth: true}, compile.Limits{}, "memory of the check (the exact ground truth, and the network's states at every step it is compared with)", "-max-memory", false, 64 << 20},
		{"a small memory limit stops the walk", "examples/knapsack.dp", map[string]int64{"pmax": 3000}, compile.Options{}, compile.Job{},
			compile.Limits{Neurons: -1, Memory: 16 << 20}, "memory to build the network", "-max-memory", true, 64 << 20},
		// adv3 M2: "more than 199.1 MiB, above -max-memory 200.0 MiB": the
		// count of the unrolled network left out the cell kept beside it.
		{"unrolled, stopped by memory", "examples/knapsack.dp", map[string]int64{"pmax": 50}, compile.Options{}, compile.Job{Form: "unrolled", Steps: 300},
			compile.Limits{Memory: 200 << 20}, "memory to build the network", "-max-memory", true, 256 << 20},
		{"evaluation of a large batch", "examples/knapsack.dp", map[string]int64{"pmax": 500}, compile.Options{}, compile.Job{Batch: 1 << 20},
			compile.Limits{Memory: 1 << 30}, "memory to evaluate a batch of 1048576", "-max-memory", false, 64 << 20},
		{"dense export", "examples/knapsack.dp", map[string]int64{"pmax": 500}, compile.Options{}, compile.Job{Export: "dense"},
			compile.Limits{Memory: 1 << 30}, "memory to export the dense ONNX model", "-max-memory", false, 64 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := costCase{program: tc.program, params: tc.params}.model(t)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := compile.Estimate(m, tc.opt, tc.job, tc.limits)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			var tl *compile.TooLargeError
			require.ErrorAs(t, err, &tl)
			assert.Equal(t, tc.figure, tl.Figure)
			assert.Equal(t, tc.flag, tl.Flag)
			assert.Equal(t, tc.atLeast, tl.AtLeast)
			assert.GreaterOrEqual(t, tl.Value, tl.Limit) // a count stopped at the limit is more than Value
			assert.Contains(t, err.Error(), tc.flag)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, tc.maxAlloc, "Estimate allocated")
			assert.Less(t, took, 5*time.Second)
		})
	}
}

func TestEstimateErrors(t *testing.T) {
	m := costCase{program: "examples/knapsack.dp", params: map[string]int64{"pmax": 5}}.model(t)
	for _, tc := range []struct {
		opt  compile.Options
		job  compile.Job
		want string
	}{
		{compile.Options{}, compile.Job{Form: "scan"}, `unknown form "scan"`},
		{compile.Options{}, compile.Job{DType: "float16"}, `unknown dtype "float16"`},
		{compile.Options{}, compile.Job{Export: "sparse"}, `unknown layout "sparse"`},
		{compile.Options{}, compile.Job{Form: "unrolled"}, "needs the number of steps"},
		{compile.Options{Scheme: compile.FPTAS}, compile.Job{}, "P must be at least 1"}, // Lower's own errors
	} {
		_, err := compile.Estimate(m, tc.opt, tc.job, compile.Limits{})
		assert.ErrorContains(t, err, tc.want)
	}
	est, err := compile.Estimate(m, compile.Options{}, compile.Job{}, compile.Limits{})
	require.NoError(t, err)
	auto, err := est.ONNXFor("auto", "")
	require.NoError(t, err)
	assert.Equal(t, "dense", auto.Layout) // export.ResolveLayout picks it for a small model
	assert.Equal(t, "float32", auto.DType)

	big := costCase{program: "examples/knapsack.dp", params: map[string]int64{"pmax": 800}}.model(t)
	est, err = compile.Estimate(big, compile.Options{}, compile.Job{}, compile.Limits{Neurons: -1, Memory: -1})
	require.NoError(t, err)
	auto, err = est.ONNXFor("auto", "float64")
	require.NoError(t, err)
	assert.Equal(t, "structured", auto.Layout)
	_, err = est.ONNXFor("dense", "float32")
	assert.ErrorContains(t, err, "use the structured layout")
	_, err = compile.Estimate(big, compile.Options{}, compile.Job{Export: "dense"}, compile.Limits{Neurons: -1, Memory: -1})
	assert.ErrorContains(t, err, "use the structured layout")
}

func TestTooLargeErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  compile.TooLargeError
		want string
	}{
		{compile.TooLargeError{Figure: "hidden neurons", Value: 2_000_000, AtLeast: true, Limit: 2_000_000, Flag: "-max-neurons"},
			"hidden neurons would be more than 2,000,000, above -max-neurons 2000000"},
		{compile.TooLargeError{Figure: "memory of the exact ground truth", Value: 9 << 30, Limit: 8 << 30, Flag: "-max-memory"},
			"memory of the exact ground truth would be 9.0 GiB, above -max-memory 8.0 GiB (8589934592 bytes)"},
		{compile.TooLargeError{Figure: "memory to build the network", Value: 200<<20 + 5, Limit: 200 << 20, Flag: "-max-memory"},
			"memory to build the network would be 200.0 MiB (209715205 bytes), above -max-memory 200.0 MiB (209715200 bytes)"},
	} {
		assert.Contains(t, tc.err.Error(), tc.want)
	}
}

func BenchmarkEstimate(b *testing.B) {
	for _, c := range []costCase{
		{name: "knapsack pmax=100", program: "examples/knapsack.dp", params: map[string]int64{"pmax": 100}},
		{name: "knapsack pmax=20 fptas P=100", program: "examples/knapsack.dp", params: map[string]int64{"pmax": 20}, opt: compile.Options{Scheme: compile.FPTAS, P: 100}},
		{name: "lcs m=n=30", program: "examples/lcs.dp", params: map[string]int64{"m": 30, "n": 30, "a": 4}},
		{name: "heldkarp n=9", program: "examples/heldkarp.dp", params: map[string]int64{"n": 9, "cmax": 100}},
		{name: "knapsack pmax=10^7 refused", program: "examples/knapsack.dp", params: map[string]int64{"pmax": 10_000_000}},
	} {
		m := c.model(b)
		b.Run(c.name+"/estimate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := compile.Estimate(m, c.opt, compile.Job{Steps: 10}, compile.Limits{})
				var tl *compile.TooLargeError
				if err != nil && !errors.As(err, &tl) {
					b.Fatal(err)
				}
			}
		})
		if m.States[0].Cells() > 1_000_000 {
			continue
		}
		b.Run(c.name+"/lower", func(b *testing.B) { // what Estimate spares
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compile.Lower(m, c.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCostTable prints the table of predicted and measured figures in
// docs/lowering.md ("Cost model"):
//
//	DP2NN_COST_TABLE=1 go test -run TestCostTable -v ./compile/
func TestCostTable(t *testing.T) {
	if os.Getenv("DP2NN_COST_TABLE") == "" {
		t.Skip("set DP2NN_COST_TABLE=1 to print the table of docs/lowering.md")
	}
	mib := func(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }
	pair := func(p, m int64) string { return fmt.Sprintf("%s / %s", mib(p), mib(m)) }
	fmt.Println("| job | hidden neurons (predicted = built) | structured file MiB | dense file MiB | build MiB | eval (batch 64) MiB | export (structured) MiB | truth MiB |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, c := range costCasesOf(true) {
		est := c.estimate(t)
		b := c.build(t, est.Steps).withExported(t)
		require.Equal(t, int64(b.graph.Stats().Size), est.Neurons)
		files := map[string]string{}
		for _, layout := range []string{"structured", "dense"} {
			o, err := est.ONNXFor(layout, "float32")
			if err != nil || o.FileBytes > 1<<30 {
				files[layout] = "—"
				continue
			}
			eo := b.eo
			eo.Layout, _ = export.ParseLayout(layout)
			raw, err := export.Marshal(b.net.Cell, eo)
			require.NoError(t, err)
			files[layout] = pair(o.FileBytes, int64(len(raw)))
		}
		use := c.measureMemory(t, est, "structured")
		o, _ := est.ONNXFor("structured", "float32")
		fmt.Printf("| %s | %d | %s | %s | %s | %s | %s | %s |\n", c.name, est.Neurons, files["structured"], files["dense"],
			pair(est.BuildBytes, use.build.peak), pair(est.EvalBytes(evalBatch, "float64"), use.eval.peak), pair(o.ExportBytes, use.export["structured"].peak), pair(est.TruthBytes, use.truth.peak))
	}
}
