package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
)

// The tests of this file write models as "dp2nn compile" does (the
// program recorded by engine.SourceOf, the decode tail, the smooth
// scheme's gradient), pass every file to the official checker, read them
// back (engine.Recompile) and check them in ONNX Runtime and the other
// runtimes against the ground truth with Model and SmoothModel.

// requireORT skips or fails the test without ONNX Runtime, and without
// Python's onnx when checker is true.
func requireORT(t *testing.T, checker bool) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	if checker {
		exporttest.RequireONNXPython(t)
	}
}

// model is a model to write: a program, its params and lowering, and
// how it is exported.
type model struct {
	program string
	set     map[string]int64
	opt     compile.Options
	form    export.Form
	layout  export.Layout
	dt      export.DType
	steps   int  // the unrolled form's steps
	decode  bool // append the decode tail (tolerance for 1000 steps)
}

// write lowers and exports the model to dir/name.onnx as dp2nn compile
// does, and returns the path.
func (c model) write(t *testing.T, dir, name string) string {
	t.Helper()
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	src, err := os.ReadFile(filepath.Join(root, c.program))
	require.NoError(t, err)
	f, err := dsl.Parse(c.program, src)
	require.NoError(t, err)
	m, err := dsl.Check(f, c.set)
	require.NoError(t, err)
	net, err := compile.Lower(m, c.opt)
	require.NoError(t, err)
	eo := export.Options{Layout: c.layout, Form: c.form, Steps: c.steps, State: net.State, Init: net.Init, DType: c.dt,
		Doc: net.Cell.Doc, Source: engine.SourceOf(net, c.opt, c.program, src)}
	if net.Smooth != nil {
		eo.Gradient = &export.Gradient{Name: "marginals", Output: "value", Index: 0}
	}
	if c.decode {
		eo.Decode, err = engine.DecodeTail(net, c.form, c.dt, tailSteps(c.form, c.steps))
		require.NoError(t, err)
	}
	path := filepath.Join(dir, name+".onnx")
	require.NoError(t, export.WriteFile(path, net.Cell, eo))
	return path
}

// checkAll runs the official checker on every model at once.
func checkAll(t *testing.T, paths []string) {
	t.Helper()
	report, err := exporttest.CheckONNX(paths)
	require.NoError(t, err, report)
}

// open reads a model back, compiles its network again from the
// metadata and prepares it in rt.
func open(t *testing.T, path string, rt engine.Runtime) (*engine.Runner, *compile.Network) {
	t.Helper()
	m, err := export.Read(path)
	require.NoError(t, err)
	net, err := engine.Recompile(m)
	require.NoError(t, err)
	run, err := engine.Open(path, rt, net)
	require.NoError(t, err)
	t.Cleanup(func() { run.Close() })
	return run, net
}

// checkModel checks count random instances (nsteps steps without a
// generator) and the given files, and requires no mismatch.
func checkModel(t *testing.T, path string, rt engine.Runtime, count int, seed uint64, nsteps int, files []string, optima map[string]int64) *verify.Report {
	t.Helper()
	run, net := open(t, path, rt)
	rep := &verify.Report{}
	require.NoError(t, verify.Model(rep, run, net, count, seed, nsteps, files, optima))
	for _, c := range rep.Failures {
		t.Errorf("%s: %s", c.Name, c.Mismatch)
	}
	require.Zero(t, rep.Mismatches)
	if count > 0 {
		assert.Equal(t, count, rep.Rows[0].Cases)
	}
	return rep
}

// The acceptance run: every layout × form × dtype of the knapsack
// network at pmax = 20 passes the official checker, and ONNX Runtime's
// outputs equal the exact DP on 1000 random instances; the dense cell runs
// in onnx-go too.
func TestModelEveryLayoutFormDType(t *testing.T) {
	requireORT(t, true)
	dir := t.TempDir()
	var paths []string
	for _, layout := range []export.Layout{export.Dense, export.Structured} {
		for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
			for _, dt := range []export.DType{export.Float32, export.Float64} {
				name := fmt.Sprintf("%v_%v_%v", layout, form, dt)
				c := model{program: "examples/knapsack.dp", set: map[string]int64{"pmax": 20}, form: form, layout: layout, dt: dt}
				if form == export.Unrolled {
					c.steps = 6
				}
				// The answer tail, checked against the exact DP too. Not in
				// float32 here: with real sizes its tolerance (for 1000
				// steps) is wide enough to take a size sum just above 1 for
				// 1; the integer program below is exact in float32.
				c.decode = form != export.Cell && dt == export.Float64
				path := c.write(t, dir, name)
				paths = append(paths, path)
				t.Run(name, func(t *testing.T) {
					checkModel(t, path, engine.ORT, 1000, 5, 10, nil, nil)
					if layout == export.Dense && form == export.Cell {
						checkModel(t, path, engine.OnnxGo, 200, 1, 10, nil, nil)
					}
				})
			}
		}
	}
	checkAll(t, paths)
}

// Integer data are exact in float32, decode tail included: knapsack_int.dp
// (integer sizes, capacity C, infeasible 2C) in every layout and form.
func TestModelFloat32ExactOnIntegers(t *testing.T) {
	requireORT(t, false)
	dir := t.TempDir()
	for _, layout := range []export.Layout{export.Dense, export.Structured} {
		for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
			name := fmt.Sprintf("%v_%v", layout, form)
			t.Run(name, func(t *testing.T) {
				c := model{program: "examples/knapsack_int.dp", set: map[string]int64{"pmax": 20, "capacity": 50},
					form: form, layout: layout, dt: export.Float32, decode: true}
				if form == export.Unrolled {
					c.steps = 5
				}
				rep := checkModel(t, c.write(t, dir, name), engine.ORT, 500, 1, 6, nil, nil)
				for _, row := range rep.Rows {
					for label, e := range row.MaxErr {
						assert.Zero(t, e, "%s: integer data must be exact in float32", label)
					}
				}
			})
		}
	}
}

// Real instances through ONNX Runtime: each lowdim instance whose profit
// sum is small enough for a quick structured export, compiled with its own
// pmax (the sum of its profits), answers its known optimum.
func TestModelLowdim(t *testing.T) {
	requireORT(t, false)
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	lowdim := filepath.Join(root, "testdata", "lowdim")
	optima, err := instance.OptimaIn(lowdim)
	require.NoError(t, err)
	dir := t.TempDir()
	held := 0
	for _, c := range []struct {
		file string
		pmax int64
	}{{"f3_l-d_kp_4_20", 48}, {"f4_l-d_kp_4_11", 41}, {"f6_l-d_kp_10_60", 105}, {"f7_l-d_kp_7_50", 188}, {"f9_l-d_kp_5_80", 142}, {"f1_l-d_kp_10_269", 412}} {
		m := model{program: "examples/knapsack.dp", set: map[string]int64{"pmax": c.pmax}, form: export.Loop, layout: export.Structured, dt: export.Float64}
		rep := checkModel(t, m.write(t, dir, c.file), engine.ORT, 0, 1, 10, []string{filepath.Join(lowdim, c.file+".txt")}, optima)
		require.Len(t, rep.Rows, 1)
		require.Empty(t, rep.Rows[0].Skipped)
		assert.Equal(t, fmt.Sprint(optima[c.file]), rep.Rows[0].Known)
		assert.Equal(t, 1, rep.Rows[0].Cases)
		held++
	}
	assert.Equal(t, 6, held)
}

// The FPTAS-NN exported as ONNX: every layout and form runs in ONNX
// Runtime with states equal to the rounded DP, answers equal to it and
// within the guarantee — with P below pmax (rounding happens) and above it.
// (The unrolled form shows its final state only, so its run cannot
// certify an error bound: its states are reported unchecked, not passed.)
func TestModelFPTAS(t *testing.T) {
	requireORT(t, true)
	dir := t.TempDir()
	var paths []string
	for _, P := range []int{12, 50} {
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
				name := fmt.Sprintf("P%d_%v_%v", P, layout, form)
				c := model{program: "examples/knapsack.dp", set: map[string]int64{"pmax": 30}, opt: compile.Options{Scheme: compile.FPTAS, P: P},
					form: form, layout: layout, dt: export.Float64}
				if form == export.Unrolled {
					c.steps = 5
				}
				path := c.write(t, dir, name)
				paths = append(paths, path)
				t.Run(name, func(t *testing.T) {
					checkModel(t, path, engine.ORT, 60, 9, 10, nil, nil)
				})
			}
		}
	}
	checkAll(t, paths)
}

// The smooth scheme exported as ONNX (value and marginals, the backward
// pass in the graph): the checker accepts it, and ONNX Runtime matches the
// Go reference to 1e-5 in float32 and 1e-12 in float64, for knapsack and
// top-k and every regulariser.
func TestModelSmooth(t *testing.T) {
	requireORT(t, true)
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	knapsack5, err := instance.ReadInstanceFile(filepath.Join(root, "testdata", "smooth", "knapsack5.json"))
	require.NoError(t, err)
	dir := t.TempDir()
	var paths []string
	for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			opt := compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 0.8}
			// knapsack_value (its default params) with the weights of
			// knapsack5.json fixed, as dp2nn compile -instance does.
			f, err := repo.ReadProgram("examples/knapsack_value.dp")
			require.NoError(t, err)
			m, err := dsl.Check(f, nil)
			require.NoError(t, err)
			steps, err := instance.Bind(m, knapsack5)
			require.NoError(t, err)
			for _, c := range []model{
				{program: "examples/knapsack_value.dp", opt: opt.SmoothInstance(m, steps)},
				{program: "examples/topk.dp", set: map[string]int64{"k": 3}, opt: compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 0.8, Steps: 6}},
			} {
				c.dt, c.layout = dt, export.Dense
				name := fmt.Sprintf("%s_%v_%v", filepath.Base(c.program), reg, dt)
				path := c.write(t, dir, name)
				paths = append(paths, path)
				t.Run(name, func(t *testing.T) {
					for _, rt := range []engine.Runtime{engine.ORT, engine.Go} {
						run, net := open(t, path, rt)
						sc, err := verify.SmoothModel(run, path, rt, net, 100, 1, nil)
						require.NoError(t, err)
						assert.Zero(t, sc.Mismatches, "%s: %v", rt, sc.Failures)
					}
				})
			}
		}
	}
	checkAll(t, paths)
}

// tailSteps is the step count a decode tail covers: the unrolled form's
// own, 1000 for a loop.
func tailSteps(form export.Form, steps int) int {
	if form == export.Unrolled {
		return steps
	}
	return 1000
}
