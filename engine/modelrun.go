package engine

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine/onnxgo"
	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
)

// Runtime names an ONNX runtime.
type Runtime string

const (
	Go     Runtime = "go"     // engine/onnxref, dp2nn's own ONNX interpreter
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
	ref     *onnxref.Session
	// OpenTime is how long preparing the model in the runtime took (for
	// ONNX Runtime, creating the session), reading the file excluded.
	OpenTime time.Duration
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
	start := time.Now()
	defer func() { r.OpenTime = time.Since(start) }()
	if m.Decode != "" && rt == OnnxGo {
		return nil, fmt.Errorf("%s: onnx-go cannot run the decode tail; export without -decode", path)
	}
	switch rt {
	case Go:
		if r.ref, err = onnxref.Open(m); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
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

// Runtime is the runtime the model runs in.
func (r *Runner) Runtime() Runtime { return r.runtime }

// Close releases the runtime's resources.
func (r *Runner) Close() error {
	if r.session != nil {
		return r.session.Close()
	}
	return nil
}

// Run runs the model once on one tensor per graph input and returns every
// graph output.
func (r *Runner) Run(in map[string]export.Tensor) (map[string]export.Tensor, error) {
	switch r.runtime {
	case ORT:
		return r.session.Run(in)
	case OnnxGo:
		return onnxgo.Run(r.bytes, in)
	}
	return r.ref.Run(in)
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
	obs, err := r.observe(data, [][][]float64{steps})
	return obs[0], err
}

// ObserveBatch is Observe for several instances of one length at once:
// they are the rows of the model's batch dimension N, so each run of the
// model (one per step in the cell form, one in all in the others) serves
// all of them. What every instance shows is what Observe shows for it.
func (r *Runner) ObserveBatch(steps [][][]float64) ([]Observed, error) {
	if len(r.net.Data) > 0 {
		return nil, fmt.Errorf("program %s has data (%s); use ObserveData or ObserveInstance", r.net.Model.Name, strings.Join(r.net.Data, ", "))
	}
	if len(steps) == 0 {
		return nil, nil
	}
	return r.observe(nil, steps)
}

// observe runs the instances of batch, all of one length, as the rows of
// the batch dimension; data (one instance's) only with a batch of one.
// It returns one Observed per instance, partly filled on error.
func (r *Runner) observe(data [][]float64, batch [][][]float64) ([]Observed, error) {
	dt := Float32
	if r.Model.DType == export.Float64 {
		dt = Float64
	}
	N, n := len(batch), len(batch[0])
	init := make([][]float64, len(r.net.State))
	for i, name := range r.net.State {
		init[i] = r.net.Init[name]
	}
	obs := make([]Observed, N)
	for b := range obs {
		obs[b] = Observed{Label: fmt.Sprintf("%s %s", r.runtime, dt), DType: dt, States: make([][][]float64, n+1)}
		obs[b].States[0] = init
	}
	if data != nil && N != 1 {
		return obs, fmt.Errorf("a batch of %d instances with data", N)
	}
	dataIn, err := r.dataTensors(data)
	if err != nil {
		return obs, err
	}
	for b, steps := range batch {
		if len(steps) != n {
			return obs, fmt.Errorf("instance %d has %d steps, instance 1 has %d: a batch is of one length", b+1, len(steps), n)
		}
		for t, step := range steps {
			if len(step) != len(r.net.StepInputs) {
				return obs, fmt.Errorf("step %d has %d input values, want %d", t+1, len(step), len(r.net.StepInputs))
			}
		}
	}
	// split sets state i of every instance at step t from a batch output
	// laid out [N, len] from offset at.
	split := func(t, i int, all []float64, at int) {
		w := len(init[i])
		for b := range obs {
			if obs[b].States[t] == nil {
				obs[b].States[t] = make([][]float64, len(r.net.State))
			}
			obs[b].States[t][i] = all[at+b*w : at+(b+1)*w]
		}
	}
	switch r.Model.Form {
	case export.Cell:
		cur := make([][]float64, len(init)) // [N, len] per state
		for i, v := range init {
			for range N {
				cur[i] = append(cur[i], v...)
			}
		}
		for t := 0; t < n; t++ {
			in := map[string]export.Tensor{}
			for i, name := range r.net.State {
				in[name] = export.NewTensor(append([]float64(nil), cur[i]...), N, len(init[i]))
			}
			for i, name := range r.net.StepInputs {
				col := make([]float64, N)
				for b := range batch {
					col[b] = batch[b][t][i]
				}
				in[name] = export.NewTensor(col, N, 1)
			}
			maps.Copy(in, dataIn)
			out, err := r.Run(in)
			if err != nil {
				return obs, fmt.Errorf("step %d: %v", t+1, err)
			}
			for i, name := range r.net.State {
				o, ok := out[name+"_next"]
				if !ok {
					o, ok = out[name]
				}
				if !ok || len(o.Data) != N*len(init[i]) {
					return obs, fmt.Errorf("step %d: the model has no output for state %s of length %d", t+1, name, len(init[i]))
				}
				cur[i] = o.Data
				split(t+1, i, o.Data, 0)
			}
			answers(obs, out)
		}
		return obs, nil
	case export.Unrolled, export.Loop:
		if r.Model.Steps > 0 && n != r.Model.Steps {
			return obs, fmt.Errorf("the %s model takes exactly %d steps, the instance has %d", r.Model.Form, r.Model.Steps, n)
		}
		if n == 0 {
			return obs, fmt.Errorf("the %s model runs at least one step", r.Model.Form)
		}
		in := map[string]export.Tensor{}
		for i, name := range r.net.StepInputs {
			col := make([]float64, 0, N*n) // [N, n, 1]
			for b := range batch {
				for t := range n {
					col = append(col, batch[b][t][i])
				}
			}
			in[name] = export.NewTensor(col, N, n, 1)
		}
		maps.Copy(in, dataIn)
		out, err := r.Run(in)
		if err != nil {
			return obs, err
		}
		for i, name := range r.net.State {
			w := len(init[i])
			o, ok := out[name]
			if !ok || len(o.Data) != N*w {
				return obs, fmt.Errorf("the model has no final output for state %s of length %d", name, w)
			}
			if r.Model.Form == export.Loop {
				all, ok := out[name+"_steps"] // [n, N, len]
				if !ok || len(all.Data) != n*N*w {
					return obs, fmt.Errorf("the loop model has no per-step output %s_steps", name)
				}
				for t := 0; t < n; t++ {
					split(t+1, i, all.Data, t*N*w)
				}
			}
			split(n, i, o.Data, 0)
		}
		answers(obs, out)
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

// answers sets every instance's answer, and whether it is certain, from
// the decode tail's outputs "answer" and "answer_certain" [N], if the
// model has them.
func answers(obs []Observed, out map[string]export.Tensor) {
	for name, set := range map[string]func(*Observed, *float64){
		"answer":         func(o *Observed, v *float64) { o.Answer = v },
		"answer_certain": func(o *Observed, v *float64) { o.Certain = v },
	} {
		a, ok := out[name]
		if !ok || len(a.Data) != len(obs) {
			continue
		}
		for b := range obs {
			v := a.Data[b]
			set(&obs[b], &v)
		}
	}
}

// OpenRaw prepares a model that export.Parse does not read (the smooth
// graph of one instance, export/smoothonnx) in rt: ONNX Runtime or the Go
// reference (engine/onnxref); onnx-go lacks most of its operators.
func OpenRaw(path string, b []byte, rt Runtime) (*Runner, error) {
	r := &Runner{runtime: rt, bytes: b}
	start := time.Now()
	var err error
	switch rt {
	case ORT:
		r.session, err = onnxrt.NewSession(b, onnxrt.Options{})
	case Go:
		if r.ref, err = onnxref.OpenBytes(b); err != nil {
			err = fmt.Errorf("%s: %v", path, err)
		}
	default:
		err = fmt.Errorf("%s: the smooth graph of one instance runs in -runtime ort or go, not %s (onnx-go's gorgonnx backend has no Cast, Pad, Slice, Gather, Shape, Expand, Where, And, Less, ReduceMax, ReduceSum, TopK, CumSum, GatherElements, ScatterElements or ConstantOfShape)", path, rt)
	}
	if err != nil {
		return nil, err
	}
	r.OpenTime = time.Since(start)
	return r, nil
}
