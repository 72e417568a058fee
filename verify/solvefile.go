package verify

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
)

// This file is "dp2nn solve" on instance files: one instance (SolveFile,
// SolveInstance) or a batch of them on several goroutines (SolveBatch),
// each with its own params and network.

// SolveInput is what is asked of every instance: the program, the params
// given (the others come from each instance, instance.Params), the
// lowering and the dtype.
type SolveInput struct {
	File    *dsl.File
	Set     map[string]int64
	Request compile.Request
	DType   engine.DType
	// TooLarge refuses the network of m with opt before it is built,
	// saying why, job being what the solve costs (SolveInput.Job); nil
	// builds every network.
	TooLarge func(m *dsl.Model, opt compile.Options, job compile.Job) error
	// SmoothGraph runs -scheme smooth through smooth.Graph for every
	// program (compile's export), otherwise only where SmoothGraphApplies.
	SmoothGraph bool
	// MaxMemory bounds the bytes of the smooth scheme's graph and its
	// evaluation (-max-memory, SmoothLimit; SolveBatch shares it among
	// its workers); 0: no bound.
	MaxMemory int64
	workers   int // SolveBatch's workers sharing MaxMemory
}

// smoothLimit is in's SmoothLimit.
func (in SolveInput) smoothLimit() SmoothLimit {
	return SmoothLimit{MaxMemory: in.MaxMemory, Workers: in.workers}
}

// Solved is the report of one instance: a *SolveReport (programs with
// per-step inputs), *DataSolveReport (programs with data) or
// *SmoothReport or *SmoothGraphReport (the smooth scheme).
type Solved interface {
	WriteText(w io.Writer)
	// AnswerText is the answer as text: a number, "none", or the cells.
	AnswerText() string
}

// AnswerText is the decoded answer.
func (r *SolveReport) AnswerText() string { return r.Answer }

// AnswerText is the decoded answer.
func (r *DataSolveReport) AnswerText() string { return r.Answer }

// AnswerText is the smoothed value.
func (r *SmoothReport) AnswerText() string { return fmt.Sprintf("%.10g", r.Value) }

// Job is what solving an instance of steps steps (0: the program's
// steps line) with opt costs: one run in the dtype (float64 for the
// smooth scheme), and the exact interpreter re-evaluating an exact
// answer's selection (an fptas answer is checked against its guarantee
// alone).
func (in SolveInput) Job(opt compile.Options, steps int) compile.Job {
	job := compile.Job{Steps: steps, Batch: 1, DType: string(in.DType), Truth: opt.Scheme != compile.FPTAS}
	if opt.Scheme == compile.Smooth {
		job.DType = string(engine.Float64)
	}
	return job
}

// Check refuses, once for every instance, what no instance can make
// work: the smooth scheme or a target error ε for a program with data,
// the smooth scheme in float32.
func (in SolveInput) Check() error {
	switch {
	case in.File.HasData() && in.Request.Eps != 0:
		return fmt.Errorf("%s has data and a steps line; -eps chooses P = ⌈n²/ε⌉ for n items, which it has none of: give -P (the values a rounded offset takes)", in.File.DpPos.File)
	case in.Request.Scheme == compile.Smooth && in.DType != engine.Float64:
		return fmt.Errorf("-scheme smooth evaluates in float64 (its gradient is taken in float64); for float32 export it with dp2nn compile -dtype float32")
	}
	return nil
}

// SolveFile solves the instance file path (instance.ReadInstanceFile; for
// a program with data instance.ReadDataFile, a graph file from the source
// -set s gives). A failed check of the answer (a mismatch) comes back
// beside the report; any other error is bad input and comes alone.
func SolveFile(in SolveInput, path string) (Solved, error) {
	if err := in.Check(); err != nil {
		return nil, err
	}
	if in.File.HasData() {
		df, err := instance.ReadDataFileWithin(path, sourceFromSet(in.Set), in.MaxMemory)
		if err != nil {
			return nil, err
		}
		return in.solveData(df)
	}
	inst, err := instance.ReadInstanceFileWithin(path, in.MaxMemory)
	if err != nil {
		return nil, err
	}
	return in.solveSteps(inst)
}

// SolveInstance is SolveFile on an instance read already (a line of a
// JSON-lines file).
func SolveInstance(in SolveInput, inst *instance.Instance) (Solved, error) {
	if err := in.Check(); err != nil {
		return nil, err
	}
	if in.File.HasData() {
		return in.solveData(&instance.DataFile{Inst: inst, Kind: "instance"})
	}
	return in.solveSteps(inst)
}

// sourceFromSet is the 0-based source vertex a graph file is read with:
// -set s=K gives vertex K (the programs number vertices from 1), else -1.
func sourceFromSet(set map[string]int64) int {
	if s, ok := set["s"]; ok && s >= 1 {
		return int(s - 1)
	}
	return -1
}

// solveSteps solves an instance of a program with per-step inputs.
func (in SolveInput) solveSteps(inst *instance.Instance) (Solved, error) {
	params, notes, err := instance.Params(in.File, inst, in.Set)
	if err != nil {
		return nil, err
	}
	m, err := dsl.CheckWith(in.File, params, in.Request.Limits())
	if err != nil {
		return nil, err
	}
	steps, err := instance.Bind(m, inst)
	if err != nil {
		return nil, err
	}
	opt, err := in.Request.For(len(steps))
	if err != nil {
		return nil, err
	}
	if opt.Scheme == compile.Smooth && (SmoothGraphApplies(m) || in.SmoothGraph) {
		r, err := SolveSmoothGraph(m, inst.Source, nil, steps, opt, in.smoothLimit())
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	if opt.Scheme == compile.FPTAS {
		// Refused before the network is built, when the rule applies.
		if r, err := compile.RoundingOf(m, opt.P); err == nil {
			if err := CheckFloat32Exact(r, in.DType, steps); err != nil {
				return nil, err
			}
		}
	}
	if in.TooLarge != nil {
		est := opt
		if opt.Scheme == compile.Smooth {
			est = opt.SmoothInstance(m, steps)
		}
		if err := in.TooLarge(m, est, in.Job(est, len(steps))); err != nil {
			return nil, err
		}
	}
	if opt.Scheme == compile.Smooth {
		r, err := SolveSmooth(m, opt, inst.Source, steps)
		if err != nil { // not a nil *SmoothReport in a Solved
			return nil, err
		}
		return r, nil
	}
	net, err := compile.Lower(m, opt)
	if err != nil {
		return nil, err
	}
	r, checkErr := Solve(net, inst, steps, in.DType, notes)
	if r == nil {
		return nil, checkErr
	}
	if err := r.nanAnswer(); err != nil {
		return r, err
	}
	return r, checkErr
}

// solveData solves an instance of a program with data.
func (in SolveInput) solveData(df *instance.DataFile) (Solved, error) {
	params, notes, err := instance.Params(in.File, df.Inst, in.Set)
	if err != nil {
		return nil, err
	}
	for name := range params {
		// A defaulted param stays unset, so that it is derived again when
		// the fptas scheme re-checks the program with a rounded bound
		// (csp's cmax = (n−1)·lmax); the default is the same either way.
		if _, set := in.Set[name]; !set {
			if _, given := df.Inst.Scalars[name]; !given {
				delete(params, name)
			}
		}
	}
	m, err := dsl.Check(in.File, params)
	if err != nil {
		return nil, err
	}
	data, err := instance.BindData(m, df.Inst)
	if err != nil {
		return nil, err
	}
	opt, err := in.Request.For(0)
	if err != nil {
		return nil, err
	}
	if opt.Scheme == compile.Smooth {
		// smooth.NewGraph predicts its size and refuses before building.
		r, err := SolveSmoothGraph(m, df.Inst.Source, data, nil, opt, in.smoothLimit())
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	if in.TooLarge != nil {
		if err := in.TooLarge(m, opt, in.Job(opt, 0)); err != nil {
			return nil, err
		}
	}
	net, err := compile.Lower(m, opt)
	if err != nil {
		return nil, err
	}
	r, pubErr := SolveData(net, df, data, in.DType, notes)
	if r == nil {
		return nil, pubErr
	}
	return r, pubErr
}

// BatchLine is the outcome of one instance of a batch: one JSON line of
// "dp2nn solve -instances".
type BatchLine struct {
	Instance string `json:"instance"` // its name
	Source   string `json:"source"`   // its file, or FILE:LINE
	// Status is "ok", "bad input" (the instance, or the program on it,
	// cannot be solved: Error says why) or "mismatch" (a check of the
	// answer failed: Error says which).
	Status string `json:"status"`
	Answer string `json:"answer,omitempty"`
	Error  string `json:"error,omitempty"`
	Report Solved `json:"report,omitempty"`
}

// Batch statuses.
const (
	StatusOK       = "ok"
	StatusBadInput = "bad input"
	StatusMismatch = "mismatch"
)

// SolveBatch solves every entry (instance.Batch) on workers goroutines,
// each instance with its own params and network, and calls emit with
// each line in the order of entries, as soon as it and those before it
// are done; emit is never called concurrently. One instance's error does
// not stop the others. It returns the batch's verdict: an error when an
// instance is bad input, else a *MismatchError when a check failed, else
// nil, each counting both.
func SolveBatch(in SolveInput, entries []instance.Entry, workers int, emit func(BatchLine)) error {
	count := map[string]int{}
	var (
		mu    sync.Mutex
		lines = make([]*BatchLine, len(entries))
		next  int // the next line to emit
		taken int // the next entry to solve
		wg    sync.WaitGroup
	)
	in.workers = max(1, min(workers, len(entries)))
	for range in.workers {
		wg.Go(func() {
			for {
				mu.Lock()
				i := taken
				taken++
				mu.Unlock()
				if i >= len(entries) {
					return
				}
				line := solveEntry(in, entries[i])
				mu.Lock()
				lines[i] = &line
				for next < len(lines) && lines[next] != nil {
					count[lines[next].Status]++
					emit(*lines[next])
					lines[next] = nil
					next++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	bad, failed := count[StatusBadInput], count[StatusMismatch]
	msg := fmt.Sprintf("%d of %d instances failed: %d bad input, %d failed checks (their lines say why)", bad+failed, len(entries), bad, failed)
	switch {
	case bad > 0:
		return errors.New(msg)
	case failed > 0:
		return &MismatchError{Msg: msg}
	}
	return nil
}

// solveEntry solves one entry of a batch.
func solveEntry(in SolveInput, e instance.Entry) BatchLine {
	line := BatchLine{Instance: e.Name, Source: e.Where}
	var r Solved
	var err error
	switch {
	case e.Err != nil:
		err = e.Err
	case e.Inst != nil:
		r, err = SolveInstance(in, e.Inst)
	default:
		r, err = SolveFile(in, e.Path)
	}
	if r != nil {
		line.Report, line.Answer = r, r.AnswerText()
	}
	var mm *MismatchError
	switch {
	case err == nil:
		line.Status = StatusOK
	case errors.As(err, &mm):
		line.Status, line.Error = StatusMismatch, err.Error()
	default:
		line.Status, line.Error = StatusBadInput, err.Error()
	}
	return line
}
