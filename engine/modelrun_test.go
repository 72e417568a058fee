package engine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"math"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/verify"
)

func knapsack(t *testing.T) *compile.Network {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 8, "capacity": 12})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	return net
}

// Every form of an exported model, observed in a runtime, equals the exact
// DP in every state it shows: all steps for cell and loop, the last for
// unrolled. Integer data, so float32 too is exact.
func TestObserveEveryForm(t *testing.T) {
	net := knapsack(t)
	runtimes := []engine.Runtime{engine.Go}
	if err := onnxrt.Init(); err == nil {
		runtimes = append(runtimes, engine.ORT)
	} else if os.Getenv(exporttest.EnvRequireRuntimes) == "1" {
		t.Fatalf("%s=1 but %v", exporttest.EnvRequireRuntimes, err)
	}
	dir := t.TempDir()
	const steps = 4
	for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			path := filepath.Join(dir, fmt.Sprintf("%v_%v.onnx", form, dt))
			require.NoError(t, export.WriteFile(path, net.Cell, export.Options{Form: form, Steps: steps, State: net.State, Init: net.Init, DType: dt, Layout: export.Structured}))
			for _, rt := range runtimes {
				t.Run(fmt.Sprintf("%v/%v/%s", form, dt, rt), func(t *testing.T) {
					run, err := engine.Open(path, rt, net)
					require.NoError(t, err)
					defer run.Close()
					rng := rand.New(rand.NewPCG(1, 2))
					for i := 0; i < 50; i++ {
						in := instance.Uniform(rng, net.Model, steps)
						obs, err := run.Observe(in)
						require.NoError(t, err)
						seen := 0
						for _, s := range obs.States {
							if s != nil {
								seen++
							}
						}
						if form == export.Unrolled {
							assert.Equal(t, 2, seen, "initial and final state")
						} else {
							assert.Equal(t, steps+1, seen, "every step")
						}
						c, err := verify.Compare(net, "case", in, []engine.Observed{obs}, nil)
						require.NoError(t, err)
						require.Empty(t, c.Mismatch)
						assert.Zero(t, c.Runs[0].MaxErr, "integer data are exact")
					}
				})
			}
		}
	}
}

// ObserveBatch shows for every instance of a batch exactly what Observe
// shows for it alone, in every form, layout and runtime (integer data, so
// the order of a batched product's sums cannot matter), the decode
// tail's answer included; a batch is of one length.
func TestObserveBatch(t *testing.T) {
	net := knapsack(t)
	runtimes := []engine.Runtime{engine.Go}
	if err := onnxrt.Init(); err == nil {
		runtimes = append(runtimes, engine.ORT)
	} else if os.Getenv(exporttest.EnvRequireRuntimes) == "1" {
		t.Fatalf("%s=1 but %v", exporttest.EnvRequireRuntimes, err)
	}
	dir := t.TempDir()
	const steps = 4
	for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			path := filepath.Join(dir, fmt.Sprintf("%v_%v.onnx", form, layout))
			decode, err := engine.DecodeTail(net, form, export.Float32, decodeSteps(form, steps, 10))
			require.NoError(t, err)
			require.NoError(t, export.WriteFile(path, net.Cell, export.Options{Form: form, Steps: steps, State: net.State, Init: net.Init, Layout: layout, Decode: decode}))
			for _, rt := range runtimes {
				t.Run(fmt.Sprintf("%v/%v/%s", form, layout, rt), func(t *testing.T) {
					run, err := engine.Open(path, rt, net)
					require.NoError(t, err)
					defer run.Close()
					rng := rand.New(rand.NewPCG(3, 4))
					batch := make([][][]float64, 7)
					for i := range batch {
						batch[i] = instance.Uniform(rng, net.Model, steps)
					}
					all, err := run.ObserveBatch(batch)
					require.NoError(t, err)
					require.Len(t, all, len(batch))
					for i, in := range batch {
						one, err := run.Observe(in)
						require.NoError(t, err)
						assert.Equal(t, one, all[i], "instance %d", i)
						require.NotNil(t, all[i].Answer)
					}
					_, err = run.ObserveBatch([][][]float64{batch[0], batch[1][:3]})
					assert.ErrorContains(t, err, "a batch is of one length")
				})
			}
		}
	}
}

func TestOpenErrors(t *testing.T) {
	net := knapsack(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "s.onnx")
	require.NoError(t, export.WriteFile(path, net.Cell, export.Options{Layout: export.Structured, State: net.State}))
	_, err := engine.Open(path, engine.OnnxGo, net)
	assert.ErrorContains(t, err, "only the dense cell form")
	_, err = engine.Open(filepath.Join(dir, "missing.onnx"), engine.Go, net)
	assert.Error(t, err)
	_, err = engine.ParseRuntime("tvm")
	assert.ErrorContains(t, err, `unknown runtime "tvm"`)

	u := filepath.Join(dir, "u.onnx")
	require.NoError(t, export.WriteFile(u, net.Cell, export.Options{Form: export.Unrolled, Steps: 3, State: net.State, Init: net.Init}))
	run, err := engine.Open(u, engine.Go, net)
	require.NoError(t, err)
	_, err = run.Observe(instance.Uniform(rand.New(rand.NewPCG(1, 1)), net.Model, 5))
	assert.ErrorContains(t, err, "takes exactly 3 steps")
}

// dataPrograms are the programs with data and a steps line at small
// params; their instances come from the generator of problems.DataCases()
// for the same program, their exact answers from its solver.
var dataPrograms = []struct {
	program string
	params  map[string]int64
}{
	{"examples/lcs.dp", map[string]int64{"m": 5, "n": 5, "a": 3}},
	{"examples/bellmanford.dp", map[string]int64{"n": 4, "s": 2, "cmax": 6}},
	{"examples/apsp.dp", map[string]int64{"n": 5, "cmax": 6}},
	{"examples/csp.dp", map[string]int64{"n": 4, "s": 1, "t": 4, "lmax": 3, "rmax": 5}},
	{"examples/heldkarp.dp", map[string]int64{"n": 5, "cmax": 20}},
	// Admitted by narrowing: base cases as branches of one if, a
	// reduction read on its domain (docs/dsl.md).
	{"examples/gridpath.dp", map[string]int64{"m": 3, "n": 4, "cmax": 9}},
	{"examples/editdist.dp", map[string]int64{"m": 4, "n": 3, "a": 3}},
	{"examples/palindrome.dp", map[string]int64{"n": 5, "a": 2}},
	{"examples/rodcut.dp", map[string]int64{"n": 6, "pmax": 9}},
}

// instancesPerModel is the number of random instances each exported model
// runs on in each runtime.
const instancesPerModel = 20

// dataProblem returns the row of problems.DataCases() for program with the
// given params (its generator and solver read the params from the model).
func dataProblem(t *testing.T, program string, params map[string]int64) problems.DataCase {
	i := slices.IndexFunc(problems.DataCases(), func(p problems.DataCase) bool { return p.Program == program })
	require.GreaterOrEqual(t, i, 0, "problems.DataCases() has no row for %s", program)
	p := problems.DataCases()[i]
	p.Params = params
	return p
}

// Every program with data, exported in every form, layout and dtype,
// runs in the Go interpreter, ONNX Runtime and (dense cell form, float32
// or without +inf data) onnx-go, and on random instances computes
// exactly what compile.Runner computes in the same dtype in every state
// the form shows, and the answer of the exact solver of verify: integer
// data and values below 2^24, so float32 is exact too. The data go in
// with +inf as +inf wherever the model replaces it by BigM itself. The
// ONNX checker accepts every file. The programs run in parallel.
func TestObserveDataPrograms(t *testing.T) {
	ort := onnxrt.Init() == nil
	if !ort {
		exporttest.RequireRuntime(t, "ONNX Runtime: "+onnxrt.Init().Error())
	}
	for pi, dp := range dataPrograms {
		t.Run(strings.TrimSuffix(filepath.Base(dp.program), ".dp"), func(t *testing.T) {
			t.Parallel()
			observeDataProgram(t, pi, dp.program, dp.params, ort)
		})
	}
}

// observeDataProgram is TestObserveDataPrograms for one program.
func observeDataProgram(t *testing.T, pi int, program string, params map[string]int64, ort bool) {
	var files []string
	p := dataProblem(t, program, params)
	m, err := p.Model()
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	require.Positive(t, m.Steps)
	rng := instance.NewRand(uint64(300 + pi))
	datas := make([][][]float64, instancesPerModel)
	infs := 0
	for i := range datas {
		datas[i] = p.Random(rng, m)
		for _, d := range datas[i] {
			for _, x := range d {
				if math.IsInf(x, 1) {
					infs++
				}
			}
		}
	}
	if net.BigM != 0 {
		require.Positive(t, infs, "%s: the instances have +inf data", m.Name)
	}
	want32 := runnerStates[float32](t, net, datas)
	want64 := runnerStates[float64](t, net, datas)
	answers := exactAnswers(t, p, m, net, datas, want64)
	for _, variant := range []string{"cell", "unrolled", "unrolled+settled", "loop"} {
		form, err := export.ParseForm(strings.TrimSuffix(variant, "+settled"))
		require.NoError(t, err)
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			for _, dt := range []export.DType{export.Float32, export.Float64} {
				opt, err := engine.ExportOptions(net, form, layout, dt, strings.HasSuffix(variant, "+settled"))
				require.NoError(t, err)
				if net.BigM != 0 {
					require.NotEmpty(t, opt.Inf.Data, "the model replaces +inf itself")
				}
				path := filepath.Join(t.TempDir(), fmt.Sprintf("%s_%s_%v_%v.onnx", m.Name, variant, layout, dt))
				require.NoError(t, export.WriteFile(path, net.Cell, opt))
				files = append(files, path)
				runtimes := []engine.Runtime{engine.Go}
				if ort {
					runtimes = append(runtimes, engine.ORT)
				}
				if form == export.Cell && layout == export.Dense && (dt == export.Float32 || opt.Inf == nil || len(opt.Inf.Data) == 0) {
					runtimes = append(runtimes, engine.OnnxGo)
				}
				want := want64
				if dt == export.Float32 {
					want = want32
				}
				for _, rt := range runtimes {
					t.Run(fmt.Sprintf("%s/%v/%v/%s", variant, layout, dt, rt), func(t *testing.T) {
						run, err := engine.Open(path, rt, net)
						require.NoError(t, err)
						defer run.Close()
						assert.Equal(t, net.Data, run.Model.Data)
						assert.Equal(t, opt.Settled != nil, run.Model.Settled)
						for i, data := range datas {
							obs, err := run.ObserveData(data, m.Steps)
							require.NoError(t, err)
							require.Len(t, obs.States, m.Steps+1)
							shown := 0
							for step, st := range obs.States {
								if st == nil {
									continue
								}
								shown++
								require.Equal(t, want[i][step], st, "instance %d, state after step %d", i, step)
							}
							if form == export.Unrolled {
								assert.Equal(t, 2, shown, "initial and final state")
							} else {
								assert.Equal(t, m.Steps+1, shown, "every step")
							}
							got, err := net.DecodeData(obs.States[m.Steps], data, 0)
							require.NoError(t, err)
							assert.Equal(t, answers[i], got, "instance %d", i)
						}
					})
				}
			}
		}
	}
	if _, err := exporttest.CheckONNX(files); err != nil {
		if py, _ := exporttest.ONNXPython(); py == "" {
			exporttest.RequireRuntime(t, err.Error())
		}
		require.NoError(t, err)
	}
}

// runnerStates runs compile.Runner in T on every instance: [instance][step][state].
func runnerStates[T float32 | float64](t *testing.T, net *compile.Network, datas [][][]float64) [][][][]float64 {
	r, err := compile.NewRunner[T](net)
	require.NoError(t, err)
	states, err := r.RunStepsBatch(datas, net.Model.Steps)
	require.NoError(t, err)
	return states
}

// exactAnswers decodes the float64 runner's final states and checks them,
// and the answers, against the exact solver of verify, which shares no
// code with compile: the final state (read back, BigM as +inf) equals
// the solver's, and so does the answer unless the program's fixpoint
// check fails (a negative cycle), for which the solver has no answer.
func exactAnswers(t *testing.T, p problems.DataCase, m *dsl.Model, net *compile.Network, datas [][][]float64, states [][][][]float64) []compile.Answer {
	out := make([]compile.Answer, len(datas))
	for i, data := range datas {
		final := states[i][m.Steps]
		a, err := net.DecodeData(final, data, 0)
		require.NoError(t, err)
		out[i] = a
		ex, err := p.Exact(m, data)
		require.NoError(t, err)
		require.Equal(t, ex.Final, net.Exact(final)[0], "%s instance %d: final state", m.Name, i)
		switch {
		case ex.NegativeCycle:
		case ex.Cells != nil:
			assert.Equal(t, ex.Cells, a.Cells, "%s instance %d", m.Name, i)
		case a.Found:
			assert.Equal(t, ex.Value, a.Value, "%s instance %d", m.Name, i)
		default:
			assert.True(t, math.IsInf(ex.Value, 1), "%s instance %d: the network finds no answer, the solver %v", m.Name, i, ex.Value)
		}
	}
	return out
}

// A model without per-step inputs refuses Observe, one with a fixed step
// count refuses another count, and onnx-go refuses what it cannot run,
// each saying why.
func TestObserveDataErrors(t *testing.T) {
	p := dataProblem(t, "examples/bellmanford.dp", map[string]int64{"n": 3, "s": 1, "cmax": 4})
	m, err := p.Model()
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	write := func(name string, form export.Form, layout export.Layout, dt export.DType) string {
		opt, err := engine.ExportOptions(net, form, layout, dt, false)
		require.NoError(t, err)
		path := filepath.Join(dir, name)
		require.NoError(t, export.WriteFile(path, net.Cell, opt))
		return path
	}
	data := p.Random(instance.NewRand(1), m)

	loop, err := engine.Open(write("loop.onnx", export.Loop, export.Structured, export.Float32), engine.Go, net)
	require.NoError(t, err)
	_, err = loop.ObserveData(data, m.Steps+1)
	assert.ErrorContains(t, err, fmt.Sprintf("the loop model takes exactly %d steps, the instance has %d", m.Steps, m.Steps+1))
	_, err = loop.Observe(make([][]float64, m.Steps))
	assert.ErrorContains(t, err, "program bellmanford has data (c); use ObserveData")
	_, err = loop.ObserveData(data[:0], m.Steps)
	assert.ErrorContains(t, err, "got 0 data arrays, program bellmanford has 1")
	bad := [][]float64{slices.Clone(data[0])}
	bad[0][1] = 99
	_, err = loop.ObserveData(bad, m.Steps)
	assert.ErrorContains(t, err, "data c value 1 is 99, outside -4..4")

	cell := write("cell.onnx", export.Cell, export.Dense, export.Float64)
	_, err = engine.Open(cell, engine.OnnxGo, net)
	assert.ErrorContains(t, err, "onnx-go runs the Min that replaces +inf in data blocks in float32 only")
	_, err = engine.Open(write("loopdense.onnx", export.Loop, export.Dense, export.Float32), engine.OnnxGo, net)
	assert.ErrorContains(t, err, "onnx-go runs only the dense cell form (this model is dense, loop)")

	// The cell form runs any number of steps: one more than the program's
	// reaches the fixpoint check's step.
	c, err := engine.Open(cell, engine.Go, net)
	require.NoError(t, err)
	obs, err := c.ObserveData(data, m.Steps+1)
	require.NoError(t, err)
	assert.Len(t, obs.States, m.Steps+2)
	assert.True(t, strings.HasPrefix(obs.Label, "go float64"), obs.Label)

	_, err = engine.ExportOptions(net, export.Loop, export.Dense, export.Float32, true)
	assert.ErrorContains(t, err, "the settled form is an unrolled form, not loop")
}

// ExportOptions takes the data, the stand-in for +inf and the step count
// from the network.
func TestExportOptions(t *testing.T) {
	p := dataProblem(t, "examples/bellmanford.dp", map[string]int64{"n": 3, "s": 1, "cmax": 4})
	m, err := p.Model()
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	opt, err := engine.ExportOptions(net, export.Unrolled, export.Auto, export.Float32, true)
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, opt.Data)
	assert.Equal(t, 2, opt.Steps)
	require.NotNil(t, opt.Inf)
	assert.Equal(t, net.BigM, opt.Inf.BigM)
	assert.Equal(t, []string{"c"}, opt.Inf.Data)
	assert.Equal(t, map[string]float64{"d": 12}, opt.Inf.Finite) // d in -n·cmax..n·cmax or inf
	assert.Len(t, opt.Settled["d"], 3)
	cell, err := engine.ExportOptions(net, export.Cell, export.Auto, export.Float32, false)
	require.NoError(t, err)
	assert.Zero(t, cell.Steps)
	assert.Nil(t, cell.Settled)
	_, err = engine.ExportOptions(knapsack(t), export.Unrolled, export.Auto, export.Float32, true)
	assert.ErrorContains(t, err, "the settled form needs a program with a steps line (knapsack_int has none")
}

// decodeSteps is the step count a decode tail covers: the unrolled form's
// own, otherwise the given most.
func decodeSteps(form export.Form, steps, most int) int {
	if form == export.Unrolled {
		return steps
	}
	return most
}
