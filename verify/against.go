package verify

import (
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/truth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Case is the comparison of a network with its ground truth on one
// instance.
type Case struct {
	Name  string
	Steps int
	Exact string // the ground truth's answer (the rounded DP's for fptas)
	Known string // the known answer (the optimum for fptas), "" if none
	Runs  []Run  // one per observation
	// Mismatch says what disagreed; "" when the network matched.
	Mismatch string
	// Undecidable says which observations could not tell the answer: a
	// comparison lay within the error bound of the rounded values (the
	// decoder's *compile.UndecidableError, or a decode tail that says its
	// answer is not certain). That is not a mismatch: the network gave
	// no answer rather than a wrong one. "" when every one answered.
	Undecidable string
}

// Run is the network's behaviour in one observation.
type Run struct {
	Label     string // what ran: "float64", "ort float32", ...
	DType     engine.DType
	MaxErr    float64 // max |network − truth| over every observed cell of every observed step
	Worst     string  // where MaxErr was seen: step, cell and DSL term
	Tolerance float64 // the error bound of the network's values (compile.Network.RunTolerance); MaxErr above it is a mismatch
	Answer    string  // the decoded network answer, "undecidable" when it could not be told
}

// AgainstDP runs net on one instance in the Go evaluator in every given
// type and compares what it computes with the ground truth (see Compare).
func AgainstDP(net *compile.Network, name string, steps [][]float64, dtypes []engine.DType, known *float64) (*Case, error) {
	obs := make([]engine.Observed, len(dtypes))
	for i, dt := range dtypes {
		o, err := engine.Observe(net, dt, steps)
		if err != nil {
			return nil, err
		}
		obs[i] = o
	}
	return Compare(net, name, steps, obs, known)
}

// AgainstRounded is AgainstDP for networks of the fptas scheme; AgainstDP
// itself dispatches on the scheme, so the two are the same.
func AgainstRounded(net *compile.Network, name string, steps [][]float64, dtypes []engine.DType, known *float64) (*Case, error) {
	if net.Rounding == nil {
		return nil, fmt.Errorf("verify: network %s is not rounded", name)
	}
	return AgainstDP(net, name, steps, dtypes, known)
}

// Compare checks observations of net on one instance against the ground
// truth, which shares no code with the lowering:
//
//   - exact scheme: the exact DP interpreter (RunDP) in rational arithmetic;
//     every observed cell must lie within the network's error bound
//     (compile.Network.RunTolerance: 0 for an exact network), and every
//     answer the network gives (its decoder's, its decode tail's) must
//     equal the exact DP's, which must equal known when known is not nil;
//     an answer the rounded values cannot tell is reported in
//     Case.Undecidable, not as a mismatch;
//   - fptas scheme: the rounded DP computed directly (RunRoundedDP); every
//     observed cell within the tolerance, the running total exact, the
//     answer p_NN equal to the rounded DP's, and p_NN within the guarantee
//     (1 − n²/P)·OPT ≤ p_NN ≤ OPT, where OPT is known or the exact DP's
//     answer.
func Compare(net *compile.Network, name string, steps [][]float64, obs []engine.Observed, known *float64) (*Case, error) {
	t, err := newTruth(net, steps, known)
	if err != nil {
		return nil, err
	}
	c := &Case{Name: name, Steps: len(steps), Exact: t.answer, Known: t.known}
	if t.problem != "" {
		c.fail("%s", t.problem)
	}
	for _, o := range obs {
		if len(o.States) != len(steps)+1 || o.States[len(steps)] == nil {
			return nil, fmt.Errorf("verify: %s: observation %s has no final state", name, o.Label)
		}
		r := Run{Label: o.Label, DType: o.DType, Tolerance: tolerance(net, o, len(steps))}
		if math.IsInf(r.Tolerance, 1) {
			// A bound of +Inf would let every value pass. A run whose
			// every state is observed certifies its own bound (the fptas
			// scheme), so one that cannot is a failure; a run that shows
			// its final state only (an unrolled model) has no bound to
			// certify: its states are reported unchecked, never passed.
			why := net.Precision(o.DType.Roundoff(), len(steps)).Why
			if observedAll(o) {
				c.fail("%s: no error bound is known for this run, so its values cannot be checked: %s", o.Label, why)
			} else {
				c.undecidable("%s: its states are not checked: the model shows the final state only, and without the states of every step no error bound is known (%s)", o.Label, why)
			}
		}
		for step, st := range o.States {
			if st == nil {
				continue
			}
			if err := t.compare(net, step, st, &r); err != nil {
				c.fail("%s: %v", o.Label, err)
			}
		}
		if !(r.MaxErr <= r.Tolerance) {
			c.fail("%s: state error %.3g at %s exceeds the tolerance %.3g", o.Label, r.MaxErr, r.Worst, r.Tolerance)
		}
		if net.Model.Answer != nil {
			got, err := net.Decode(o.States[len(steps)], r.Tolerance)
			switch {
			case compile.IsUndecidable(err):
				r.Answer = "undecidable"
				c.undecidable("%s: %v", o.Label, err)
			case err != nil:
				return nil, err
			default:
				r.Answer = got.String()
				if !t.matches(got) {
					c.fail("%s: network answer %s, %s %s", o.Label, got, t.name, t.answer)
				}
			}
			a := o.Answer
			switch {
			case a == nil:
			case o.Certain != nil && *o.Certain == 0:
				if !math.IsNaN(*a) {
					c.fail("%s: the model's decode tail answers %g but says it is not certain", o.Label, *a)
				}
				c.undecidable("%s: the model's decode tail says its answer is not certain", o.Label)
			case o.Certain != nil && *o.Certain != 1:
				c.fail("%s: the model's decode tail says answer_certain = %g", o.Label, *o.Certain)
			case math.IsNaN(*a) == t.found || (t.found && *a != t.value):
				c.fail("%s: the model's decode tail answers %g, %s %s", o.Label, *a, t.name, t.answer)
			}
		}
		c.Runs = append(c.Runs, r)
	}
	return c, nil
}

// groundTruth is the ground truth of one instance.
type groundTruth struct {
	name    string // "exact DP" or "rounded DP"
	exact   *truth.Trace
	rounded *truth.RoundedTrace
	answer  string    // its answer as text
	found   bool      // whether it found one
	value   float64   // its answer as a float64 (exact for the exact DP; p·D/P rounded once for fptas)
	cells   []float64 // the cells of a state answer ("answer STATE"), +inf as +Inf
	known   string
	problem string // a disagreement of the groundTruth with known data or the guarantee
}

func newTruth(net *compile.Network, steps [][]float64, known *float64) (*groundTruth, error) {
	m := net.Model
	var (
		exact *truth.Trace
		ex    truth.Answer
		err   error
	)
	// For the fptas scheme the exact DP (a table over the whole profit
	// sum) only gives the optimum; with the optimum known it is not run.
	if net.Rounding == nil || known == nil {
		if exact, err = truth.RunDP(m, steps); err != nil {
			return nil, err
		}
		if m.Answer != nil {
			if ex, err = exact.Answer(); err != nil {
				return nil, err
			}
		}
	}
	t := &groundTruth{name: "exact DP", exact: exact, answer: ex.String(), found: ex.Found}
	if ex.Found {
		t.value = ex.Float64()
	}
	for _, c := range ex.Cells {
		t.cells = append(t.cells, c.Float64())
	}
	r := net.Rounding
	if known != nil {
		t.known = strconv.FormatFloat(*known, 'f', -1, 64)
		if r == nil && m.Answer != nil && (!ex.Found || ex.Float64() != *known) {
			t.problem = fmt.Sprintf("the exact DP's answer %s differs from the known answer %g", ex, *known)
		}
	}
	if r == nil {
		return t, nil
	}
	// fptas: the rounded DP is the truth cell by cell, the exact optimum
	// is the yardstick of the guarantee.
	if t.rounded, err = truth.RunRoundedDP(m, steps, r.P); err != nil {
		return nil, err
	}
	t.name, t.known = "rounded DP", t.answer
	if known != nil {
		t.known = strconv.FormatFloat(*known, 'f', -1, 64)
	}
	want, found, err := t.rounded.Answer(m)
	if err != nil {
		return nil, err
	}
	t.found, t.answer, t.value = found, "none", 0
	if found {
		t.answer = want.RatString()
		// p·D is an integer below 2^53, so float64(p·D)/P is p·D/P
		// rounded once, as the network's decoder computes it.
		t.value, _ = want.Float64()
		opt := new(big.Rat)
		switch {
		case known != nil:
			opt.SetFloat64(*known)
		case ex.Found && (m.Answer.Kind != dsl.AnswerMaxIndex || ex.Index < m.Answer.Hi):
			// The exact DP's answer is the optimum unless it hit the top
			// of the index range (params too small to hold the instance).
			opt = ex.Value.Rat()
		default:
			opt = nil
		}
		switch {
		case opt == nil:
		case !opt.IsInt() || !opt.Num().IsInt64():
			if t.problem == "" {
				t.problem = fmt.Sprintf("the optimum %s is not an integer", opt.RatString())
			}
		default:
			if err := knapsack.CheckGuarantee(want, opt.Num().Int64(), len(steps), r.P); err != nil && t.problem == "" {
				t.problem = err.Error()
			}
		}
	}
	return t, nil
}

// matches reports whether a decoded network answer is the truth's: a
// state answer cell by cell, each within the answer's error bound (+inf
// only equal to +inf, NaN equal to nothing); a value within the bound; an
// index search finding the same index or, like the truth, none.
func (t *groundTruth) matches(got compile.Answer) bool {
	if got.Kind == dsl.AnswerState {
		if len(got.Cells) != len(t.cells) {
			return false
		}
		for i, c := range got.Cells {
			if e := t.cells[i]; c != e && !(math.Abs(c-e) <= got.Bound) {
				return false
			}
		}
		return true
	}
	return got.Found == t.found && (!got.Found || got.Value == t.value || math.Abs(got.Value-t.value) <= got.Bound) // == for inf
}

// compare measures one observed step against the truth, accumulating the
// largest error in r; it returns an error for a disagreement that is not a
// rounding error (the running total of the fptas scheme is an integer).
func (t *groundTruth) compare(net *compile.Network, step int, st [][]float64, r *Run) error {
	note := func(e float64, where string) {
		if e > r.MaxErr || math.IsNaN(e) {
			r.MaxErr, r.Worst = e, where
		}
	}
	if t.rounded == nil {
		var err error
		ex := net.Exact(st) // an "or inf" cell's big M read back as +inf
		for s, ds := range net.Model.States {
			e, cell := t.exact.Compare(step, s, ex[s])
			note(e, describeCell(net, step, s, cell))
			if ds.Type == dsl.Int && e != 0 && err == nil {
				// Integers are exact in any type the run was allowed in
				// (compile.Network.CheckIntegers): no tolerance applies.
				err = fmt.Errorf("%s differs from the exact DP by %g, but an int state is computed exactly", describeCell(net, step, s, cell), e)
			}
		}
		return err
	}
	for cell, v := range st[0] {
		x := new(big.Rat).SetFloat64(v)
		if x == nil { // NaN or ±Inf
			note(math.Inf(1), fmt.Sprintf("step %d, %s[%d]", step, net.Rounding.State, cell+1))
			continue
		}
		d, _ := x.Sub(x, t.rounded.Tables[step][cell]).Float64()
		note(math.Abs(d), describeCell(net, step, 0, cell))
	}
	if got, want := st[1][0], float64(t.rounded.Totals[step]); got != want {
		return fmt.Errorf("step %d: running total %g, want %g", step, got, want)
	}
	return nil
}

// observedAll reports whether every state of the run was observed.
func observedAll(o engine.Observed) bool {
	for _, st := range o.States {
		if st == nil {
			return false
		}
	}
	return true
}

// tolerance is the error bound of an observation: from the whole run
// when every state was observed (the fptas scheme certifies its run),
// from the number of steps otherwise.
func tolerance(net *compile.Network, o engine.Observed, steps int) float64 {
	u := o.DType.Roundoff()
	for _, st := range o.States {
		if st == nil {
			return net.DecodeTolerance(u, steps)
		}
	}
	return net.RunTolerance(o.States, u)
}

func (c *Case) undecidable(format string, args ...any) {
	if c.Undecidable != "" {
		c.Undecidable += "; "
	}
	c.Undecidable += fmt.Sprintf(format, args...)
}

func (c *Case) fail(format string, args ...any) {
	if c.Mismatch != "" {
		c.Mismatch += "; "
	}
	c.Mismatch += fmt.Sprintf(format, args...)
}

// describeCell names a state cell and the DSL term whose output neuron
// computes it, e.g. "step 3, f[7] = min(f[p], f[p - profit] + size)
// (knapsack.dp:14:13)".
func describeCell(net *compile.Network, step, state, cell int) string {
	s := net.Model.States[state]
	idx := make([]int, len(s.Dims))
	c := cell
	for d := len(s.Dims) - 1; d >= 0; d-- {
		n := s.Dims[d].Size()
		idx[d] = s.Dims[d].Lo + c%n
		c /= n
	}
	where := fmt.Sprintf("step %d, %s%v", step, s.Name, idx)
	if step > 0 {
		if blk, ok := net.Cell.Output(s.Name); ok {
			if g := net.Cell.GroupOf(blk.Start + cell); g != nil {
				where += fmt.Sprintf(" = %s (%s)", g.Term, g.Pos)
			}
		}
	}
	return where
}
