package dsl

import "math"

// This file holds the interval arithmetic of terms, shared by the checker
// (declared ranges) and the step-iterated analysis of programs with a
// steps line.

// ival is the set of values a term may take: the finite part lo..hi (ends
// may be infinite for states declared with infinite ranges) and, when inf
// is set, the value +inf ("unreachable"). A term that is always +inf has
// lo = hi = +inf and inf set: its finite part is empty.
type ival struct {
	lo, hi float64
	inf    bool
}

var posInf = math.Inf(1)

// only reports whether the finite part is empty: the value is always +inf.
func (a ival) onlyInf() bool { return a.inf && a.lo == posInf }

// point is the interval of the constant v; +inf is inf alone.
func point(v float64) ival { return ival{lo: v, hi: v, inf: math.IsInf(v, 1)} }

func termIval(t *Term) ival { return ival{lo: t.Lo, hi: t.Hi, inf: t.MayInf} }

func (t *Term) setIval(a ival) { t.Lo, t.Hi, t.MayInf = a.lo, a.hi, a.inf }

// union is the interval of a value that is one of a or b.
func union(a, b ival) ival {
	switch {
	case a.onlyInf():
		b.inf = true
		return b
	case b.onlyInf():
		a.inf = true
		return a
	}
	return ival{lo: math.Min(a.lo, b.lo), hi: math.Max(a.hi, b.hi), inf: a.inf || b.inf}
}

// contains reports whether every value of a lies in b.
func (a ival) within(b ival) bool {
	if a.inf && !b.inf {
		return false
	}
	if a.onlyInf() {
		return true
	}
	return a.lo >= b.lo && a.hi <= b.hi
}

// addIval is the interval of a sum: +inf when any operand is +inf.
func addIval(args []ival) ival {
	r := args[0]
	for _, a := range args[1:] {
		r.lo, r.hi, r.inf = addLo(r.lo, a.lo), addHi(r.hi, a.hi), r.inf || a.inf
	}
	if r.inf && r.lo == posInf {
		r.hi = posInf
	}
	return r
}

// negIval negates a; a term that may be +inf is never negated (Check
// rejects it).
func negIval(a ival) ival { return ival{lo: -a.hi, hi: -a.lo} }

// scaleIval multiplies by a finite k; +inf stays +inf for k > 0 (Check
// rejects k <= 0 on a term that may be +inf).
func scaleIval(k float64, a ival) ival {
	lo, hi := mulBound(k, a.lo), mulBound(k, a.hi)
	if k < 0 {
		lo, hi = hi, lo
	}
	return ival{lo: lo, hi: hi, inf: a.inf && k > 0}
}

// minIval: +inf only when every argument may be +inf. The finite values
// are at least the least lower end; when some argument is never +inf the
// minimum is at most its upper end, otherwise at most the largest upper
// end among arguments that may be finite (the others being +inf).
func minIval(args []ival) ival {
	r := ival{lo: posInf, hi: posInf, inf: true}
	finiteHi := math.Inf(-1) // largest upper end of an argument with a finite part
	someFinite := false      // some argument is never +inf
	for _, a := range args {
		r.lo = math.Min(r.lo, a.lo)
		r.inf = r.inf && a.inf
		if !a.inf {
			if !someFinite {
				r.hi = a.hi
			}
			r.hi = math.Min(r.hi, a.hi)
			someFinite = true
		}
		if !a.onlyInf() {
			finiteHi = math.Max(finiteHi, a.hi)
		}
	}
	if !someFinite {
		r.hi = finiteHi
		if r.lo == posInf {
			r.hi = posInf
		}
	}
	return r
}

// maxIval: +inf when any argument is; finite only when all are.
func maxIval(args []ival) ival {
	r := args[0]
	for _, a := range args[1:] {
		r.lo, r.hi, r.inf = math.Max(r.lo, a.lo), math.Max(r.hi, a.hi), r.inf || a.inf
	}
	return r
}

// clampIval clamps to lo..hi; +inf clamps to hi.
func clampIval(a ival, lo, hi float64) ival {
	to := func(v float64) float64 { return math.Min(math.Max(v, lo), hi) }
	r := ival{lo: to(a.lo), hi: to(a.hi)}
	if a.inf {
		r.lo, r.hi = math.Min(r.lo, hi), math.Max(r.hi, hi)
	}
	return r
}

// cmpIval is the interval of [a op b]: 0..1, or one value when the
// operand intervals decide it.
func cmpIval(op CmpOp, a, b ival) ival {
	always := func(op CmpOp) bool { // op holds for every pair
		switch op {
		case LT:
			return a.hi < b.lo
		case LE:
			return a.hi <= b.lo
		case GT:
			return a.lo > b.hi
		case GE:
			return a.lo >= b.hi
		case EQ:
			return a.lo == a.hi && b.lo == b.hi && a.lo == b.lo
		case NE:
			return a.hi < b.lo || a.lo > b.hi
		}
		return false
	}
	negation := map[CmpOp]CmpOp{LT: GE, LE: GT, GT: LE, GE: LT, EQ: NE, NE: EQ}
	switch {
	case always(op):
		return point(1)
	case always(negation[op]):
		return point(0)
	}
	return ival{lo: 0, hi: 1}
}

// reduceIval is the interval of a min or max over a domain; mayBeEmpty
// says whether the domain (after its filter) can be empty, which makes a
// min +inf and a max -inf.
func reduceIval(kind TermKind, body ival, mayBeEmpty bool) ival {
	if !mayBeEmpty {
		return body
	}
	if kind == TMin {
		body.inf = true
		return body
	}
	body.lo = math.Inf(-1)
	if body.onlyInf() {
		body.hi = posInf
	}
	return body
}

// combine computes the interval of an inner term from the intervals of
// its arguments; mayBeEmpty is used by TReduce only.
func combine(t *Term, args []ival, mayBeEmpty bool) ival {
	switch t.Kind {
	case TAdd:
		return addIval(args)
	case TNeg:
		return negIval(args[0])
	case TScale:
		return scaleIval(t.Value, args[0])
	case TMin:
		return minIval(args)
	case TMax:
		return maxIval(args)
	case TClamp:
		return clampIval(args[0], t.Args[1].Value, t.Args[2].Value)
	case TIf:
		return union(args[0], args[1])
	case TCmp:
		return cmpIval(t.Op, args[0], args[1])
	case TReduce:
		return reduceIval(t.Reduce, args[0], mayBeEmpty)
	}
	panic("dsl: combine of a " + t.Kind.String() + " term")
}

// stepAnalysis re-evaluates term intervals under given state intervals
// (the step-iterated analysis of a program with a steps line) and joins
// them over the steps.
type stepAnalysis struct {
	boundary map[*Term]*ival // TRead: the boundary values it can reach; nil when none
	mayEmpty map[*Term]bool  // TReduce: its domain can be empty for some cell
	joined   map[*Term]ival  // every term's interval joined over the steps evaluated
}

// eval returns the interval of t when every state s holds values in
// states[s.Index], and joins it into a.joined.
func (a *stepAnalysis) eval(t *Term, states []ival) ival {
	var r ival
	switch t.Kind {
	case TConst, TInput, TIndexVar, TData:
		r = termIval(t)
	case TRead:
		r = states[t.State.Index]
		if b := a.boundary[t]; b != nil {
			r = union(r, *b)
		}
	default:
		args := make([]ival, len(t.Args))
		for i, x := range t.Args {
			args[i] = a.eval(x, states)
		}
		r = combine(t, args, a.mayEmpty[t])
	}
	if old, ok := a.joined[t]; ok {
		a.joined[t] = union(old, r)
	} else {
		a.joined[t] = r
	}
	return r
}

// store writes the joined intervals into the terms under t.
func (a *stepAnalysis) store(t *Term) {
	if r, ok := a.joined[t]; ok {
		t.setIval(r)
	}
	for _, x := range t.Args {
		a.store(x)
	}
}
