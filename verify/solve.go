package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
)

// This file solves one instance through the network and checks what it
// can: the backtracked selection against the instance (programs with
// per-step inputs), every cell of every step against the exact
// interpreter and the answer against a published one (programs with
// data); the smooth scheme's value beside the hard DP's.

// SolveReport is the JSON output of "dp2nn solve".
type SolveReport struct {
	Program   string             `json:"program"`
	Instance  string             `json:"instance"`
	Params    map[string]int64   `json:"params"`
	Notes     []string           `json:"notes,omitempty"`
	DType     string             `json:"dtype"`
	Steps     int                `json:"steps"`
	Depth     int                `json:"depth"`
	Widths    []int              `json:"widths"`
	Answer    string             `json:"answer"`
	Found     bool               `json:"found"`
	Value     *float64           `json:"value,omitempty"` // nil for a state answer (its cells are Cells)
	Cells     []float64          `json:"cells,omitempty"` // a state answer's cells, row-major
	Tolerance float64            `json:"decode_tolerance"`
	Taken     []int              `json:"taken,omitempty"` // 1-based steps
	Totals    map[string]float64 `json:"totals,omitempty"`
	Check     string             `json:"check,omitempty"`
	// Items says why no items are listed when the answer is a search but
	// the program's steps cannot be backtracked (more than one state, a
	// step that is not a min or max of take / not-take reads).
	Items string `json:"items,omitempty"`
	// Guarantee is the FPTAS-NN bound the answer satisfies (fptas only).
	Guarantee string `json:"guarantee,omitempty"`

	scheme, decl string // for WriteText: the scheme with P, the answer line
}

// Solve runs net on the instance inst (bound to steps) in the Go
// evaluator in dt, decodes the answer (with the FPTAS-NN's guarantee for
// the fptas scheme) and, for a search answer, backtracks the taken steps
// through the stored states and checks their totals against the instance
// (a weight within the capacity, a profit reaching the answer). A failed
// check comes back as a *MismatchError beside the report. notes are those of
// instance.Params.
func Solve(net *compile.Network, inst *instance.Instance, steps [][]float64, dt engine.DType, notes []string) (*SolveReport, error) {
	m := net.Model
	if m.Answer == nil {
		return nil, fmt.Errorf("%s: program has no answer line, so there is nothing to solve", m.File.Pos())
	}
	obs, err := engine.Observe(net, dt, steps)
	if err != nil {
		return nil, err
	}
	states := obs.States
	tol := net.RunTolerance(states, dt.Roundoff())
	ans, err := net.Decode(states[len(states)-1], tol)
	if err != nil {
		return nil, err
	}
	st := net.Cell.Stats()
	r := &SolveReport{
		Program: m.Name, Instance: inst.Source, Params: map[string]int64{}, Notes: notes, DType: string(dt),
		Steps: len(steps), Depth: st.Depth, Widths: st.Widths, Answer: ans.String(), Found: ans.Found,
		Tolerance: tol, scheme: net.Scheme.String(), decl: m.File.Text(m.Answer.Decl),
	}
	if ans.Kind == dsl.AnswerState {
		r.Cells = ans.Cells
	} else {
		r.Value = &ans.Value
	}
	for _, p := range m.Params {
		r.Params[p.Name] = p.Value
	}
	if rd := net.Rounding; rd != nil {
		r.scheme += fmt.Sprintf(" with P=%d", rd.P)
		n2 := len(steps) * len(steps)
		if n2 < rd.P {
			r.Guarantee = fmt.Sprintf("P = %d, n = %d: (1 - n²/P)·OPT <= %s <= OPT, so OPT <= %.6g", rd.P, len(steps), ans, ans.Value*float64(rd.P)/float64(rd.P-n2))
		} else {
			r.Guarantee = fmt.Sprintf("P = %d, n = %d: n² >= P, so only %s <= OPT is guaranteed; P > %d gives a bound", rd.P, len(steps), ans, n2)
		}
	}
	var checkErr error
	if ans.Kind == dsl.AnswerState {
		// Every cell has a selection of its own: none is backtracked, and
		// the answer is checked cell by cell against the exact interpreter.
		r.Items = "a state answer has one selection per cell; none is recovered"
		r.Check, checkErr = sameStateAnswer(m, steps, ans)
		return r, checkErr
	}
	if net.Rounding == nil {
		// The exact scheme's answer must be the exact interpreter's: a
		// network that computes NaN or a wrong value never passes.
		if r.Check, checkErr = exactSame(m, steps, ans); checkErr != nil {
			return r, checkErr
		}
	}
	if ans.Found && ans.Kind != dsl.AnswerValue {
		taken, err := net.Backtrack(states, steps, ans)
		if err != nil {
			r.Items = "the chosen steps cannot be recovered for this program: " + err.Error()
			return r, nil
		}
		r.Taken, r.Totals = takenTotals(taken, inst)
		var sel string
		sel, checkErr = checkSelection(r.Totals, inst, ans)
		r.Check = strings.TrimPrefix(r.Check+"; "+sel, "; ")
		r.Check = strings.TrimSuffix(r.Check, "; ")
		if checkErr == nil && net.Rounding == nil {
			var why string
			if why, checkErr = reachesAnswer(m, steps, taken, ans); why != "" {
				r.Check = strings.TrimPrefix(r.Check+"; "+why, "; ")
			}
		}
	}
	return r, checkErr
}

// reachesAnswer re-evaluates a backtracked selection with the exact
// interpreter (package truth, which shares no code with the network): the
// program run on the taken steps alone must reach the answer decoded from
// all of them. Backtracking follows take / not-take steps, so the answer
// over a subset of the steps can be no better, and the selection itself
// reaches it exactly when it is right; anything else is a wrong selection,
// reported as a mismatch, never printed as the items.
func reachesAnswer(m *dsl.Model, steps [][]float64, taken []bool, ans compile.Answer) (string, error) {
	var sub [][]float64
	var idx []int
	for t, ok := range taken {
		if ok {
			sub, idx = append(sub, steps[t]), append(idx, t+1)
		}
	}
	got, err := exactAnswer(m, sub)
	if err != nil {
		return "", err
	}
	if !got.Found || got.Float64() != ans.Value {
		return "", mismatchf("the backtracked selection %v reaches %s, not the answer %s, by the exact interpreter: the network or decoder is wrong", idx, got, ans)
	}
	return fmt.Sprintf("the taken steps alone reach %s (exact interpreter)", got), nil
}

// exactSame checks a value or search answer against the exact
// interpreter (package truth, which shares no code with the network):
// the same index, or a value within the answer's error bound (NaN equal
// to nothing).
func exactSame(m *dsl.Model, steps [][]float64, ans compile.Answer) (string, error) {
	want, err := exactAnswer(m, steps)
	if err != nil {
		return "", err
	}
	e := want.Float64()
	wantText := want.String()
	if want.Found && e != math.Trunc(e) {
		wantText = fmt.Sprintf("%g", e) // not as a fraction
	}
	switch {
	case ans.Found != want.Found:
		return "", mismatchf("the network answers %s, the exact interpreter %s: the network or decoder is wrong", ans, wantText)
	case !ans.Found:
		return "no answer, as in the exact interpreter", nil
	case ans.Value == e:
		return fmt.Sprintf("the answer equals the exact interpreter's %s", wantText), nil
	case math.Abs(ans.Value-e) <= ans.Bound:
		return fmt.Sprintf("the answer is within %.3g of the exact interpreter's %s", ans.Bound, wantText), nil
	}
	return "", mismatchf("the network answers %s, the exact interpreter %s: the network or decoder is wrong", ans, wantText)
}

// sameStateAnswer checks a state answer against the exact interpreter
// (package truth, which shares no code with the network), cell by cell
// within the answer's error bound.
func sameStateAnswer(m *dsl.Model, steps [][]float64, ans compile.Answer) (string, error) {
	want, err := exactAnswer(m, steps)
	if err != nil {
		return "", err
	}
	if len(want.Cells) != len(ans.Cells) {
		return "", mismatchf("the network answers %d cells, the exact interpreter %d", len(ans.Cells), len(want.Cells))
	}
	for i, c := range ans.Cells {
		if e := want.Cells[i].Float64(); c != e && !(math.Abs(c-e) <= ans.Bound) {
			return "", mismatchf("cell %d of the answer is %g, the exact interpreter's %s: the network or decoder is wrong", i, c, want.Cells[i])
		}
	}
	return fmt.Sprintf("every cell equals the exact interpreter's (within %.3g)", ans.Bound), nil
}

// exactAnswer is the exact interpreter's answer on steps.
func exactAnswer(m *dsl.Model, steps [][]float64) (truth.Answer, error) {
	tr, err := truth.RunDP(m, steps)
	if err != nil {
		return truth.Answer{}, err
	}
	return tr.Answer()
}

// takenTotals lists the taken steps (1-based) and sums every per-step
// field of the instance over them.
func takenTotals(taken []bool, inst *instance.Instance) ([]int, map[string]float64) {
	var idx []int
	totals := map[string]float64{}
	for t, ok := range taken {
		if !ok {
			continue
		}
		idx = append(idx, t+1)
		for k, v := range inst.Steps[t] {
			totals[k] += v
		}
	}
	return idx, totals
}

// checkSelection checks the backtracked selection against the instance
// itself where the instance says what is feasible (a weight budget).
func checkSelection(totals map[string]float64, inst *instance.Instance, ans compile.Answer) (string, error) {
	var parts []string
	if c, ok := inst.Scalars["capacity"]; ok {
		if w, ok := totals["weight"]; ok || len(totals) == 0 {
			if w > c {
				return "", mismatchf("decoded selection has weight %g above capacity %g: the network or decoder is wrong", w, c)
			}
			parts = append(parts, fmt.Sprintf("weight %g <= capacity %g", w, c))
		}
	}
	if p, ok := totals["profit"]; ok {
		if p < ans.Value {
			return "", mismatchf("decoded selection has profit %g below the answer %g: the network or decoder is wrong", p, ans.Value)
		}
		parts = append(parts, fmt.Sprintf("profit %g >= answer %g", p, ans.Value))
	}
	return strings.Join(parts, ", "), nil
}

// paramsText is ", " and the bound params, or nothing for a program
// without params.
func paramsText(ps []string) string {
	if len(ps) == 0 {
		return ""
	}
	return ", " + strings.Join(ps, " ")
}

// WriteText prints the report.
func (r *SolveReport) WriteText(w io.Writer) {
	var ps []string
	for _, k := range sortedKeys(r.Params) {
		ps = append(ps, fmt.Sprintf("%s=%d", k, r.Params[k]))
	}
	fmt.Fprintf(w, "program %s, scheme %s%s\n", r.Program, r.scheme, paramsText(ps))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintf(w, "network: RNN cell of depth %d, widths %v, applied %d times in %s\n", r.Depth, r.Widths, r.Steps, r.DType)
	fmt.Fprintf(w, "%s = %s   (decoded outside the network, tolerance %.3g)\n", r.decl, r.Answer, r.Tolerance)
	if r.Guarantee != "" {
		fmt.Fprintf(w, "guarantee (Hertrich & Skutella): %s\n", r.Guarantee)
	}
	if r.Taken != nil || r.Totals != nil {
		fmt.Fprintf(w, "taken steps (backtracked through the stored states): %v\n", r.Taken)
		var tot []string
		for _, k := range sortedKeys(r.Totals) {
			tot = append(tot, fmt.Sprintf("%s %g", k, r.Totals[k]))
		}
		if len(tot) > 0 {
			fmt.Fprintf(w, "totals of taken steps: %s\n", strings.Join(tot, ", "))
		}
		if r.Check != "" {
			fmt.Fprintf(w, "check against the instance: %s\n", r.Check)
		}
	}
	if (r.Cells != nil || r.Taken == nil && r.Totals == nil) && r.Check != "" {
		fmt.Fprintf(w, "check: %s\n", r.Check)
	}
	if r.Items != "" {
		fmt.Fprintf(w, "items: %s\n", r.Items)
	}
}

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
	Value     *Number      `json:"value,omitempty"`
	Cells     []AnswerCell `json:"cells,omitempty"`
	Tolerance float64      `json:"decode_tolerance"`
	// MaxErr is the largest |network − exact interpreter| over every cell
	// of every step (exact scheme).
	MaxErr    float64 `json:"max_abs_error"`
	Check     string  `json:"check"`
	Guarantee string  `json:"guarantee,omitempty"`
	Published string  `json:"published,omitempty"`

	decl string // for WriteText: the answer line
}

// AnswerCell is one cell of a state answer.
type AnswerCell struct {
	Cell  string `json:"cell"`
	Index []int  `json:"index"`
	Value Number `json:"value"`
}

// Number is a float64 that JSON can always hold: ±inf print as the
// strings "inf" and "-inf" (as in instances), NaN as "nan"; encoding/json
// refuses them as numbers, which would turn a report of a failure into an
// error.
type Number float64

// MarshalJSON writes n as a number, or "inf", "-inf" or "nan".
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	switch {
	case math.IsInf(f, 1):
		return []byte(`"inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-inf"`), nil
	case math.IsNaN(f):
		return []byte(`"nan"`), nil
	}
	return []byte(strconv.FormatFloat(f, 'g', -1, 64)), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (n *Number) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`:
		*n = Number(math.Inf(1))
		return nil
	case `"-inf"`:
		*n = Number(math.Inf(-1))
		return nil
	case `"nan"`:
		*n = Number(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Number(f)
	return nil
}

// SolveData runs net, the network of a program with data, on one data
// file df (data bound to the program) in the Go evaluator in dt and
// compares it with the exact interpreter: every cell of every step, the
// extra step of "require fixpoint", the decoded answer (the rounded DP's
// and the guarantee for the fptas scheme), and the answer a published
// source states. A disagreement with the interpreter is a
// *MismatchError; one with the published answer comes back as a
// *MismatchError beside the report. notes are those of instance.Params.
func SolveData(net *compile.Network, df *instance.DataFile, data [][]float64, dt engine.DType, notes []string) (*DataSolveReport, error) {
	m := net.Original()
	if m.Answer == nil {
		return nil, fmt.Errorf("%s: program has no answer line, so there is nothing to solve", m.File.Pos())
	}
	path := df.Inst.Source
	steps, extra := networkSteps(net)
	tol := net.DecodeTolerance(dt.Roundoff(), steps+1)
	runs, err := runDataBatch(net, dt, [][][]float64{data})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	states := runs[0]
	gt, err := runDataTruth(net, data)
	if err != nil {
		return nil, fmt.Errorf("%s: the exact interpreter cannot run %s on it: %v", path, m.Name, err)
	}
	fix := gt.fix
	out := compareData(net, gt, states, data, tol)
	if out.mismatch != "" {
		return nil, mismatchf("%s: the network disagrees with the exact interpreter: %s", path, out.mismatch)
	}
	if fix != nil {
		c := out.netFix
		return nil, fmt.Errorf("%s: %s: the network's step %d (one more than the %d of the steps line) changes %s from %s to %s; the exact interpreter agrees (%s)",
			path, fix.Msg, steps+1, steps, cellText(m.States[c.state], c.cell), compile.ValueText(c.before), compile.ValueText(c.after), fix.Pos)
	}
	ans := out.answer
	if !answerFinite(ans) {
		var why string // what no answer means, for a problem of the table
		if p, ok := problems.Identify(m); ok {
			why = p.NoAnswer
		}
		if why == "" {
			why = "the answer is unreachable"
		}
		return nil, fmt.Errorf("%s: no answer: %s is %s: %s; the exact interpreter agrees", path, m.File.Text(m.Answer.Decl), answerText(ans), why)
	}
	st := net.Cell.Stats()
	r := &DataSolveReport{
		Program: m.Name, Instance: path, Kind: df.Kind, Params: map[string]int64{}, Notes: notes,
		Scheme: net.Scheme.String(), DType: string(dt), Steps: steps, Depth: st.Depth, Widths: st.Widths, Size: st.Size,
		BigM: net.BigM, Answer: answerText(ans), Tolerance: tol, MaxErr: out.maxErr, Guarantee: out.guarantee,
		decl: m.File.Text(m.Answer.Decl),
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
			r.Cells = append(r.Cells, AnswerCell{Cell: cellText(s, c), Index: cellIndex(s, c), Value: Number(v)})
		}
	} else {
		v := Number(ans.Value)
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
	if what, agree := df.Known.Compare(ans.Value, ans.Found, ans.Cells, false); what != "" {
		if net.OffsetRounding != nil {
			// The fptas answer is within the guarantee, not equal.
		} else if agree {
			r.Published = what + ": agrees"
		} else {
			r.Published = what + ": DISAGREES"
			pubErr = mismatchf("%s: the answer %s differs from the published %s", path, answerText(ans), what)
		}
	}
	return r, pubErr
}

// WriteText prints the report.
func (r *DataSolveReport) WriteText(w io.Writer) {
	var ps []string
	for _, k := range sortedKeys(r.Params) {
		ps = append(ps, fmt.Sprintf("%s=%d", k, r.Params[k]))
	}
	scheme := r.Scheme
	if r.K > 0 {
		scheme += fmt.Sprintf(" with rounding factor k=%d", r.K)
	}
	fmt.Fprintf(w, "program %s, scheme %s%s\n", r.Program, scheme, paramsText(ps))
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
	decl := r.decl
	if r.Cells != nil {
		fmt.Fprintf(w, "%s   (decoded outside the network; inf: unreachable)\n", decl)
		for _, c := range r.Cells {
			fmt.Fprintf(w, "  %s = %s\n", c.Cell, compile.ValueText(float64(c.Value)))
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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
