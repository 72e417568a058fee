package verify

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/truth"
)

// This file runs the network of a program with data and compares it with
// the exact interpreter (truth.RunDPData): every cell of every step, the
// "require fixpoint" check, and the decoded answer; for the fptas scheme
// the rounded DP and the guarantee of problems.Table.

// networkSteps is how often the cell is applied on an instance: the
// program's steps (or the rounded table's, for fptas), plus one when the
// program requires a fixpoint, which the network shows by that extra
// step changing nothing.
func networkSteps(net *compile.Network) (steps int, extra bool) {
	return net.IterationCount(), net.Model.Fixpoint != nil
}

// runDataBatch runs net on every instance's data in dt and returns every
// state of every instance: states[b][t][s] (t = 0 the initial state).
func runDataBatch(net *compile.Network, dt engine.DType, datas [][][]float64) ([][][][]float64, error) {
	steps, extra := networkSteps(net)
	if extra {
		steps++
	}
	switch dt {
	case engine.Float32:
		r, err := compile.NewRunner[float32](net)
		if err != nil {
			return nil, err
		}
		return r.RunStepsBatch(datas, steps)
	case engine.Float64:
		r, err := compile.NewRunner[float64](net)
		if err != nil {
			return nil, err
		}
		return r.RunStepsBatch(datas, steps)
	}
	return nil, fmt.Errorf("unknown dtype %q", dt)
}

// runInterpreter runs the exact interpreter. A failed "require fixpoint"
// comes back as fix with the trace of the program's steps; any other
// error means the program cannot run on the data.
func runInterpreter(m *dsl.Model, data [][]float64) (trace *truth.Trace, fix *truth.FixpointError, err error) {
	trace, err = truth.RunDPData(m, nil, data)
	if errors.As(err, &fix) {
		return trace, fix, nil
	}
	return trace, nil, err
}

// dataTruth is what the exact interpreter says about one instance.
type dataTruth struct {
	// trace and fix are the run of the program the network computes:
	// the program itself, or for the fptas scheme the re-checked program
	// (Network.Model) on the rounded data ⌈ℓ/k⌉, the rounded DP.
	trace *truth.Trace
	fix   *truth.FixpointError
	// opt is the exact answer of the original program (fptas only).
	opt *truth.Answer
}

// roundedData is data with the offset data of the fptas scheme rounded up
// to ⌈ℓ/k⌉, the values the rounded network computes with.
func roundedData(net *compile.Network, data [][]float64) [][]float64 {
	r := net.OffsetRounding
	out := make([][]float64, len(data))
	for i, d := range net.Original().Data {
		out[i] = data[i]
		if d.Name != r.Data {
			continue
		}
		out[i] = make([]float64, len(data[i]))
		for j, x := range data[i] {
			out[i][j] = math.Ceil(x / float64(r.K))
		}
	}
	return out
}

// runDataTruth runs the interpreter on one instance (data as given).
func runDataTruth(net *compile.Network, data [][]float64) (*dataTruth, error) {
	if net.OffsetRounding == nil {
		trace, fix, err := runInterpreter(net.Model, data)
		if err != nil {
			return nil, err
		}
		return &dataTruth{trace: trace, fix: fix}, nil
	}
	trace, fix, err := runInterpreter(net.Model, roundedData(net, data))
	if err != nil {
		return nil, fmt.Errorf("the rounded program: %v", err)
	}
	orig, ofix, err := runInterpreter(net.Original(), data)
	if err != nil {
		return nil, err
	}
	gt := &dataTruth{trace: trace, fix: fix}
	if ofix == nil {
		opt, err := orig.Answer()
		if err != nil {
			return nil, err
		}
		gt.opt = &opt
	}
	return gt, nil
}

// cellChange is a state cell that the network's extra step changed.
type cellChange struct {
	state, cell   int
	before, after float64
}

// fixpointChange compares the network's last two states (read back with
// Network.Exact): the first cell that differs by more than tol, or nil.
func fixpointChange(net *compile.Network, last, extra [][]float64, tol float64) *cellChange {
	a, b := net.Exact(last), net.Exact(extra)
	for s := range net.Model.States {
		for c := range a[s] {
			x, y := a[s][c], b[s][c]
			if x == y || math.Abs(x-y) <= tol {
				continue
			}
			return &cellChange{state: s, cell: c, before: x, after: y}
		}
	}
	return nil
}

// cellIndex returns the index values of cell c (row-major) of s.
func cellIndex(s *dsl.State, c int) []int {
	idx := make([]int, len(s.Dims))
	for d := len(s.Dims) - 1; d >= 0; d-- {
		idx[d] = s.Dims[d].Lo + c%s.Dims[d].Size()
		c /= s.Dims[d].Size()
	}
	return idx
}

// cellText names a cell by its index values, e.g. d[3] or d[1, 2]; a
// subsets index prints as the set, e.g. f[{1, 3}, 3].
func cellText(s *dsl.State, c int) string {
	idx := cellIndex(s, c)
	parts := make([]string, len(idx))
	for d, i := range idx {
		if s.Dims[d].Set {
			var elems []string
			for e := 0; e < 63; e++ {
				if (int64(i)<<uint(s.Dims[d].ElemLo))>>uint(e)&1 == 1 {
					elems = append(elems, strconv.Itoa(e))
				}
			}
			parts[d] = "{" + strings.Join(elems, ", ") + "}"
			continue
		}
		parts[d] = strconv.Itoa(i)
	}
	return fmt.Sprintf("%s[%s]", s.Name, strings.Join(parts, ", "))
}

// dataOutcome is the comparison of one network run with the ground truth
// on one instance.
type dataOutcome struct {
	maxErr   float64 // max |network − interpreter| over every cell of every step (exact scheme)
	worst    string  // where it was seen, e.g. "step 3, d[2]"
	worstNet string  // the network's value there
	answer   compile.Answer
	fix      *truth.FixpointError // the interpreter's failed fixpoint
	netFix   *cellChange          // the network's extra step changed a cell
	mismatch string               // "" when the network agrees with the interpreter
	exact    truth.Answer         // the interpreter's answer (when no fixpoint failed; the rounded DP's for fptas)
	// guarantee says how an fptas answer compares with the exact optimum.
	guarantee string
}

// compareData compares the states of one network run (from runDataBatch)
// with the ground truth: every observed cell of every step within tol,
// the extra step changing nothing exactly when the interpreter's fixpoint
// holds, and the decoded answer equal to the interpreter's; for the fptas
// scheme the answer k·c' also within its guarantee of the exact optimum.
func compareData(net *compile.Network, gt *dataTruth, states [][][]float64, data [][]float64, tol float64) dataOutcome {
	m := net.Model
	trace, fix := gt.trace, gt.fix
	steps, extra := networkSteps(net)
	out := dataOutcome{fix: fix}
	if trace.Steps() != steps {
		out.mismatch = fmt.Sprintf("the network runs %d steps, the interpreter %d", steps, trace.Steps())
		return out
	}
	for t := 0; t <= steps; t++ {
		if states[t] == nil {
			continue // not observed (the unrolled form shows the final state only)
		}
		exact := net.Exact(states[t])
		for s, ds := range m.States {
			e, c := trace.Compare(t, s, exact[s])
			if e > out.maxErr || math.IsNaN(e) {
				out.maxErr = e
				out.worst = fmt.Sprintf("step %d, %s", t, cellText(m.States[s], c))
				out.worstNet = compile.ValueText(exact[s][c])
			}
			if ds.Type == dsl.Int && e != 0 && out.mismatch == "" {
				// Integers are exact in any type the run was allowed in
				// (compile.Network.CheckIntegers): no tolerance applies.
				out.mismatch = fmt.Sprintf("step %d, %s: network %s, interpreter differs by %.3g, but an int state is computed exactly", t, cellText(ds, c), compile.ValueText(exact[s][c]), e)
			}
		}
	}
	if out.mismatch != "" {
		return out
	}
	if math.IsInf(tol, 1) {
		// A tolerance of +Inf would let every value pass.
		out.mismatch = "no error bound is known for this run (compile.Network.Precision), so its values cannot be checked"
		return out
	}
	if !(out.maxErr <= tol) { // NaN is a mismatch too
		out.mismatch = fmt.Sprintf("%s: network %s, interpreter differs by %.3g (tolerance %.3g)", out.worst, out.worstNet, out.maxErr, tol)
		return out
	}
	if extra && len(states) <= steps+1 {
		// The extra step is not observed (an exported loop or unrolled
		// model runs the program's steps only): the states up to the last
		// step were compared; the answer is not defined when the
		// interpreter's fixpoint fails.
		if fix != nil {
			return out
		}
	} else if extra {
		out.netFix = fixpointChange(net, states[steps], states[steps+1], tol)
		switch {
		case out.netFix != nil && fix == nil:
			out.mismatch = fmt.Sprintf("the network's step %d changes %s from %s to %s, but the interpreter's fixpoint holds", steps+1,
				cellText(m.States[out.netFix.state], out.netFix.cell), compile.ValueText(out.netFix.before), compile.ValueText(out.netFix.after))
		case out.netFix == nil && fix != nil:
			out.mismatch = fmt.Sprintf("the interpreter's step %d changes %s (%s), but the network's changes nothing", fix.Step, fix.Cell, fix.Msg)
		}
		if out.mismatch != "" || fix != nil {
			return out
		}
	}
	ans, err := net.DecodeData(states[steps], data, tol)
	if err != nil {
		out.mismatch = fmt.Sprintf("decoding the network's answer: %v", err)
		return out
	}
	out.answer = ans
	exact, err := trace.Answer()
	if err != nil {
		out.mismatch = fmt.Sprintf("the interpreter's answer: %v", err)
		return out
	}
	out.exact = exact
	if r := net.OffsetRounding; r != nil {
		if ans.Found != exact.Found || ans.Found && ans.Index != r.K*exact.Index {
			out.mismatch = fmt.Sprintf("answer: network %s, the rounded DP %s (times k = %d)", answerText(ans), exact, r.K)
			return out
		}
		out.guarantee, out.mismatch = fptasGuarantee(net, ans, gt.opt)
		return out
	}
	if !sameAnswer(ans, exact) {
		out.mismatch = fmt.Sprintf("answer: network %s, interpreter %s", answerText(ans), exact)
	}
	return out
}

// sameValue compares a value of the network (decoded) with one of the
// ground truth, to within bound (compile's Answer.Bound: the states'
// tolerance carried through the answer expression, plus the roundings of
// decoding it; 0 when the run is exact, as on integer data below 2^24).
// The truth is a rational rounded to float64, which adds at most
// u·|truth| (u = 2^−53) when bound > 0; with bound 0 the comparison is
// exact. +inf equals +inf and −inf equals −inf (unreachable is a value of
// the programs), and NaN equals nothing, itself included: no program's
// semantics has a NaN value, so a NaN on either side is a mismatch. ("No
// answer" is not NaN: a search that finds nothing is Found = false,
// compared as such.)
func sameValue(net, truth, bound float64) bool {
	if net == truth {
		return true
	}
	if math.IsInf(net, 0) || math.IsInf(truth, 0) || math.IsNaN(bound) {
		return false
	}
	return bound > 0 && math.Abs(net-truth) <= bound+compile.Float64Roundoff*math.Abs(truth)
}

// sameAnswer compares a decoded network answer with the interpreter's:
// a state answer entry by entry, a value answer as one value (sameValue,
// within the answer's bound), a search answer exactly.
func sameAnswer(a compile.Answer, e truth.Answer) bool {
	if a.Kind != e.Kind {
		return false
	}
	switch a.Kind {
	case dsl.AnswerState:
		if len(a.Cells) != len(e.Cells) {
			return false
		}
		for i, c := range a.Cells {
			if !sameValue(c, e.Cells[i].Float64(), a.Bound) {
				return false
			}
		}
		return true
	case dsl.AnswerValue:
		return sameValue(a.Value, e.Value.Float64(), a.Bound)
	}
	return a.Found == e.Found && (!a.Found || a.Index == e.Index)
}

// answerText prints a decoded answer: a value, inf, none, or the cells.
func answerText(a compile.Answer) string {
	switch {
	case a.Kind == dsl.AnswerState:
		parts := make([]string, len(a.Cells))
		for i, c := range a.Cells {
			parts[i] = compile.ValueText(c)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case a.Kind == dsl.AnswerValue:
		return compile.ValueText(a.Value)
	case !a.Found:
		return "none"
	}
	return strconv.Itoa(a.Index)
}

// answerFinite reports whether the answer has a finite value: a value
// answer that is not inf, a search that found an index. A state answer
// always counts (its inf cells are part of the answer: unreachable).
func answerFinite(a compile.Answer) bool {
	switch a.Kind {
	case dsl.AnswerState:
		return true
	case dsl.AnswerValue:
		return !math.IsInf(a.Value, 0)
	}
	return a.Found
}

// fptasSlack is the additive guarantee of an fptas network of a program
// with data: the answer k·c' read off the rounded table lies in
// [OPT, OPT + slack], as the problem's row of problems.Table states it.
func fptasSlack(net *compile.Network) (slack float64, why string, ok bool) {
	m := net.Original()
	if p, ok := problems.Identify(m); ok && p.FPTASSlack != nil {
		return p.FPTASSlack(m, float64(net.OffsetRounding.K))
	}
	return 0, "", false
}

// fptasGuarantee checks an fptas answer against the exact one (nil when
// the original program's fixpoint fails).
func fptasGuarantee(net *compile.Network, ans compile.Answer, exact *truth.Answer) (guarantee, mismatch string) {
	k := net.OffsetRounding.K
	if exact == nil {
		return "", "the original program's require fixpoint fails, the rounded one's holds"
	}
	slack, why, ok := fptasSlack(net)
	if !ok {
		return fmt.Sprintf("rounding factor k = %d; no guarantee is known for %s", k, net.Model.Name), ""
	}
	switch {
	case !exact.Found && !ans.Found:
		return fmt.Sprintf("k = %d: no answer, as exactly", k), ""
	case !exact.Found:
		return "", fmt.Sprintf("the fptas network answers %d, but exactly there is no answer", ans.Index)
	case !ans.Found:
		return "", fmt.Sprintf("the fptas network finds no answer, but exactly OPT = %d", exact.Index)
	}
	opt := float64(exact.Index)
	g := fmt.Sprintf("k = %d: OPT = %d <= %d <= OPT + %s = %g", k, exact.Index, ans.Index, why, opt+slack)
	if float64(ans.Index) < opt || float64(ans.Index) > opt+slack {
		return "", "guarantee violated: " + g
	}
	return g, ""
}
