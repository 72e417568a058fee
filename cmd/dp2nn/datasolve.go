package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
)

// DataSolveReport is the JSON output of "dp2nn solve" for a program with
// data.
type DataSolveReport struct {
	Program  string           `json:"program"`
	Instance string           `json:"instance"`
	Kind     string           `json:"instance_kind"`
	Params   map[string]int64 `json:"params"`
	Notes    []string         `json:"notes,omitempty"`
	Scheme   string           `json:"scheme"`
	DType    string           `json:"dtype"`
	// Steps is how often the cell is applied; FixpointStep is the extra
	// step of "require fixpoint" (0 when the program has none).
	Steps        int     `json:"steps"`
	FixpointStep int     `json:"fixpoint_step,omitempty"`
	Depth        int     `json:"depth"`
	Widths       []int   `json:"widths"`
	Size         int     `json:"size"`
	BigM         float64 `json:"big_m,omitempty"`
	// K is the rounding factor of the fptas scheme: the answer is k·c'.
	// RoundedParams are the params of the program the rounded network
	// computes (re-checked with the rounded bound).
	K             int              `json:"k,omitempty"`
	RoundedParams map[string]int64 `json:"rounded_params,omitempty"`
	// Answer is the decoded answer as text; Value the value of a value or
	// search answer; Cells every cell of a state answer.
	Answer    string       `json:"answer"`
	Value     *jsonValue   `json:"value,omitempty"`
	Cells     []AnswerCell `json:"cells,omitempty"`
	Tolerance float64      `json:"decode_tolerance"`
	// MaxErr is the largest |network − exact interpreter| over every cell
	// of every step (exact scheme).
	MaxErr    float64 `json:"max_abs_error"`
	Check     string  `json:"check"`
	Guarantee string  `json:"guarantee,omitempty"`
	Published string  `json:"published,omitempty"`
}

// AnswerCell is one cell of a state answer.
type AnswerCell struct {
	Cell  string    `json:"cell"`
	Index []int     `json:"index"`
	Value jsonValue `json:"value"`
}

// jsonValue is a number, or the string "inf" for +inf (as in instances).
type jsonValue float64

func (v jsonValue) MarshalJSON() ([]byte, error) {
	f := float64(v)
	switch {
	case math.IsInf(f, 1):
		return []byte(`"inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-inf"`), nil
	}
	return []byte(strconv.FormatFloat(f, 'g', -1, 64)), nil
}

func (v *jsonValue) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`:
		*v = jsonValue(math.Inf(1))
		return nil
	case `"-inf"`:
		*v = jsonValue(math.Inf(-1))
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*v = jsonValue(f)
	return nil
}

// sourceFromSet is the 0-based source vertex a graph file is read with:
// -set s=K gives vertex K (the programs number vertices from 1).
func sourceFromSet(set setFlag) int {
	if s, ok := set["s"]; ok && s >= 1 {
		return int(s - 1)
	}
	return -1
}

// noAnswerText says what an infinite answer means for the known programs.
var noAnswerText = map[string]string{
	"heldkarp": "no tour visits every city",
	"csp":      "no walk from s to t has resource at most R",
	"lcs":      "no common subsequence length",
}

// solveData is "dp2nn solve" for a program with data.
func solveData(path string, f *dsl.File, o *solveOpts, stdout io.Writer) error {
	dtype := engine.DType(*o.dtype)
	di, err := readDataInstance(*o.instance, sourceFromSet(o.set))
	if err != nil {
		return err
	}
	inst := di.inst
	params, notes, err := instance.Params(f, inst, o.set)
	if err != nil {
		return &userError{err.Error()}
	}
	for name := range params {
		// A defaulted param stays unset, so that it is derived again when
		// the fptas scheme re-checks the program with a rounded bound
		// (csp's cmax = (n−1)·lmax); the default is the same either way.
		if _, set := o.set[name]; !set {
			if _, given := inst.Scalars[name]; !given {
				delete(params, name)
			}
		}
	}
	m, err := dsl.Check(f, params)
	if err != nil {
		return err
	}
	data, err := instance.BindData(m, inst)
	if err != nil {
		return &userError{err.Error()}
	}
	opt, err := o.scheme.options(0)
	if err != nil {
		return err
	}
	if opt.Scheme == compile.Smooth {
		return userErrorf("solve: %s has data and a steps line; -scheme smooth is for programs with per-step inputs (use exact or fptas)", path)
	}
	if opt.Scheme == compile.Exact {
		if n := estimateDataNeurons(m, *o.maxNeur); n > *o.maxNeur {
			return userErrorf("solve: %s with %s: the network would have %s hidden neurons, above -max-neurons %d (about %s of memory at about 700 bytes a neuron); use a smaller instance or raise the limit",
				path, paramString(m), neuronsText(n), *o.maxNeur, memoryText(*o.maxNeur))
		}
	}
	net, err := lower(m, opt)
	if err != nil {
		return err
	}
	if m.Answer == nil {
		return userErrorf("%s: program has no answer line, so there is nothing to solve", path)
	}
	steps, extra := networkSteps(net)
	tol := net.DecodeTolerance(dtype.Roundoff(), steps+1)
	runs, err := runDataBatch(net, dtype, [][][]float64{data})
	if err != nil {
		return &userError{fmt.Sprintf("%s: %v", *o.instance, err)}
	}
	states := runs[0]
	gt, err := runGroundTruth(net, data)
	if err != nil {
		return &userError{fmt.Sprintf("%s: the exact interpreter cannot run %s on it: %v", *o.instance, m.Name, err)}
	}
	fix := gt.fix
	out := compareData(net, gt, states, data, tol)
	if out.mismatch != "" {
		return &mismatchError{fmt.Sprintf("%s: the network disagrees with the exact interpreter: %s", *o.instance, out.mismatch)}
	}
	if fix != nil {
		c := out.netFix
		return userErrorf("%s: %s: the network's step %d (one more than the %d of the steps line) changes %s from %s to %s; the exact interpreter agrees (%s)",
			*o.instance, fix.Msg, steps+1, steps, cellText(m.States[c.state], c.cell), valueText(c.before), valueText(c.after), fix.Pos)
	}
	ans := out.answer
	if !answerFinite(ans) {
		why := noAnswerText[m.Name]
		if why == "" {
			why = "the answer is unreachable"
		}
		return userErrorf("%s: no answer: %s is %s: %s; the exact interpreter agrees", *o.instance, m.File.Text(m.Answer.Decl), answerText(ans), why)
	}
	st := net.Cell.Stats()
	r := &DataSolveReport{
		Program: m.Name, Instance: *o.instance, Kind: di.kind, Params: map[string]int64{}, Notes: notes,
		Scheme: net.Scheme.String(), DType: string(dtype), Steps: steps, Depth: st.Depth, Widths: st.Widths, Size: st.Size,
		BigM: net.BigM, Answer: answerText(ans), Tolerance: tol, MaxErr: out.maxErr, Guarantee: out.guarantee,
	}
	if extra {
		r.FixpointStep = steps + 1
	}
	if rd := net.OffsetRounding; rd != nil {
		r.K = rd.K
		r.RoundedParams = map[string]int64{}
		for _, p := range net.Model.Params {
			r.RoundedParams[p.Name] = p.Value
		}
	}
	for _, p := range m.Params {
		r.Params[p.Name] = p.Value
	}
	if ans.Kind == dsl.AnswerState {
		s := m.Answer.State
		for c, v := range ans.Cells {
			r.Cells = append(r.Cells, AnswerCell{Cell: cellText(s, c), Index: cellIndex(s, c), Value: jsonValue(v)})
		}
	} else {
		v := jsonValue(ans.Value)
		r.Value = &v
	}
	if rd := net.OffsetRounding; rd == nil {
		r.Check = fmt.Sprintf("the network equals the exact interpreter on every cell of every step (max |err| %.3g, tolerance %.3g) and on the answer", out.maxErr, tol)
	} else {
		r.Check = fmt.Sprintf("the network equals the rounded DP (the program with %s = %d on the data ⌈%s/%d⌉, run by the exact interpreter) on every cell of every step (max |err| %.3g, tolerance %.3g) and on the answer c' = %s",
			rd.Param, rd.N, rd.Data, rd.K, out.maxErr, tol, out.exact)
	}
	if extra {
		r.Check += fmt.Sprintf("; step %d changes nothing (require fixpoint), as in the interpreter", steps+1)
	}
	var pubErr error
	if what, agree := di.known.compare(ans.Value, ans.Found, ans.Cells, false); what != "" {
		if net.OffsetRounding != nil {
			// The fptas answer is within the guarantee, not equal.
		} else if agree {
			r.Published = what + ": agrees"
		} else {
			r.Published = what + ": DISAGREES"
			pubErr = &mismatchError{fmt.Sprintf("%s: the answer %s differs from the published %s", *o.instance, answerText(ans), what)}
		}
	}
	if *o.json {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		printDataSolve(stdout, r, m)
	}
	return pubErr
}

func printDataSolve(w io.Writer, r *DataSolveReport, m *dsl.Model) {
	var ps []string
	for _, k := range sortedKeys(r.Params) {
		ps = append(ps, fmt.Sprintf("%s=%d", k, r.Params[k]))
	}
	scheme := r.Scheme
	if r.K > 0 {
		scheme += fmt.Sprintf(" with rounding factor k=%d", r.K)
	}
	fmt.Fprintf(w, "program %s, scheme %s, %s\n", r.Program, scheme, strings.Join(ps, " "))
	fmt.Fprintf(w, "instance: %s (%s)\n", r.Instance, r.Kind)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if r.RoundedParams != nil {
		var rp []string
		for _, k := range sortedKeys(r.RoundedParams) {
			rp = append(rp, fmt.Sprintf("%s=%d", k, r.RoundedParams[k]))
		}
		fmt.Fprintf(w, "rounded program the network computes: %s\n", strings.Join(rp, " "))
	}
	fix := ""
	if r.FixpointStep > 0 {
		fix = fmt.Sprintf(", plus step %d for the fixpoint check", r.FixpointStep)
	}
	fmt.Fprintf(w, "network: RNN cell of depth %d, widths %v (%d hidden neurons), applied %d times%s in %s\n", r.Depth, r.Widths, r.Size, r.Steps, fix, r.DType)
	if r.BigM != 0 {
		fmt.Fprintf(w, "inf is the big M = %g in the network\n", r.BigM)
	}
	decl := m.File.Text(m.Answer.Decl)
	if r.Cells != nil {
		fmt.Fprintf(w, "%s   (decoded outside the network; inf: unreachable)\n", decl)
		for _, c := range r.Cells {
			fmt.Fprintf(w, "  %s = %s\n", c.Cell, valueText(float64(c.Value)))
		}
	} else {
		ans := r.Answer
		if r.K > 0 {
			ans = fmt.Sprintf("%s (k·c' with k = %d)", r.Answer, r.K)
		}
		fmt.Fprintf(w, "%s = %s   (decoded outside the network, tolerance %.3g)\n", decl, ans, r.Tolerance)
	}
	if r.Guarantee != "" {
		fmt.Fprintf(w, "guarantee: %s\n", r.Guarantee)
	}
	fmt.Fprintf(w, "check: %s\n", r.Check)
	if r.Published != "" {
		fmt.Fprintf(w, "published: %s\n", r.Published)
	}
}

// memoryText is the rough memory a network of n hidden neurons takes
// while it is built and run (about 700 bytes per neuron, measured on
// Held–Karp networks with "/usr/bin/time -f %M": 422 MB for n = 15).
func memoryText(n int) string {
	b := float64(n) * 700
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.0f MB", b/1e6)
	}
	return fmt.Sprintf("%.0f kB", b/1e3)
}
