package verify

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// This file is "dp2nn verify MODEL.onnx" of the smooth graph of one
// instance (compile -scheme smooth of a program with data or a search
// answer): the model's metadata records the program, its params and the
// bound instance, from which the same smooth.Graph is built again, and
// the model run in ONNX Runtime or the Go reference (engine/onnxref) is
// compared with it at random θ.

// Metadata keys of a smooth-graph model that rebuild its graph.
const (
	metaSrcProgram = smoothonnx.SourcePrefix + "program" // the program's text
	metaSrcFile    = smoothonnx.SourcePrefix + "file"    // its path, for messages
	metaSrcParams  = smoothonnx.SourcePrefix + "params"  // every param's value, JSON
	metaSrcData    = smoothonnx.SourcePrefix + "data"    // the bound data blocks, JSON (numbers as text)
	metaSrcSteps   = smoothonnx.SourcePrefix + "steps"   // the bound per-step inputs, JSON (numbers as text)
)

// graphSource is what built a smooth graph: the checked program and the
// bound instance.
type graphSource struct {
	m           *dsl.Model
	data, steps [][]float64
}

// floatRows encodes rows of numbers exactly (strconv 'g' -1 round-trips,
// and writes ±Inf, which JSON numbers cannot hold).
func floatRows(rows [][]float64) string {
	if rows == nil {
		return "null"
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			parts[j] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		out[i] = strings.Join(parts, " ")
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func parseFloatRows(key, s string) ([][]float64, error) {
	var rows []string
	if err := json.Unmarshal([]byte(s), &rows); err != nil {
		return nil, fmt.Errorf("bad metadata %s: %v", key, err)
	}
	if rows == nil {
		return nil, nil
	}
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = []float64{}
		for _, f := range strings.Fields(r) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, fmt.Errorf("bad metadata %s: row %d: %v", key, i, err)
			}
			out[i] = append(out[i], v)
		}
	}
	return out, nil
}

// metadata is the model's record of s.
func (s graphSource) metadata() (map[string]string, error) {
	if s.m == nil || s.m.File == nil {
		return nil, fmt.Errorf("smooth graph export: the program is unknown")
	}
	params := map[string]int64{}
	for _, p := range s.m.Params {
		params[p.Name] = p.Value
	}
	pj, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		metaSrcProgram: string(s.m.File.Src), metaSrcFile: s.m.File.DpPos.File, metaSrcParams: string(pj),
		metaSrcData: floatRows(s.data), metaSrcSteps: floatRows(s.steps),
	}, nil
}

// IsSmoothGraphModel says whether b is the smooth graph of one instance
// (export/smoothonnx), which export.Read does not read.
func IsSmoothGraphModel(b []byte) bool { return smoothonnx.IsGraph(b) }

// SmoothGraphSource reads the smooth-graph model b (path names it) and
// rebuilds its graph from its metadata, exactly as solve built it; an
// error (bad input) when the model lacks the metadata or it does not
// check. lim bounds the rebuilt graph's memory (-max-memory).
func SmoothGraphSource(path string, b []byte, lim SmoothLimit) (*smoothonnx.Info, *smooth.Graph, error) {
	info, err := smoothonnx.Inspect(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	g, err := graphFromMeta(path, info.Metadata, lim)
	return info, g, err
}

func graphFromMeta(path string, md map[string]string, lim SmoothLimit) (*smooth.Graph, error) {
	src, err := sourceFromMeta(path, md)
	if err != nil {
		return nil, err
	}
	g, err := smooth.NewGraph(src.m, src.data, src.steps, lim.graph())
	if err != nil {
		return nil, fmt.Errorf("%s: the recorded instance: %w", path, lim.refusal(err))
	}
	return g, nil
}

// sourceFromMeta reads the program and the instance that a smooth-graph
// model records.
func sourceFromMeta(path string, md map[string]string) (graphSource, error) {
	var none graphSource
	prog, ok := md[metaSrcProgram]
	if !ok {
		return none, fmt.Errorf("%s has no %s metadata (written before dp2nn recorded the program and instance of a smooth graph): compile it again to verify it", path, metaSrcProgram)
	}
	file := md[metaSrcFile]
	if file == "" {
		file = "program.dp"
	}
	var params map[string]int64
	if err := json.Unmarshal([]byte(md[metaSrcParams]), &params); err != nil {
		return none, fmt.Errorf("%s: bad metadata %s: %v", path, metaSrcParams, err)
	}
	data, err := parseFloatRows(metaSrcData, md[metaSrcData])
	if err != nil {
		return none, fmt.Errorf("%s: %v", path, err)
	}
	steps, err := parseFloatRows(metaSrcSteps, md[metaSrcSteps])
	if err != nil {
		return none, fmt.Errorf("%s: %v", path, err)
	}
	f, err := dsl.Parse(file, []byte(prog))
	if err != nil {
		return none, fmt.Errorf("%s: the recorded program: %v", path, err)
	}
	m, err := engine.CheckRecorded(f, params, metaSrcParams)
	if err != nil {
		return none, fmt.Errorf("%s: the recorded program: %v", path, err)
	}
	if data == nil {
		data = [][]float64{}
	}
	return graphSource{m: m, data: data, steps: steps}, nil
}

// SmoothGraphModel checks a smooth-graph model run by runner against g
// (SmoothGraphSource) at count random θ within ±0.05γ of the instance's
// and random seeds in [0, 1) from seed: value and marginals to
// smoothonnx.Tolerance of the model's dtype, relative to max(1, |x|).
// In float32 the θ and seeds are rounded to float32 first, so Go sees
// what the model sees.
func SmoothGraphModel(runner *engine.Runner, path string, info *smoothonnx.Info, g *smooth.Graph, count int, seed uint64, progress func(done int)) (*SmoothCheck, error) {
	reg, err := smooth.ParseReg(info.Reg)
	if err != nil {
		return nil, fmt.Errorf("%s: bad metadata dp2nn.reg: %v", path, err)
	}
	if !(info.Gamma >= smooth.MinGamma) || math.IsInf(info.Gamma, 0) {
		return nil, fmt.Errorf("%s: bad metadata dp2nn.gamma = %v", path, info.Gamma)
	}
	tol := smoothonnx.Tolerance(info.DType)
	round := func(v float64) float64 {
		if info.DType == smoothonnx.Float32 {
			return float64(float32(v))
		}
		return v
	}
	np, no := len(g.Theta), len(g.Outputs)
	if info.Params != np || info.Outputs != no {
		return nil, fmt.Errorf("%s: the model's inputs are theta [N, %d] and seed [N, %d], but the program and instance it records give %d parameters and %d outputs: its metadata does not describe it", path, info.Params, info.Outputs, np, no)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed5700))
	c := &SmoothCheck{OpenSeconds: runner.OpenTime.Seconds()}
	for i := range count {
		theta, sd := make([]float64, np), make([]float64, no)
		for j, v := range g.Theta {
			theta[j] = round(v + 0.05*info.Gamma*(2*rng.Float64()-1))
		}
		for j := range sd {
			sd[j] = round(rng.Float64())
		}
		out, err := runner.Run(map[string]export.Tensor{"theta": export.NewTensor(theta, 1, np), "seed": export.NewTensor(sd, 1, no)})
		if err != nil {
			return nil, fmt.Errorf("%s: random #%d: %v", path, i+1, err)
		}
		run, err := g.Forward(reg, info.Gamma, theta)
		if err != nil {
			return nil, err
		}
		y, err := run.Marginals(sd)
		if err != nil {
			return nil, err
		}
		ev, vi, err := smoothonnx.RelErr(out["value"].Data, run.Values())
		if err != nil {
			return nil, fmt.Errorf("%s: output value: %v", path, err)
		}
		eg, gi, err := smoothonnx.RelErr(out["marginals"].Data, y)
		if err != nil {
			return nil, fmt.Errorf("%s: output marginals: %v", path, err)
		}
		c.WorstValue, c.WorstGrad = worse(c.WorstValue, ev), worse(c.WorstGrad, eg)
		switch {
		case !(ev <= tol):
			c.fail("random #%d: value[%d] = %v, smooth.Graph %v", i+1, vi, out["value"].Data[vi], run.Values()[vi])
		case !(eg <= tol):
			c.fail("random #%d: marginals[%d] = %v, smooth.Graph %v", i+1, gi, out["marginals"].Data[gi], y[gi])
		}
		c.Cases++
		if progress != nil {
			progress(c.Cases)
		}
	}
	// Where the smoothed DP interpreter evaluates the recorded program
	// (per-step inputs, a value answer) and smooths it as the graph does,
	// the model's value at the instance's own θ is compared with it too: a
	// reference that shares no code with smooth.Graph or the export.
	interp := ""
	if src, err := sourceFromMeta(path, info.Metadata); err == nil && interpreterSmoothsAsGraph(src.m, reg) {
		want, err := truth.RunSmoothDP(src.m, src.steps, reg, info.Gamma)
		if err == nil {
			theta := make([]float64, np)
			for j, v := range g.Theta {
				theta[j] = round(v)
			}
			out, err := runner.Run(map[string]export.Tensor{"theta": export.NewTensor(theta, 1, np), "seed": export.NewTensor([]float64{1}, 1, no)})
			if err != nil {
				return nil, fmt.Errorf("%s: at the instance's θ: %v", path, err)
			}
			itol := max(tol, 1e-9) // the interpreter smooths pairwise, the graph n options at once
			ev, _, err := smoothonnx.RelErr(out["value"].Data, []float64{want})
			if err != nil {
				return nil, fmt.Errorf("%s: output value: %v", path, err)
			}
			if !(ev <= itol) {
				c.fail("at the instance's θ: value %v, the smoothed DP interpreter %v (relative error %.3g, tolerance %g)", out["value"].Data[0], want, ev, itol)
			}
			c.Cases++
			interp = fmt.Sprintf("; at the instance's θ the value also vs the smoothed DP interpreter (truth.RunSmoothDP): relative error %.3g (tolerance %g)", ev, itol)
		}
	}
	c.Title = fmt.Sprintf("verify %s (smooth graph of %s, %s, γ = %g, %s, %s form, runtime %s): %d random θ within ±0.05γ of the instance's, %d parameters, %d outputs%s", path, g.Program, reg, info.Gamma, info.DType, info.Form, runner.Runtime(), count, np, no, interp)
	c.Value, c.ValueTol = "value vs smooth.Graph: worst relative error", fmt.Sprintf("%g (%s)", tol, info.DType)
	c.Marginals, c.MarginalsTol = "marginals vs smooth.Graph: worst relative error", fmt.Sprintf("%g (%s)", tol, info.DType)
	return c, nil
}

// interpreterSmoothsAsGraph says whether truth.RunSmoothDP computes the
// function smooth.Graph does for m: a program the interpreter runs
// (per-step inputs, no data, no steps line, a value answer) whose
// smoothed maxima agree — every one with Shannon (log-sum-exp is
// associative, so n options at once equal pairs), otherwise only when
// every min and max has two operands and none holds another min or max
// (which the graph would merge into one node of more options).
func interpreterSmoothsAsGraph(m *dsl.Model, reg smooth.Reg) bool {
	if len(m.Data) > 0 || m.Steps > 0 || m.Answer == nil || m.Answer.Kind != dsl.AnswerValue {
		return false
	}
	if reg == smooth.Shannon {
		return true
	}
	var hasMinMax func(t *dsl.Term) bool
	hasMinMax = func(t *dsl.Term) bool {
		if t.Kind == dsl.TMin || t.Kind == dsl.TMax {
			return true
		}
		for _, a := range t.Args {
			if hasMinMax(a) {
				return true
			}
		}
		return false
	}
	var pairwise func(t *dsl.Term) bool
	pairwise = func(t *dsl.Term) bool {
		if t.Kind == dsl.TMin || t.Kind == dsl.TMax {
			if len(t.Args) != 2 {
				return false
			}
			for _, a := range t.Args {
				if hasMinMax(a) {
					return false
				}
			}
			return true
		}
		for _, a := range t.Args {
			if !pairwise(a) {
				return false
			}
		}
		return true
	}
	for _, s := range m.States {
		if !pairwise(s.Body) {
			return false
		}
	}
	return pairwise(m.Answer.Value)
}
