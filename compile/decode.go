package compile

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/dp2nn/dp2nn/dsl"
)

// The answer line of a program ("answer max p where f[p] <= 1") is not a
// continuous function of the state, so no ReLU network computes it. It is
// decoded here, after the network, from the final state: a separate,
// clearly labelled step.
//
// Every comparison the decoder makes is decided soundly for the error
// bound e of the values it compares (Precision.Bound; Decode's tol): an
// integer comparison is made at the half-integer next to its threshold
// (f <= 7 as f < 7.5), which no error below 1/2 can sway, so an exact
// network (e = 0) decides every comparison exactly; a comparison of real
// values is certain only when the compared difference is farther than e
// from 0. When a comparison the answer depends on is not certain, the
// decoder returns an *UndecidableError instead of an answer: it never
// answers what the rounded values cannot tell.

// Answer is a decoded answer.
type Answer struct {
	Kind  dsl.AnswerKind
	Found bool      // false when no index satisfies the condition
	Index int       // index answers: the index found
	Value float64   // value answers: the value; index answers: float64(Index)
	Cells []float64 // state answers: every cell, row-major, +inf as +Inf
	// Bound bounds |Value − exact value| of a value answer (0: exact);
	// state answers have the error bound of the state.
	Bound float64
}

func (a Answer) String() string {
	switch {
	case a.Kind == dsl.AnswerState:
		return fmt.Sprint(a.Cells)
	case !a.Found:
		return "none"
	case math.IsInf(a.Value, -1):
		return "-inf"
	case a.Kind == dsl.AnswerValue, a.Value != float64(a.Index):
		return ValueText(a.Value)
	}
	return fmt.Sprint(a.Index)
}

// ValueText prints a value as answers and reports do: +inf as instances
// and the exact interpreter write it, a whole number in full (102334155,
// not 1.02334155e+08), else the shortest form.
func ValueText(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e21:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// UndecidableError is returned by the decoders when a comparison the
// answer depends on lies within the error bound of its threshold: the
// exact values could fall on either side, so the rounded network cannot
// tell the answer.
type UndecidableError struct {
	Pos   string  // the answer line
	What  string  // the comparison, e.g. "f[17] = 1.0000000002 <= 1"
	Bound float64 // the error bound of the compared values
}

func (e *UndecidableError) Error() string {
	if math.IsInf(e.Bound, 1) {
		return fmt.Sprintf("%s: undecidable: %s, and no error bound is known for the network's values", e.Pos, e.What)
	}
	return fmt.Sprintf("%s: undecidable: %s lies within the error bound %.3g of its threshold, so the exact value may be on either side", e.Pos, e.What, e.Bound)
}

// IsUndecidable reports whether err says that an answer is undecidable.
func IsUndecidable(err error) bool {
	var u *UndecidableError
	return errors.As(err, &u)
}

// Search describes an index-search answer of the simple form
// "answer max|min VAR where STATE[VAR] OP CONST", which export/ can append
// to a network as a non-ReLU tail.
type Search struct {
	State     string
	Max       bool
	Op        dsl.CmpOp
	Threshold float64
	Lo, Hi    int // index range searched
	// Fallback is the answer when no index in Lo..Hi satisfies the
	// condition: Lo-1 (max) or Hi+1 (min) when the boundary value there
	// satisfies it; HasFallback is false otherwise ("none").
	Fallback    int
	HasFallback bool
	// Integer: the searched values are integers computed exactly, so the
	// comparison is made at the half-integer next to Threshold (see
	// HalfInteger). Bound: otherwise, the error bound of the searched
	// values; a comparison is certain only farther than Bound from
	// Threshold. Set by DecodeSearch.
	Integer bool
	Bound   float64
}

// HalfInteger returns the comparison that decides "x Op threshold" for
// every integer x and is farthest from every integer: the threshold
// moved to a half-integer and the operator made strict ("<=" 7 becomes
// "<" 7.5, ">" 7.2 becomes ">" 7.5), or for "==" and "!=" the open
// interval (lo, hi) of the x that equal the threshold (empty, lo ≥ hi,
// when the threshold is not an integer).
func HalfInteger(op dsl.CmpOp, threshold float64) (strict dsl.CmpOp, at, lo, hi float64) {
	fl, ce := math.Floor(threshold), math.Ceil(threshold)
	switch op {
	case dsl.LE:
		return dsl.LT, fl + 0.5, 0, 0
	case dsl.LT:
		return dsl.LT, ce - 0.5, 0, 0
	case dsl.GE:
		return dsl.GT, ce - 0.5, 0, 0
	case dsl.GT:
		return dsl.GT, fl + 0.5, 0, 0
	}
	return op, threshold, ce - 0.5, fl + 0.5
}

// Search returns the answer as a Search when it has the simple form.
func (n *Network) Search() (Search, bool) {
	a := n.Model.Answer
	if a == nil || a.Kind == dsl.AnswerValue || a.Kind == dsl.AnswerState || len(n.Model.Data) > 0 {
		return Search{}, false
	}
	lhs, rhs := a.LHS, a.RHS
	if lhs.Kind != dsl.TRead || rhs.Kind != dsl.TConst || lhs.State != a.State || len(lhs.Index) != 1 {
		return Search{}, false
	}
	ix := lhs.Index[0]
	if !ix.HasVar || ix.Const != 0 || len(ix.Terms) != 0 {
		return Search{}, false
	}
	s := Search{State: a.State.Name, Max: a.Kind == dsl.AnswerMaxIndex, Op: a.Op, Threshold: rhs.Value, Lo: a.Lo, Hi: a.Hi}
	edge := a.Lo - 1
	if !s.Max {
		edge = a.Hi + 1
	}
	if v, ok := a.State.BoundaryAt(edge); ok && a.Op.Holds(v, rhs.Value) {
		s.Fallback, s.HasFallback = edge, true
	}
	return s, true
}

// DecodeSearch is Search for a decode tail that runs in the type of unit
// roundoff u after at most steps steps of the network (steps < 0: not
// known, as for the Cell form, whose input state may come from anywhere).
// It refuses, saying why, every tail that could answer wrongly:
//
//   - integer values that the type cannot hold exactly (above 2^24 in
//     float32, 2^53 in float64);
//   - real values in float32 (a value within rounding of the threshold
//     may land on either side; float64 with a bound is the remedy);
//   - real values whose error bound is not known (the Cell form, the
//     fptas scheme).
//
// Otherwise Search.Integer (exact integers: half-integer threshold) or
// Search.Bound (real values: the tail reports which answers are certain)
// is set.
func (n *Network) DecodeSearch(u float64, steps int) (Search, error) {
	a := n.Model.Answer
	if n.Rounding != nil {
		return Search{}, fmt.Errorf("%s: the fptas scheme's answer scales the table index by the running total, which a decode tail does not do; decode p_NN from the exported state instead", a.Decl.Pos())
	}
	s, ok := n.Search()
	if !ok {
		return Search{}, fmt.Errorf("%s: a decode tail needs an answer of the form \"answer max|min VAR where STATE[VAR] OP CONSTANT\"", n.Model.File.Pos())
	}
	p := n.Precision(u, steps)
	cmp := fmt.Sprintf("%s[%s] %s %g", s.State, a.Var, s.Op, s.Threshold)
	switch {
	case p.Exact, p.Integers && a.State.Type == dsl.Int && p.States[a.State.Index] == 0:
		s.Integer = true
		return s, nil
	case a.State.Type == dsl.Int || !p.Integers:
		if p.DType == "float32" {
			return Search{}, fmt.Errorf("%s: float32 cannot decide %s exactly: %s; use -dtype float64", a.Decl.Pos(), cmp, p.Why)
		}
		return Search{}, fmt.Errorf("%s: float64 cannot decide %s exactly: %s; set smaller params", a.Decl.Pos(), cmp, p.Why)
	case p.DType == "float32":
		return Search{}, fmt.Errorf("%s: float32 cannot decide %s exactly: %s, and a value within rounding of %g may land on either side of it; use -dtype float64, whose decode tail says whether each answer is certain, or an integer program (like examples/knapsack_int.dp)", a.Decl.Pos(), cmp, p.Why, s.Threshold)
	case steps < 0:
		return Search{}, fmt.Errorf("%s: %s compares real values, whose rounding error grows with the number of steps; the cell form's decode tail cannot know how many steps produced its input state: export the loop or unrolled form", a.Decl.Pos(), cmp)
	case math.IsInf(p.Bound, 1):
		return Search{}, fmt.Errorf("%s: no decode tail for %s: %s", a.Decl.Pos(), cmp, p.Why)
	}
	s.Bound = p.States[a.State.Index]
	return s, nil
}

// Decode computes the answer from the final state (one slice per state,
// in declaration order). tol bounds the error of every state value
// (DecodeTolerance): comparisons are decided as described at the top of
// this file, and a comparison the answer depends on that tol leaves open
// gives an *UndecidableError. tol = 0 claims exact values.
func (n *Network) Decode(final [][]float64, tol float64) (Answer, error) {
	a := n.Model.Answer
	if a == nil {
		return Answer{}, fmt.Errorf("%s: program has no answer line", n.Model.File.Pos())
	}
	if len(n.Model.Data) > 0 || n.Model.Steps > 0 || a.Kind == dsl.AnswerState {
		return n.DecodeData(final, nil, tol)
	}
	if err := n.checkStates(final); err != nil {
		return Answer{}, err
	}
	if n.Rounding != nil {
		return n.decodeRounded(final, tol)
	}
	if a.Kind == dsl.AnswerValue && general(a.Value) {
		// A reduction or a computed index: the answer evaluator of
		// programs with data reads it exactly (+inf read back), and a
		// value answer is always found.
		ans, err := n.DecodeData(final, nil, tol)
		ans.Found = err == nil
		return ans, err
	}
	final = n.Exact(final) // an "or inf" cell's big M read back as +inf
	if a.Kind == dsl.AnswerValue {
		v, err := evalTerm(a.Value, final, nil, nil)
		if err != nil {
			return Answer{}, err
		}
		return Answer{Kind: a.Kind, Found: true, Value: v, Bound: n.answerBound(a.Value, tol)}, nil
	}
	holds := func(i int) (bool, error) {
		idx := []int{i}
		l, err := evalTerm(a.LHS, final, nil, idx)
		if err != nil {
			return false, err
		}
		r, err := evalTerm(a.RHS, final, nil, idx)
		if err != nil {
			return false, err
		}
		return n.decideAnswer(a, i, l, r, tol)
	}
	first, last, step := a.Hi, a.Lo, -1
	if a.Kind == dsl.AnswerMinIndex {
		first, last, step = a.Lo, a.Hi, 1
	}
	for i := first; i != last+step; i += step {
		ok, err := holds(i)
		if err != nil {
			return Answer{}, err
		}
		if ok {
			return Answer{Kind: a.Kind, Found: true, Index: i, Value: float64(i)}, nil
		}
	}
	// Outside the range, only boundary values can be read.
	edge := last + step
	ok, err := holds(edge)
	if IsUndecidable(err) {
		return Answer{}, err
	}
	if err == nil && ok {
		return Answer{Kind: a.Kind, Found: true, Index: edge, Value: float64(edge)}, nil
	}
	return Answer{Kind: a.Kind}, nil
}

// decideAnswer decides the answer's comparison l Op r at search index i
// for state values within tol of the exact ones, or says it is
// undecidable.
func (n *Network) decideAnswer(a *dsl.Answer, i int, l, r, tol float64) (bool, error) {
	integer := a.LHS.Type == dsl.Int && a.RHS.Type == dsl.Int
	bound := n.answerBound(a.LHS, tol) + n.answerBound(a.RHS, tol)
	holds, certain := Decide(a.Op, l, r, bound, integer)
	if !certain {
		what := fmt.Sprintf("%s at %s = %d: %.17g %s %.17g", n.Model.File.Text(a.Decl), a.Var, i, l, a.Op, r)
		return false, &UndecidableError{Pos: a.Decl.Pos().String(), What: what, Bound: bound}
	}
	return holds, nil
}

// answerBound bounds the error of an answer term over states within tol
// of the exact ones (reads carry tol, sums add, min and max keep the
// largest), plus the float64 rounding of the decoder's own arithmetic.
func (n *Network) answerBound(t *dsl.Term, tol float64) float64 {
	if tol == 0 {
		return 0
	}
	e := make([]float64, len(n.Model.States))
	for i := range e {
		e[i] = tol
	}
	b, err := n.lipschitz(t, e, make([]float64, len(e)))
	if err != nil {
		return math.Inf(1)
	}
	nodes := 0
	walkTerms(t, func(*dsl.Term) { nodes++ })
	if nodes > 1 {
		// Each of at most nodes roundings errs by at most u·|partial|,
		// and partial values stay within the term's interval.
		b += gamma(nodes, Float64Roundoff) * float64(nodes) * math.Max(math.Abs(t.Lo), math.Abs(t.Hi))
	}
	return b
}

// Decide decides "l op r" for values each known to within a total error
// bound (0: exact). An integer comparison (both sides integer-valued) is
// made at the half-integer next to r (HalfInteger); a real one as
// written. certain is false when the exact values could decide
// otherwise: the difference l − r lies within bound of the threshold.
// Infinite values (+inf read back from the network) are exact.
func Decide(op dsl.CmpOp, l, r, bound float64, integer bool) (holds, certain bool) {
	if math.IsInf(l, 0) || math.IsInf(r, 0) || math.IsNaN(l) || math.IsNaN(r) {
		return op.Holds(l, r), !math.IsNaN(l) && !math.IsNaN(r)
	}
	// |fl(x − y) − (x − y)| ≤ u·|x − y|: shrink the margin by that.
	margin := func(x, y float64) bool {
		return bound == 0 || math.Abs(x-y)*(1-2*Float64Roundoff) > bound
	}
	if integer {
		strict, at, lo, hi := HalfInteger(op, r)
		switch {
		case op != dsl.EQ && op != dsl.NE:
			return strict.Holds(l, at), margin(l, at)
		case lo >= hi: // r is not an integer: no integer equals it
			return op == dsl.NE, true
		}
		in := l > lo && l < hi
		return in == (op == dsl.EQ), margin(l, lo) && margin(l, hi)
	}
	return op.Holds(l, r), margin(l, r)
}

// general reports whether t needs more than evalTerm (the decoder of
// programs with per-step inputs) evaluates: a reduction, data, or
// a read at an index that is not VAR + inputs + constant.
func general(t *dsl.Term) bool {
	found := false
	walkTerms(t, func(x *dsl.Term) {
		switch x.Kind {
		case dsl.TReduce, dsl.TData:
			found = true
		case dsl.TRead:
			for _, ix := range x.Index {
				found = found || !ix.Simple
			}
		}
	})
	return found
}

// checkAnswer refuses, when compiling a program with per-step inputs, a
// search answer whose comparison needs more than that decoder evaluates
// (general): it would fail on every instance. A value answer of that
// kind is decoded by the answer evaluator of programs with data.
func checkAnswer(m *dsl.Model) error {
	a := m.Answer
	if a == nil || len(m.Data) > 0 || m.Steps > 0 || a.Kind == dsl.AnswerState || a.Kind == dsl.AnswerValue {
		return nil
	}
	for _, t := range []*dsl.Term{a.LHS, a.RHS} {
		if general(t) {
			return fmt.Errorf("%s: the search answer of a program with per-step inputs compares %s, which has a reduction or a computed index; its decoder reads f[VAR + inputs + constant] and arithmetic only (docs/dsl.md, Limits)", t.Pos(), dsl.Shorten(t.Text))
		}
	}
	return nil
}

func walkTerms(t *dsl.Term, visit func(*dsl.Term)) {
	visit(t)
	for _, a := range t.Args {
		walkTerms(a, visit)
	}
}

// Unit roundoffs of float64 and float32, for Precision and DecodeTolerance.
var (
	Float64Roundoff = math.Ldexp(1, -53)
	Float32Roundoff = math.Ldexp(1, -24)
)

// decodeRounded decodes an index answer over the rounded table: cell p
// stands for index p·D/P, D = max(P, S) with S the final running total.
// The answer is that index, p_NN = p·D/P, which may be fractional; the DP
// guarantees an index of at least p_NN is reachable.
func (n *Network) decodeRounded(final [][]float64, tol float64) (Answer, error) {
	a, r := n.Model.Answer, n.Rounding
	if a.Kind == dsl.AnswerValue || a.State.Name != r.State {
		return Answer{}, fmt.Errorf("%s: under the fptas scheme the answer must search the index of %s", a.Decl.Pos(), r.State)
	}
	D := math.Max(float64(r.P), final[len(final)-1][0])
	first, last, step := r.P, 1, -1
	if a.Kind == dsl.AnswerMinIndex {
		first, last, step = 1, r.P, 1
	}
	// The table has P cells whatever the declared index range: read cell p
	// as it is, the range's lower end below 1 and its upper end above P.
	table := func(t *dsl.Term, idx []int) (float64, bool, error) {
		if t.State != r.state {
			return 0, false, nil
		}
		q, err := indexValue(t.Index[0], nil, idx)
		if err != nil {
			return 0, true, err
		}
		return r.cell(final[0], int64(q)), true, nil
	}
	for p := first; p != last+step; p += step {
		l, err := evalTermWith(a.LHS, final, nil, []int{p}, table)
		if err != nil {
			return Answer{}, err
		}
		rv, err := evalTermWith(a.RHS, final, nil, []int{p}, table)
		if err != nil {
			return Answer{}, err
		}
		ok, err := n.decideAnswer(a, p, l, rv, tol)
		if err != nil {
			return Answer{}, err
		}
		if ok {
			return Answer{Kind: a.Kind, Found: true, Index: p, Value: float64(p) * D / float64(r.P)}, nil
		}
	}
	edge := last + step
	if v, ok := a.State.BoundaryAt(edge); ok && edge <= 0 {
		if rv, err := evalTerm(a.RHS, final, nil, []int{edge}); err == nil && a.Op.Holds(v, rv) {
			// The boundary value and the constant are exact.
			return Answer{Kind: a.Kind, Found: true, Index: edge, Value: float64(edge) * D / float64(r.P)}, nil
		}
	}
	return Answer{Kind: a.Kind}, nil
}

func (n *Network) checkStates(st [][]float64) error {
	if len(st) != len(n.State) {
		return fmt.Errorf("compile: got %d state slices, want %d", len(st), len(n.State))
	}
	for i, name := range n.State {
		blk, _ := n.Cell.Input(name)
		if len(st[i]) != blk.Len {
			return fmt.Errorf("compile: state %s has %d values, want %d", name, len(st[i]), blk.Len)
		}
	}
	return nil
}

// Backtrack recovers which steps were "taken" on the way to an index
// answer: walking back from the decoded index through the stored states
// (states[t] is the state after step t, states[0] the initial one), it
// finds at each step the argument of the top-level min/max that produced
// the stored value; when that argument reads the state at an offset given
// by the step's inputs, the step was taken and the walk moves to that
// index. It stops when the index leaves the declared range (boundary
// values are constants). Ties prefer the argument listed first.
func (n *Network) Backtrack(states [][][]float64, inputs [][]float64, ans Answer) ([]bool, error) {
	a := n.Model.Answer
	if a == nil || a.Kind == dsl.AnswerValue || !ans.Found {
		return nil, fmt.Errorf("compile: backtracking needs an index answer that was found")
	}
	s := a.State
	if n.Rounding != nil {
		return n.backtrackRounded(states, inputs, ans)
	}
	if len(s.Dims) != 1 || (s.Body.Kind != dsl.TMin && s.Body.Kind != dsl.TMax) {
		return nil, fmt.Errorf("%s: backtracking needs a one-dimensional state whose step is a min or max", s.Body.Pos())
	}
	if k := len(n.Model.States); k > 1 {
		// A choice may run through another state's table, which the walk
		// over this one cannot follow: no selection rather than a wrong one.
		return nil, fmt.Errorf("%s: backtracking follows the choices of one state; this program has %d", s.Body.Pos(), k)
	}
	steps := len(inputs)
	if len(states) != steps+1 {
		return nil, fmt.Errorf("compile: got %d stored states for %d steps", len(states), steps)
	}
	taken := make([]bool, steps)
	p := ans.Index
	for t := steps; t >= 1 && p >= s.Dims[0].Lo && p <= s.Dims[0].Hi; t-- {
		got := states[t][s.Index][p-s.Dims[0].Lo]
		best, bestErr := -1, math.Inf(1)
		for i, arg := range s.Body.Args {
			v, err := evalTerm(arg, states[t-1], inputs[t-1], []int{p})
			if err != nil {
				return nil, err
			}
			if e := math.Abs(v - got); e < bestErr {
				best, bestErr = i, e
			}
		}
		next, moved, err := offsetIndex(s.Body.Args[best], s, inputs[t-1], p)
		if err != nil {
			return nil, err
		}
		if moved {
			taken[t-1] = true
			p = next
		}
	}
	return taken, nil
}

// backtrackRounded is Backtrack over the table of the fptas scheme: at
// step t, cell p was computed from the old cells q1(p) (not taken) and
// q2(p) (taken), with the granularities of that step.
func (n *Network) backtrackRounded(states [][][]float64, inputs [][]float64, ans Answer) ([]bool, error) {
	r := n.Rounding
	s := r.state
	if s.Body.Kind != dsl.TMin && s.Body.Kind != dsl.TMax {
		return nil, fmt.Errorf("%s: backtracking needs a step that is a min or max", s.Body.Pos())
	}
	steps := len(inputs)
	if len(states) != steps+1 {
		return nil, fmt.Errorf("compile: got %d stored states for %d steps", len(states), steps)
	}
	P := int64(r.P)
	taken := make([]bool, steps)
	p := ans.Index
	for t := steps; t >= 1 && p >= 1 && p <= r.P; t-- {
		total := int64(states[t-1][1][0])
		u := int64(inputs[t-1][r.Offset.Index])
		dOld, dNew := max(P, total), max(P, total+u)
		q1 := ceilDiv(int64(p)*dNew, dOld)
		q2 := ceilDiv(int64(p)*dNew-P*u, dOld)
		old := states[t-1][0]
		read := func(t *dsl.Term, _ []int) (float64, bool, error) {
			if t.State != s {
				return 0, false, nil
			}
			if len(t.Index[0].Terms) == 1 {
				return r.cell(old, q2), true, nil
			}
			return r.cell(old, q1), true, nil
		}
		got := states[t][0][p-1]
		best, bestErr := -1, math.Inf(1)
		for i, arg := range s.Body.Args {
			v, err := evalTermWith(arg, states[t-1], inputs[t-1], []int{p}, read)
			if err != nil {
				return nil, err
			}
			if e := math.Abs(v - got); e < bestErr {
				best, bestErr = i, e
			}
		}
		if _, moved, _ := offsetIndex(s.Body.Args[best], s, inputs[t-1], p); moved {
			taken[t-1] = true
			p = int(q2)
		} else {
			p = int(q1)
		}
	}
	return taken, nil
}

// cell reads a rounded table at index q: cell q for 1 ≤ q ≤ P, the lower
// end of the state's range below 1 and its upper end above P.
func (r *Rounding) cell(table []float64, q int64) float64 {
	switch {
	case q < 1:
		return r.state.Lo
	case q > int64(r.P):
		return r.state.Hi
	}
	return table[q-1]
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// offsetIndex finds the read of s with an input offset inside arg and
// returns the index it reads at.
func offsetIndex(arg *dsl.Term, s *dsl.State, inputs []float64, p int) (int, bool, error) {
	if arg.Kind == dsl.TRead && arg.State == s && len(arg.Index[0].Terms) > 0 {
		i, err := indexValue(arg.Index[0], inputs, []int{p})
		return i, err == nil, err
	}
	for _, a := range arg.Args {
		if i, ok, err := offsetIndex(a, s, inputs, p); ok || err != nil {
			return i, ok, err
		}
	}
	return 0, false, nil
}

func indexValue(ix *dsl.IndexExpr, inputs []float64, idx []int) (int, error) {
	if !ix.Simple {
		return 0, fmt.Errorf("%s: index %s is not of the form VAR + inputs + constant, which decoding a program without data needs", ix.Node.Pos(), ix.Text)
	}
	v := ix.Const
	if ix.HasVar {
		v += idx[ix.Dim]
	}
	for _, t := range ix.Terms {
		if inputs == nil {
			return 0, fmt.Errorf("%s: %s needs step inputs", ix.Node.Pos(), ix.Text)
		}
		x := inputs[t.Input.Index]
		if x != math.Trunc(x) {
			return 0, fmt.Errorf("%s: input %s = %g is not an integer", ix.Node.Pos(), t.Input.Name, x)
		}
		v += t.Coef * int(x)
	}
	return v, nil
}

// evalTerm evaluates t in float64 over the given state and step inputs.
// It serves decoding and backtracking only; the network does the DP.
func evalTerm(t *dsl.Term, states [][]float64, inputs []float64, idx []int) (float64, error) {
	return evalTermWith(t, states, inputs, idx, nil)
}

// readFunc overrides how evalTermWith reads a state; ok false falls back
// to the written index.
type readFunc func(t *dsl.Term, idx []int) (v float64, ok bool, err error)

func evalTermWith(t *dsl.Term, states [][]float64, inputs []float64, idx []int, read readFunc) (float64, error) {
	if read != nil && t.Kind == dsl.TRead {
		if v, ok, err := read(t, idx); ok || err != nil {
			return v, err
		}
	}
	switch t.Kind {
	case dsl.TConst:
		return t.Value, nil
	case dsl.TInput:
		if inputs == nil {
			return 0, fmt.Errorf("%s: %s is a step input, which the answer cannot read", t.Pos(), t.Text)
		}
		return inputs[t.Input.Index], nil
	case dsl.TIndexVar:
		return float64(idx[t.Dim]), nil
	case dsl.TRead:
		at := make([]int, len(t.Index))
		for d, ix := range t.Index {
			v, err := indexValue(ix, inputs, idx)
			if err != nil {
				return 0, err
			}
			at[d] = v
		}
		if c := cellOf(t.State, at); c >= 0 {
			return states[t.State.Index][c], nil
		}
		if len(at) == 1 {
			if v, ok := t.State.BoundaryAt(at[0]); ok {
				return v, nil
			}
		}
		return 0, fmt.Errorf("%s: %s reads index %v outside %s", t.Pos(), t.Text, at, t.State.Name)
	}
	args := make([]float64, len(t.Args))
	for i, a := range t.Args {
		v, err := evalTermWith(a, states, inputs, idx, read)
		if err != nil {
			return 0, err
		}
		args[i] = v
	}
	return arith(t, args), nil
}

// arith applies an arithmetic term (add, neg, scale, min, max, clamp,
// comparison) to the values of its arguments.
func arith(t *dsl.Term, args []float64) float64 {
	switch t.Kind {
	case dsl.TAdd:
		s := 0.0
		for _, v := range args {
			s += v
		}
		return s
	case dsl.TNeg:
		return -args[0]
	case dsl.TScale:
		return t.Value * args[0]
	case dsl.TMin:
		return fold(args, math.Min)
	case dsl.TMax:
		return fold(args, math.Max)
	case dsl.TClamp:
		return math.Min(math.Max(args[0], args[1]), args[2])
	case dsl.TCmp:
		if t.Op.Holds(args[0], args[1]) {
			return 1
		}
		return 0
	}
	panic(fmt.Sprintf("compile: unknown term kind %v", t.Kind))
}

func fold(xs []float64, f func(a, b float64) float64) float64 {
	acc := xs[0]
	for _, x := range xs[1:] {
		acc = f(acc, x)
	}
	return acc
}
