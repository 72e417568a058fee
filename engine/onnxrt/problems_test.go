package onnxrt_test

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
)

// sample is one random instance of a problem with its exact run.
type sample struct {
	steps [][]float64 // per step, the values of the model's inputs
	trace *truth.Trace
	// answer is the exact answer as the decode tail reports it: the index
	// found, or NaN for "none".
	answer float64
}

// decodeFor is the export decode tail of a compiled network's answer line
// when it is a simple index search and the tail can be exact or certain
// in form and element type dt (engine.DecodeTail) for up to maxSteps
// steps; nil otherwise.
func decodeFor(t testing.TB, net *compile.Network, form export.Form, dt export.DType, maxSteps int) *export.Decode {
	if _, ok := net.Search(); !ok {
		return nil
	}
	d, err := engine.DecodeTail(net, form, dt, maxSteps)
	if err != nil {
		// Refused: real values in float32, or in the Cell form.
		require.True(t, net.Model.States[0].Type != dsl.Int, "an integer program's tail is refused: %v", err)
		return nil
	}
	return d
}

// Every problem of verify's shared table (knapsack with pmax 5 and 20,
// Appendix D instances, integer knapsack, subset sum, coin change),
// compiled and exported in every layout × form × dtype, gives in ONNX
// Runtime the states of the exact DP (within the network's decode
// tolerance, compile.Network.DecodeTolerance) after every step the form
// exposes, and exactly its answer.
func TestProblemsMatchExactDP(t *testing.T) {
	requireORT(t)
	for pi, p := range problems.StepCases() {
		t.Run(p.Name, func(t *testing.T) {
			m, err := p.Model()
			require.NoError(t, err)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			rng := instance.NewRand(uint64(100 + pi))
			groups := map[int][]sample{} // by number of steps
			maxSteps := 0
			for range 24 {
				steps := p.Random(rng, m)
				tr, err := truth.RunDP(m, steps)
				require.NoError(t, err)
				in := sample{steps: steps, trace: tr, answer: math.NaN()}
				if m.Answer != nil {
					a, err := tr.Answer()
					require.NoError(t, err)
					in.answer = a.Float64()
				}
				groups[len(steps)] = append(groups[len(steps)], in)
				maxSteps = max(maxSteps, len(steps))
			}
			ns := make([]int, 0, len(groups))
			for n := range groups {
				ns = append(ns, n)
			}
			slices.Sort(ns)
			for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
				for _, layout := range []export.Layout{export.Dense, export.Structured} {
					for _, dt := range []export.DType{export.Float32, export.Float64} {
						opt := export.Options{Layout: layout, Form: form, DType: dt, Decode: decodeFor(t, net, form, dt, maxSteps)}
						if form != export.Cell {
							opt.State, opt.Init = net.State, net.Init
						}
						t.Run(fmt.Sprintf("%v/%v/%v", layout, form, dt), func(t *testing.T) {
							for i, n := range ns {
								// The Unrolled form needs one model per number
								// of steps; three of them keep the test fast.
								if form == export.Unrolled && i != 0 && i != len(ns)/2 && i != len(ns)-1 {
									continue
								}
								checkGroup(t, net, opt, groups[n])
							}
						})
					}
				}
			}
		})
	}
}

// checkGroup runs one batch of instances with the same number of steps.
func checkGroup(t *testing.T, net *compile.Network, opt export.Options, insts []sample) {
	t.Helper()
	m := net.Model
	n, batch := len(insts[0].steps), len(insts)
	if opt.Form == export.Unrolled {
		opt.Steps = n
	}
	model, err := export.Marshal(net.Cell, opt)
	require.NoError(t, err)
	s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
	require.NoError(t, err)
	defer s.Close()
	tol := net.DecodeTolerance(engine.Roundoff(opt.DType), n)
	// checkState compares state si after step k of every instance with the
	// exact DP; rows holds batch rows of the state's cells.
	checkState := func(k, si int, rows []float64) {
		cells := len(rows) / batch
		for r, in := range insts {
			e, cell := in.trace.Compare(k, si, rows[r*cells:(r+1)*cells])
			require.LessOrEqual(t, e, tol, "instance %d, state %s after step %d: error %g at cell %d exceeds the tolerance", r, m.States[si].Name, k, e, cell)
		}
	}
	checkAnswer := func(out map[string]export.Tensor) {
		got := out["answer"]
		certain, hasCertain := out["answer_certain"]
		for r, in := range insts {
			a := got.Data[r]
			if hasCertain && certain.Data[r] == 0 {
				require.True(t, math.IsNaN(a), "instance %d: answer %v, but not certain", r, a)
				continue
			}
			require.True(t, a == in.answer || math.IsNaN(a) && math.IsNaN(in.answer), "instance %d: answer %v, exact DP %v", r, a, in.answer)
		}
	}
	stepInputs := func(k int) map[string]export.Tensor { // step k (0-based) of every instance, [batch, 1] per input
		in := map[string]export.Tensor{}
		for i, name := range net.StepInputs {
			d := make([]float64, batch)
			for r, x := range insts {
				d[r] = x.steps[k][i]
			}
			in[name] = export.NewTensor(d, batch, 1)
		}
		return in
	}

	switch opt.Form {
	case export.Cell:
		state := map[string]export.Tensor{}
		for _, name := range net.State {
			init := net.Init[name]
			d := make([]float64, 0, batch*len(init))
			for range batch {
				d = append(d, init...)
			}
			state[name] = export.NewTensor(d, batch, len(init))
		}
		for k := range n {
			in := stepInputs(k)
			for name, v := range state {
				in[name] = v
			}
			out, err := s.Run(in)
			require.NoError(t, err)
			for si, name := range net.State {
				state[name] = out[name+"_next"]
				checkState(k+1, si, state[name].Data)
			}
			if k == n-1 && opt.Decode != nil {
				checkAnswer(out)
			}
		}
	default:
		in := map[string]export.Tensor{}
		for i, name := range net.StepInputs {
			d := make([]float64, 0, batch*n)
			for _, x := range insts {
				for k := range n {
					d = append(d, x.steps[k][i])
				}
			}
			in[name] = export.NewTensor(d, batch, n, 1)
		}
		out, err := s.Run(in)
		require.NoError(t, err)
		for si, name := range net.State {
			checkState(n, si, out[name].Data)
			if opt.Form == export.Loop {
				all := out[name+"_steps"] // [n, batch, cells]
				size := len(all.Data) / n
				for k := range n {
					checkState(k+1, si, all.Data[k*size:(k+1)*size])
				}
			}
		}
		if opt.Decode != nil {
			checkAnswer(out)
		}
	}
}

// ONNX's own checker accepts every problem of verify's table compiled and
// exported in every layout × form × dtype.
func TestProblemsPassONNXChecker(t *testing.T) {
	exporttest.RequireONNXPython(t)
	dir := t.TempDir()
	var paths []string
	for pi, p := range problems.StepCases() {
		m, err := p.Model()
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{})
		require.NoError(t, err)
		for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
			for _, layout := range []export.Layout{export.Dense, export.Structured} {
				for _, dt := range []export.DType{export.Float32, export.Float64} {
					steps := 10
					if form == export.Unrolled {
						steps = 3
					}
					opt := export.Options{Layout: layout, Form: form, DType: dt, Decode: decodeFor(t, net, form, dt, steps), Doc: net.Cell.Doc}
					if form != export.Cell {
						opt.State, opt.Init = net.State, net.Init
					}
					if form == export.Unrolled {
						opt.Steps = 3
					}
					path := filepath.Join(dir, fmt.Sprintf("p%d_%v_%v_%v.onnx", pi, layout, form, dt))
					require.NoError(t, export.WriteFile(path, net.Cell, opt))
					paths = append(paths, path)
				}
			}
		}
	}
	report, err := exporttest.CheckONNX(paths)
	require.NoError(t, err)
	t.Log(report)
}
