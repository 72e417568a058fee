// Package modelrun runs an ONNX model written by dp2nn, in any of its
// forms, in a chosen runtime, and reports what it computed on an instance
// as a Observed, so that verify.Compare can check it against the
// exact DP.
//
//	run, _ := engine.Open("k.onnx", engine.ORT, net)
//	defer run.Close()
//	obs, _ := run.Observe(steps)
//	c, _ := verify.Compare(net, "instance", steps, []Observed{obs}, nil)
//
// A program with data and a steps line runs with ObserveData (data as
// given, +inf as math.Inf(1)); its states come back in the network's
// representation (compile.Network.Exact reads them back):
//
//	obs, _ := run.ObserveData(data, model.Steps)
//	final := net.Exact(obs.States[model.Steps])
//
// The runtimes: the Go reference interpreter of export (Go), ONNX Runtime
// (ORT, through verify/onnxrt) and onnx-go's gorgonnx backend (OnnxGo,
// dense layout and cell form only: gorgonnx has no Loop, Gather or
// Expand).
package engine

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine/onnxgo"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
)

// Runtime names an ONNX runtime.
type Runtime string

const (
	Go     Runtime = "go"     // export.Model.Run, dp2nn's own interpreter
	ORT    Runtime = "ort"    // ONNX Runtime
	OnnxGo Runtime = "onnxgo" // github.com/owulveryck/onnx-go, gorgonnx backend
)

// ParseRuntime parses "go", "ort" or "onnxgo".
func ParseRuntime(s string) (Runtime, error) {
	switch r := Runtime(s); r {
	case Go, ORT, OnnxGo:
		return r, nil
	}
	return "", fmt.Errorf("unknown runtime %q (want go, ort or onnxgo)", s)
}

// ExportOptions returns the export options that present net in form,
// layout and dt: its state and initial values, its data blocks, and for a
// program with +inf values the stand-in BigM with the data blocks the
// model replaces +inf in and the finite maximum of every state that may
// be +inf. A program with a steps line gets that step count (Unrolled and
// Loop forms); settled asks for the settled Unrolled form
// (compile.Network.Settled). The caller adds Doc, Metadata and Decode
// (DecodeTail), and Steps for the Unrolled form of a program with step
// inputs. A type that cannot hold the network's integers exactly is
// refused (compile.Network.CheckIntegers).
func ExportOptions(net *compile.Network, form export.Form, layout export.Layout, dt export.DType, settled bool) (export.Options, error) {
	m := net.Model
	opt := export.Options{Form: form, Layout: layout, DType: dt, State: net.State, Init: net.Init, Data: net.Data}
	if form != export.Cell && m.Steps > 0 {
		opt.Steps = m.Steps
	}
	steps := -1
	if m.Steps > 0 {
		steps = m.Steps + 1 // and one more for "require fixpoint"
	}
	if err := net.CheckIntegers(Roundoff(dt), steps); err != nil {
		return opt, err
	}
	opt.Inf = InfOptions(net)
	if settled {
		if form != export.Unrolled {
			return opt, fmt.Errorf("the settled form is an unrolled form, not %v", form)
		}
		if m.Steps == 0 || net.Rounding != nil {
			return opt, fmt.Errorf("the settled form needs a program with a steps line (%s has none, or its %v network rounds its state)", m.Name, net.Scheme)
		}
		st, err := net.Settled()
		if err != nil {
			return opt, err
		}
		opt.Settled = st
		if err := net.CheckUnrolled(Roundoff(dt), opt.Steps); err != nil {
			return opt, err
		}
	}
	return opt, nil
}

// InfOptions returns how an exported model of net handles +inf: the
// stand-in BigM, the data blocks it replaces +inf in, and the finite
// maximum of every state that may be +inf; nil when net has no +inf.
func InfOptions(net *compile.Network) *export.Inf {
	if net.BigM == 0 {
		return nil
	}
	inf := &export.Inf{BigM: net.BigM, Finite: map[string]float64{}}
	for _, d := range net.Model.Data {
		if d.MayInf {
			inf.Data = append(inf.Data, d.Name)
		}
	}
	for _, s := range net.Model.States {
		if s.MayInf {
			inf.Finite[s.Name] = s.Hi
		}
	}
	return inf
}

// Runner runs one model file.
type Runner struct {
	Model   *export.Model
	runtime Runtime
	bytes   []byte
	net     *compile.Network
	session *onnxrt.Session
}

// Open reads the model at path and prepares it in rt. net is the network
// the model was exported from (recompiled from the program in the model's
// metadata): it says which inputs are state and which are step inputs.
func Open(path string, rt Runtime, net *compile.Network) (*Runner, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := export.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	r := &Runner{Model: m, runtime: rt, bytes: b, net: net}
	if m.Decode != "" && rt == OnnxGo {
		return nil, fmt.Errorf("%s: onnx-go cannot run the decode tail; export without -decode", path)
	}
	switch rt {
	case ORT:
		if r.session, err = onnxrt.NewSession(b, onnxrt.Options{}); err != nil {
			return nil, err
		}
	case OnnxGo:
		if m.Layout != export.Dense || m.Form != export.Cell {
			return nil, fmt.Errorf("%s: onnx-go runs only the dense cell form (this model is %s, %s): gorgonnx has no Loop, Gather or Expand", path, m.Layout, m.Form)
		}
		if m.DType == export.Float64 && m.Inf != nil && len(m.Inf.Data) > 0 {
			return nil, fmt.Errorf("%s: onnx-go runs the Min that replaces +inf in data blocks in float32 only; use a float32 model", path)
		}
	}
	return r, nil
}

// Close releases the runtime's resources.
func (r *Runner) Close() error {
	if r.session != nil {
		return r.session.Close()
	}
	return nil
}

func (r *Runner) run(in map[string]export.Tensor) (map[string]export.Tensor, error) {
	switch r.runtime {
	case ORT:
		return r.session.Run(in)
	case OnnxGo:
		return onnxgo.Run(r.bytes, in)
	}
	return r.Model.Run(in)
}

// Observe runs the model on one instance of a program with per-step
// inputs and no data (steps[t] holds the step inputs of step t+1 in the
// order of the program's inputs). The cell form shows every step's
// state, the loop form too (its per-step outputs), the unrolled form only
// the final one; the unrolled form needs exactly its number of steps.
func (r *Runner) Observe(steps [][]float64) (Observed, error) {
	if len(r.net.Data) > 0 {
		return Observed{}, fmt.Errorf("program %s has data (%s); use ObserveData or ObserveInstance", r.net.Model.Name, strings.Join(r.net.Data, ", "))
	}
	return r.ObserveInstance(nil, steps)
}

// ObserveData runs the model on one instance of a program with data and
// a steps line: data[k] holds the values of the program's data array k
// (Model.Data order) row-major, +inf as math.Inf(1), and steps is the
// number of steps to run: any number in the cell form, the model's own
// in the unrolled and loop forms (the program's step count). States are
// in the network's representation (+inf as compile.Network.BigM; read
// them back with compile.Network.Exact).
func (r *Runner) ObserveData(data [][]float64, steps int) (Observed, error) {
	if len(r.net.StepInputs) > 0 {
		return Observed{}, fmt.Errorf("program %s has per-step inputs (%s); use ObserveInstance", r.net.Model.Name, strings.Join(r.net.StepInputs, ", "))
	}
	if steps < 0 {
		return Observed{}, fmt.Errorf("cannot run %d steps", steps)
	}
	return r.ObserveInstance(data, make([][]float64, steps))
}

// ObserveInstance is Observe and ObserveData in one: data as for
// ObserveData (nil for a program without data), steps as for Observe
// (empty rows for a program without step inputs).
//
// Data are checked against their declarations (compile.Network.Feed). A
// model that replaces +inf by BigM itself (its metadata dp2nn.inf lists
// the block) gets the data as given, +inf included, except in onnx-go,
// whose Min turns +inf into NaN; every other model gets them with +inf
// already replaced by BigM.
func (r *Runner) ObserveInstance(data [][]float64, steps [][]float64) (Observed, error) {
	dt := Float32
	if r.Model.DType == export.Float64 {
		dt = Float64
	}
	obs := Observed{Label: fmt.Sprintf("%s %s", r.runtime, dt), DType: dt, States: make([][][]float64, len(steps)+1)}
	init := make([][]float64, len(r.net.State))
	for i, name := range r.net.State {
		init[i] = r.net.Init[name]
	}
	obs.States[0] = init
	dataIn, err := r.dataTensors(data)
	if err != nil {
		return obs, err
	}
	for t, step := range steps {
		if len(step) != len(r.net.StepInputs) {
			return obs, fmt.Errorf("step %d has %d input values, want %d", t+1, len(step), len(r.net.StepInputs))
		}
	}
	switch r.Model.Form {
	case export.Cell:
		cur := init
		for t, step := range steps {
			in := map[string]export.Tensor{}
			for i, name := range r.net.State {
				in[name] = export.NewTensor(append([]float64(nil), cur[i]...), 1, len(cur[i]))
			}
			for i, name := range r.net.StepInputs {
				in[name] = export.NewTensor([]float64{step[i]}, 1, 1)
			}
			maps.Copy(in, dataIn)
			out, err := r.run(in)
			if err != nil {
				return obs, fmt.Errorf("step %d: %v", t+1, err)
			}
			next := make([][]float64, len(r.net.State))
			for i, name := range r.net.State {
				o, ok := out[name+"_next"]
				if !ok {
					o, ok = out[name]
				}
				if !ok || len(o.Data) != len(cur[i]) {
					return obs, fmt.Errorf("step %d: the model has no output for state %s of length %d", t+1, name, len(cur[i]))
				}
				next[i] = o.Data
			}
			obs.States[t+1], cur = next, next
			obs.Answer, obs.Certain = answerOf(out, "answer"), answerOf(out, "answer_certain")
		}
		return obs, nil
	case export.Unrolled, export.Loop:
		n := len(steps)
		if r.Model.Steps > 0 && n != r.Model.Steps {
			return obs, fmt.Errorf("the %s model takes exactly %d steps, the instance has %d", r.Model.Form, r.Model.Steps, n)
		}
		if n == 0 {
			return obs, fmt.Errorf("the %s model runs at least one step", r.Model.Form)
		}
		in := map[string]export.Tensor{}
		for i, name := range r.net.StepInputs {
			col := make([]float64, n)
			for t := range steps {
				col[t] = steps[t][i]
			}
			in[name] = export.NewTensor(col, 1, n, 1)
		}
		maps.Copy(in, dataIn)
		out, err := r.run(in)
		if err != nil {
			return obs, err
		}
		final := make([][]float64, len(r.net.State))
		for i, name := range r.net.State {
			o, ok := out[name]
			if !ok || len(o.Data) != len(init[i]) {
				return obs, fmt.Errorf("the model has no final output for state %s of length %d", name, len(init[i]))
			}
			final[i] = o.Data
			if r.Model.Form != export.Loop {
				continue
			}
			all, ok := out[name+"_steps"]
			if !ok || len(all.Data) != n*len(init[i]) {
				return obs, fmt.Errorf("the loop model has no per-step output %s_steps", name)
			}
			for t := 0; t < n; t++ {
				if obs.States[t+1] == nil {
					obs.States[t+1] = make([][]float64, len(r.net.State))
				}
				obs.States[t+1][i] = all.Data[t*len(init[i]) : (t+1)*len(init[i])]
			}
		}
		obs.States[n] = final
		obs.Answer, obs.Certain = answerOf(out, "answer"), answerOf(out, "answer_certain")
		return obs, nil
	}
	return obs, fmt.Errorf("unknown form %v", r.Model.Form)
}

// dataTensors checks data against the program and returns the model's
// data inputs, [1, Len] each.
func (r *Runner) dataTensors(data [][]float64) (map[string]export.Tensor, error) {
	fed, err := r.net.Feed(data)
	if err != nil {
		return nil, err
	}
	in := map[string]export.Tensor{}
	for k, name := range r.net.Data {
		v := fed[k]
		if inf := r.Model.Inf; inf != nil && slices.Contains(inf.Data, name) && r.runtime != OnnxGo {
			v = data[k] // the model replaces +inf itself
		}
		in[name] = export.NewTensor(append([]float64(nil), v...), 1, len(v))
	}
	return in, nil
}

// answerOf returns the decode tail's output name of one instance, if
// any.
func answerOf(out map[string]export.Tensor, name string) *float64 {
	a, ok := out[name]
	if !ok || len(a.Data) != 1 {
		return nil
	}
	v := a.Data[0]
	return &v
}
