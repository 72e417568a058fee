package compile

import (
	"fmt"
	"unsafe"

	"github.com/dp2nn/dp2nn/relu"
)

// Runner applies a network's cell once per step, evaluating in T (float32
// or float64 arithmetic throughout). It reuses its evaluator between runs
// and is not safe for concurrent use.
type Runner[T relu.Float] struct {
	net        *Network
	ev         *relu.Evaluator[T]
	numState   int   // state values at the front of a cell input row
	stateSizes []int // per state
	numStep    int   // step input values after them
	data       []T   // the data blocks' values (after the step inputs), as fed
}

// checkType refuses to run the network for n steps in T when T cannot
// hold its integers exactly (CheckIntegers): an index, indicator or
// integer state would then be wrong, not rounded. compile and export
// refuse such a type before writing a model; every run refuses it too,
// for the number of steps it is asked to take.
func (r *Runner[T]) checkType(n int) error {
	if r.net.Rounding != nil {
		return nil // the fptas run certifies its own integers (RunTolerance)
	}
	u := Float64Roundoff
	if unsafe.Sizeof(T(0)) == 4 {
		u = Float32Roundoff
	}
	return r.net.CheckIntegers(u, n)
}

// NewRunner prepares net for evaluation in T.
func NewRunner[T relu.Float](net *Network) (*Runner[T], error) {
	if net.Steps > 0 {
		return nil, fmt.Errorf("compile: the %v network is unrolled over %d steps; evaluate it with SmoothValue", net.Scheme, net.Steps)
	}
	ev, err := relu.NewEvaluator[T](net.Cell)
	if err != nil {
		return nil, err
	}
	r := &Runner[T]{net: net, ev: ev}
	for _, name := range net.State {
		blk, ok := net.Cell.Input(name)
		if !ok {
			panic("compile: state " + name + " is not an input of the cell")
		}
		r.stateSizes = append(r.stateSizes, blk.Len)
		r.numState += blk.Len
	}
	r.numStep = len(net.StepInputs)
	numData := 0
	for _, name := range net.Data {
		blk, ok := net.Cell.Input(name)
		if !ok {
			panic("compile: data " + name + " is not an input of the cell")
		}
		numData += blk.Len
	}
	if r.numState+r.numStep+numData != ev.NumInputs() || r.numState != ev.NumOutputs() {
		panic("compile: cell layout does not match its program")
	}
	r.data = make([]T, numData)
	return r, nil
}

// SetData sets the values of the program's data arrays for the following
// runs: data[k] holds Model.Data[k] row-major, +inf as +Inf (see
// Network.Feed).
func (r *Runner[T]) SetData(data [][]float64) error {
	fed, err := r.net.Feed(data)
	if err != nil {
		return err
	}
	at := 0
	for _, d := range fed {
		for _, x := range d {
			r.data[at] = T(x)
			at++
		}
	}
	return nil
}

// RunSteps runs a program without step inputs (a program with a steps
// line) for n steps on data, returning every state as Run does.
func (r *Runner[T]) RunSteps(data [][]float64, n int) ([][][]float64, error) {
	if r.numStep != 0 {
		return nil, fmt.Errorf("program %s has step inputs; use Run", r.net.Model.Name)
	}
	if err := r.SetData(data); err != nil {
		return nil, err
	}
	return r.Run(make([][]float64, n))
}

// Run runs one instance: steps[t] holds the values of the step inputs (in
// declaration order) of step t+1. It returns every state: states[t][s] is
// state s after step t, states[0] the initial state. Values are T values
// converted exactly to float64.
func (r *Runner[T]) Run(steps [][]float64) ([][][]float64, error) {
	if err := r.checkType(len(steps)); err != nil {
		return nil, err
	}
	nin := r.ev.NumInputs()
	row := make([]T, nin)
	copy(row[r.numState+r.numStep:], r.data)
	out := make([]T, r.numState)
	at := 0
	for _, name := range r.net.State {
		for _, x := range r.net.Init[name] {
			row[at] = T(x)
			at++
		}
	}
	states := [][][]float64{r.split(row[:r.numState])}
	for t, step := range steps {
		if len(step) != r.numStep {
			return nil, fmt.Errorf("step %d has %d input values, want %d", t+1, len(step), r.numStep)
		}
		for i, x := range step {
			row[r.numState+i] = T(x)
		}
		if err := r.ev.Run(row, out, 1); err != nil {
			return nil, err
		}
		copy(row, out)
		states = append(states, r.split(out))
	}
	return states, nil
}

// RunBatch runs many instances of the same length together (one batch row
// each) and returns only the final states: final[b][s] is state s of
// instance b.
func (r *Runner[T]) RunBatch(instances [][][]float64) ([][][]float64, error) {
	batch := len(instances)
	if batch == 0 {
		return nil, nil
	}
	n := len(instances[0])
	if err := r.checkType(n); err != nil {
		return nil, err
	}
	nin := r.ev.NumInputs()
	rows := make([]T, batch*nin)
	out := make([]T, batch*r.numState)
	for b := range instances {
		if len(instances[b]) != n {
			return nil, fmt.Errorf("instance %d has %d steps, want %d (a batch shares its length)", b, len(instances[b]), n)
		}
		at := b * nin
		copy(rows[at+r.numState+r.numStep:at+nin], r.data)
		for _, name := range r.net.State {
			for _, x := range r.net.Init[name] {
				rows[at] = T(x)
				at++
			}
		}
	}
	for t := 0; t < n; t++ {
		for b, inst := range instances {
			if len(inst[t]) != r.numStep {
				return nil, fmt.Errorf("instance %d step %d has %d input values, want %d", b, t+1, len(inst[t]), r.numStep)
			}
			for i, x := range inst[t] {
				rows[b*nin+r.numState+i] = T(x)
			}
		}
		if err := r.ev.Run(rows, out, batch); err != nil {
			return nil, err
		}
		for b := 0; b < batch; b++ {
			copy(rows[b*nin:b*nin+r.numState], out[b*r.numState:(b+1)*r.numState])
		}
	}
	final := make([][][]float64, batch)
	for b := range final {
		final[b] = r.split(rows[b*nin : b*nin+r.numState])
	}
	return final, nil
}

func (r *Runner[T]) split(v []T) [][]float64 {
	out := make([][]float64, len(r.stateSizes))
	at := 0
	for s, n := range r.stateSizes {
		out[s] = make([]float64, n)
		for i := range out[s] {
			out[s][i] = float64(v[at+i])
		}
		at += n
	}
	return out
}

// RunStepsBatch runs a program without step inputs on many instances at
// once (one batch row each) for n steps: datas[b] holds instance b's data
// arrays. It returns every state of every instance: states[b][t][s] is
// state s of instance b after step t (t = 0 the initial state).
func (r *Runner[T]) RunStepsBatch(datas [][][]float64, n int) ([][][][]float64, error) {
	if r.numStep != 0 {
		return nil, fmt.Errorf("program %s has step inputs; use RunBatch", r.net.Model.Name)
	}
	if err := r.checkType(n); err != nil {
		return nil, err
	}
	batch := len(datas)
	nin := r.ev.NumInputs()
	rows := make([]T, batch*nin)
	out := make([]T, batch*r.numState)
	states := make([][][][]float64, batch)
	for b, data := range datas {
		if err := r.SetData(data); err != nil {
			return nil, fmt.Errorf("instance %d: %w", b, err)
		}
		at := b * nin
		copy(rows[at+r.numState:at+nin], r.data)
		for _, name := range r.net.State {
			for _, x := range r.net.Init[name] {
				rows[at] = T(x)
				at++
			}
		}
		states[b] = [][][]float64{r.split(rows[b*nin : b*nin+r.numState])}
	}
	for range n {
		if err := r.ev.Run(rows, out, batch); err != nil {
			return nil, err
		}
		for b := range batch {
			copy(rows[b*nin:b*nin+r.numState], out[b*r.numState:(b+1)*r.numState])
			states[b] = append(states[b], r.split(out[b*r.numState:(b+1)*r.numState]))
		}
	}
	return states, nil
}
