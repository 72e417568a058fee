package compile

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
)

// A program may say that a value is +inf ("unreachable": a missing arc, a
// state no choice reaches). A ReLU network computes with finite numbers,
// so the network represents +inf by a finite big M, chosen here by rule
// from the program's interval analysis:
//
//   - every place where an inf enters the network (the constant inf, a
//     data value inf, an inf initial or boundary value) becomes exactly M;
//   - arithmetic moves a represented inf, but never below M + off, where
//     off is a lower bound computed term by term: a sum adds the lower
//     bounds of its operands, a min or max keeps the least, scaling by
//     c ≥ 1 multiplies; iterated over the steps like the state intervals;
//   - M is the least integer for which every min that may compare a
//     represented inf with a finite value picks the finite one (M + off ≥
//     the finite value's upper bound), every clamp maps a represented inf
//     to its upper end, and every represented inf of a state lies above
//     the state's declared finite range.
//
// Then the network computes every finite value of the exact DP exactly,
// and every +inf as some value above the state's finite range: Unrepresent
// reads it back. Negating an inf, scaling it by less than 1 or comparing
// it are errors: no finite M would be sound.

// Every other infinity is refused when lowering (infiniteValue): the
// network computes with finite numbers, and an IEEE infinity inside it
// would turn the lowering rules into NaN (max(a, b) = a + relu(b − a) is
// −inf + inf when a is −inf; min(a, b) = a − relu(a − b) is inf − inf
// when a is +inf), or poison every output of a dense layer (0·inf).
// An infinity that folds away when compiling (a constant −inf in a max
// with a finite operand: the lowering's value intervals decide it, and a
// sum with ±inf is the constant ±inf) never reaches the network; one that
// does — an initial value, a cell's next value, a neuron — is refused
// (lower.go: infiniteInit, the output check, lowering.neuron).

// infiniteValue is the error for the value v (±Inf) of what, at pos,
// which the exact and fptas networks cannot hold.
func infiniteValue(pos, what string, v float64) error {
	if v < 0 {
		return fmt.Errorf("%s: %s is -inf, which an exact network cannot hold: it computes with finite numbers (max(a, b) = a + relu(b - a) is NaN when a is -inf), and only the +inf of an \"or inf\" state or data has a finite stand-in (big M); use -scheme smooth, or a finite value below every value the DP reaches (docs/dsl.md, Limits)", pos, dsl.Shorten(what))
	}
	return fmt.Errorf("%s: %s is +inf, which an exact network holds only in a state or data declared \"or inf\" (as its big M); declare it \"or inf\" (docs/dsl.md, Limits)", pos, dsl.Shorten(what))
}

// infiniteInit is infiniteValue for the initial value of s at idx (nil:
// every cell).
func infiniteInit(s *dsl.State, idx []int, v float64) error {
	pos := s.Decl.Pos().String()
	if s.InitTerm != nil {
		pos = s.InitTerm.Pos().String()
	}
	what := "the initial value of " + s.Name
	if idx != nil {
		what = fmt.Sprintf("the initial value of %s%v", s.Name, idx)
	}
	return infiniteValue(pos, what, v)
}

// infReps is how +inf is represented in one network.
type infReps struct {
	m float64 // BigM; 0 when the program has no inf values
	// per state: every network value lies in net[s]; an inf cell holds at
	// least m + off[s].
	off []float64
	net [][2]float64
}

// repInfo is what the analysis knows about one term.
type repInfo struct {
	fin, inf bool    // may be finite / may be +inf
	lo, hi   float64 // bounds of the finite values (when fin)
	off      float64 // when inf: the network value is at least M + off
}

// repAnalysis walks terms collecting the requirements on M.
type repAnalysis struct {
	model *dsl.Model
	off   []float64 // current per-state offsets
	need  float64   // M must be at least need
	err   error
}

func (a *repAnalysis) require(m float64) {
	if m > a.need {
		a.need = m
	}
}

func (a *repAnalysis) fail(t *dsl.Term, format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("%s: %s: %s", t.Pos(), dsl.Shorten(t.Text), fmt.Sprintf(format, args...))
	}
}

// usesInf reports whether m has any +inf value: an "or inf" state or data
// array, or the constant inf in a step, init or boundary.
func usesInf(m *dsl.Model) bool {
	for _, d := range m.Data {
		if d.MayInf {
			return true
		}
	}
	for _, s := range m.States {
		if s.MayInf {
			return true
		}
		if s.Body != nil {
			found := false
			walkTerms(s.Body, func(t *dsl.Term) { found = found || (t.Kind == dsl.TConst && math.IsInf(t.Value, 1)) })
			if found {
				return true
			}
		}
	}
	return false
}

// representInf chooses M for m (see the comment at the top of this file).
func representInf(m *dsl.Model, scheme Scheme) (*infReps, error) {
	r := &infReps{}
	if scheme == Smooth || !usesInf(m) {
		return r, nil
	}
	a := &repAnalysis{model: m, off: make([]float64, len(m.States))}
	steps := m.Steps
	if m.Fixpoint != nil {
		steps++
	}
	fixed := steps > 0
	if !fixed {
		steps = 64 // item programs: iterate until the offsets stop moving
	}
	minOff := make([]float64, len(m.States))
	for t := 0; t < steps; t++ {
		next := make([]float64, len(m.States))
		for i, s := range m.States {
			if s.Body == nil {
				continue
			}
			info := a.term(s.Body)
			next[i] = a.off[i]
			if info.inf {
				next[i] = info.off
			}
			if info.inf && !s.MayInf {
				a.fail(s.Body, "may be inf, but state %s is not declared \"or inf\"", s.Name)
			}
		}
		if a.err != nil {
			return nil, a.err
		}
		moved := false
		for i := range next {
			if next[i] < minOff[i] {
				minOff[i], moved = next[i], true
			}
		}
		a.off = minOff
		if !fixed && !moved {
			break
		}
		if !fixed && t == steps-1 {
			return nil, fmt.Errorf("%s: cannot bound how +inf moves through the steps of this program (it has no steps line); give the program a steps line", m.File.Pos())
		}
	}
	for i, s := range m.States {
		if s.MayInf {
			a.require(s.Hi - minOff[i] + 1) // every represented inf above the finite range
		}
	}
	for _, d := range m.Data {
		if d.MayInf {
			a.require(d.Hi + 1)
		}
	}
	r.m = math.Max(1, math.Ceil(a.need))
	r.off = minOff
	r.net = networkRanges(m, r, steps, fixed)
	return r, nil
}

// term analyses t under the current state offsets.
func (a *repAnalysis) term(t *dsl.Term) repInfo {
	// A term whose finite part is empty (only ever +inf) has Lo = +Inf.
	finite := repInfo{fin: !math.IsInf(t.Lo, 1) && t.Lo <= t.Hi, lo: t.Lo, hi: t.Hi}
	switch t.Kind {
	case dsl.TConst:
		switch {
		case math.IsInf(t.Value, 1):
			return repInfo{inf: true}
		case math.IsInf(t.Value, -1):
			a.fail(t, "-inf has no finite representation in an exact network")
		}
		return repInfo{fin: true, lo: t.Value, hi: t.Value}
	case dsl.TInput, dsl.TIndexVar:
		return finite
	case dsl.TData:
		finite.inf = t.Data.MayInf
		return finite
	case dsl.TRead:
		s := t.State
		info := repInfo{fin: true, lo: s.Lo, hi: s.Hi, inf: s.MayInf, off: a.off[s.Index]}
		for _, b := range s.Boundaries {
			switch {
			case math.IsInf(b.Value, 1):
				info.inf, info.off = true, math.Min(info.off, 0)
			case math.IsInf(b.Value, -1):
				a.fail(t, "the boundary value -inf of %s has no finite representation", s.Name)
			default:
				info.lo, info.hi = math.Min(info.lo, b.Value), math.Max(info.hi, b.Value)
			}
		}
		return info
	case dsl.TCmp:
		for _, x := range t.Args {
			if a.term(x).inf {
				a.fail(t, "compares a value that may be inf")
			}
		}
		return repInfo{fin: true, lo: 0, hi: 1}
	}
	args := make([]repInfo, len(t.Args))
	for i, x := range t.Args {
		args[i] = a.term(x)
	}
	switch t.Kind {
	case dsl.TAdd:
		out := finite
		out.fin = true
		sum := 0.0
		for _, x := range args {
			out.inf = out.inf || x.inf
			out.fin = out.fin && x.fin
			switch {
			case x.inf && x.fin:
				sum += math.Min(x.off, x.lo)
			case x.inf:
				sum += x.off
			default:
				sum += x.lo
			}
		}
		out.off = sum
		return out
	case dsl.TNeg:
		if args[0].inf {
			a.fail(t, "negates a value that may be inf")
		}
		return finite
	case dsl.TScale:
		if args[0].inf {
			if t.Value < 1 {
				a.fail(t, "scales a value that may be inf by %g; only factors >= 1 keep inf above every finite value", t.Value)
			}
			finite.inf, finite.off = true, t.Value*math.Min(args[0].off, 0)
			if args[0].off > 0 {
				finite.off = args[0].off
			}
		}
		finite.fin = args[0].fin
		return finite
	case dsl.TMin, dsl.TMax:
		return a.minMax(t, t.Kind == dsl.TMin, args, false)
	case dsl.TReduce:
		return a.minMax(t, t.Reduce == dsl.TMin, args, true)
	case dsl.TClamp:
		x := args[0]
		if x.inf {
			a.require(t.Args[2].Value - x.off)
		}
		return finite
	case dsl.TIf:
		out := repInfo{fin: args[0].fin || args[1].fin, inf: args[0].inf || args[1].inf, lo: t.Lo, hi: t.Hi}
		out.off = math.Inf(1)
		for _, x := range args {
			if x.inf {
				out.off = math.Min(out.off, x.off)
			}
		}
		return out
	}
	panic(fmt.Sprintf("compile: unknown term kind %v", t.Kind))
}

// minMax analyses min or max over args (a reduction over one body that may
// also be empty: +inf for min).
func (a *repAnalysis) minMax(t *dsl.Term, isMin bool, args []repInfo, reduction bool) repInfo {
	out := repInfo{fin: !math.IsInf(t.Lo, 1) && t.Lo <= t.Hi, lo: t.Lo, hi: t.Hi, off: math.Inf(1)}
	if reduction && isMin {
		out.inf, out.off = true, 0 // an empty domain gives the constant inf
	}
	finHi := math.Inf(-1)
	anyInf, allInf := false, true
	for _, x := range args {
		if x.inf {
			anyInf = true
			out.off = math.Min(out.off, x.off)
		} else {
			allInf = false
		}
		if x.fin && !math.IsInf(x.hi, 1) { // +Inf: the checker found no finite value
			finHi = math.Max(finHi, x.hi)
		}
	}
	if isMin {
		out.inf = out.inf || anyInf && (allInf || reduction)
		if anyInf && !math.IsInf(finHi, -1) {
			a.require(finHi - out.off) // a represented inf must lose to every finite value
		}
	} else {
		out.inf = out.inf || anyInf
	}
	if out.inf && math.IsInf(out.off, 1) {
		out.off = 0
	}
	return out
}

// networkRanges bounds every state's network values (finite values and
// represented infs) by interval arithmetic with M known, iterated over the
// steps.
func networkRanges(m *dsl.Model, r *infReps, steps int, fixed bool) [][2]float64 {
	net := make([][2]float64, len(m.States))
	for i, s := range m.States {
		lo, hi := s.Lo, s.Hi
		if s.MayInf {
			hi = math.Max(hi, r.m)
		}
		net[i] = [2]float64{lo, hi}
	}
	for t := 0; t < steps; t++ {
		moved := false
		for i, s := range m.States {
			if s.Body == nil {
				continue
			}
			lo, hi := r.netTerm(s.Body, net)
			if lo < net[i][0] || hi > net[i][1] {
				net[i] = [2]float64{math.Min(lo, net[i][0]), math.Max(hi, net[i][1])}
				moved = true
			}
		}
		if !fixed && !moved {
			break
		}
	}
	return net
}

// netTerm bounds the network value of t given the states' network ranges.
func (r *infReps) netTerm(t *dsl.Term, net [][2]float64) (lo, hi float64) {
	switch t.Kind {
	case dsl.TConst:
		v := r.represent(t.Value)
		return v, v
	case dsl.TInput, dsl.TIndexVar:
		return t.Lo, t.Hi
	case dsl.TData:
		return r.dataRange(t.Data)
	case dsl.TRead:
		lo, hi = net[t.State.Index][0], net[t.State.Index][1]
		for _, b := range t.State.Boundaries {
			v := r.represent(b.Value)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return lo, hi
	case dsl.TCmp:
		return 0, 1
	}
	los := make([]float64, len(t.Args))
	his := make([]float64, len(t.Args))
	for i, x := range t.Args {
		los[i], his[i] = r.netTerm(x, net)
	}
	switch t.Kind {
	case dsl.TAdd:
		for i := range los {
			lo, hi = lo+los[i], hi+his[i]
		}
		return lo, hi
	case dsl.TNeg:
		return -his[0], -los[0]
	case dsl.TScale:
		if t.Value >= 0 {
			return t.Value * los[0], t.Value * his[0]
		}
		return t.Value * his[0], t.Value * los[0]
	case dsl.TMin, dsl.TMax, dsl.TReduce:
		isMin := t.Kind == dsl.TMin || t.Kind == dsl.TReduce && t.Reduce == dsl.TMin
		lo, hi = los[0], his[0]
		for i := range los[1:] {
			if isMin {
				lo, hi = math.Min(lo, los[i+1]), math.Min(hi, his[i+1])
			} else {
				lo, hi = math.Max(lo, los[i+1]), math.Max(hi, his[i+1])
			}
		}
		if t.Kind == dsl.TReduce && isMin {
			hi = math.Max(hi, r.inf()) // the domain may be empty for some cell
		}
		return lo, hi
	case dsl.TClamp:
		c0, c1 := t.Args[1].Value, t.Args[2].Value
		return math.Min(math.Max(los[0], c0), c1), math.Min(math.Max(his[0], c0), c1)
	case dsl.TIf:
		return math.Min(los[0], los[1]), math.Max(his[0], his[1])
	}
	panic(fmt.Sprintf("compile: unknown term kind %v", t.Kind))
}

// inf is the network's value for the constant +inf.
func (r *infReps) inf() float64 {
	if r == nil || r.m == 0 {
		return math.Inf(1)
	}
	return r.m
}

// represent maps an exact value to the network's: +inf to M.
func (r *infReps) represent(v float64) float64 {
	if math.IsInf(v, 1) && r != nil && r.m != 0 {
		return r.m
	}
	return v
}

// stateRange is the range of the network values of s.
func (r *infReps) stateRange(s *dsl.State) (lo, hi float64) {
	if r == nil || r.m == 0 {
		return s.Lo, s.Hi
	}
	return r.net[s.Index][0], r.net[s.Index][1]
}

// dataRange is the range of the network values of data d.
func (r *infReps) dataRange(d *dsl.Data) (lo, hi float64) {
	if d.MayInf && r != nil && r.m != 0 {
		return d.Lo, r.m
	}
	return d.Lo, d.Hi
}

// Represent returns the network's value for the exact value v of a state
// or data array: +inf becomes BigM.
func (n *Network) Represent(v float64) float64 {
	if math.IsInf(v, 1) && n.BigM != 0 {
		return n.BigM
	}
	return v
}

// Unrepresent reads a network value of state s back: a value above the
// state's declared finite range is +inf when the state may be inf.
func (n *Network) Unrepresent(s *dsl.State, v float64) float64 {
	if s.MayInf && n.BigM != 0 && v > s.Hi {
		return math.Inf(1)
	}
	return v
}

// Feed checks data values against the program's data declarations and
// returns them as the network takes them: +inf as BigM. data[k] holds
// the values of Model.Data[k], row-major.
func (n *Network) Feed(data [][]float64) ([][]float64, error) {
	m := n.Model
	if len(data) != len(m.Data) {
		return nil, fmt.Errorf("got %d data arrays, program %s has %d", len(data), m.Name, len(m.Data))
	}
	out := make([][]float64, len(data))
	for k, d := range m.Data {
		if len(data[k]) != d.Cells() {
			return nil, fmt.Errorf("data %s has %d values, want %d", d.Name, len(data[k]), d.Cells())
		}
		lo, hi := d.Lo, d.Hi
		if r := n.OffsetRounding; r != nil && r.Data == d.Name {
			lo, hi = r.dataLo, r.dataHi // the network rounds these itself
		}
		out[k] = make([]float64, len(data[k]))
		for i, v := range data[k] {
			switch {
			case math.IsInf(v, 1) && d.MayInf:
			case math.IsNaN(v) || v < lo || v > hi:
				return nil, fmt.Errorf("data %s value %d is %g, outside %g..%g", d.Name, i, v, lo, hi)
			case d.Type == dsl.Int && v != math.Trunc(v):
				return nil, fmt.Errorf("data %s value %d is %g, not an integer", d.Name, i, v)
			}
			out[k][i] = n.Represent(v)
		}
	}
	return out, nil
}
