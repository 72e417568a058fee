package dsl

// An if whose condition compares index variables with constants is
// decided for each cell at compile time, and only the taken branch is
// ever evaluated (by compile's lowering and by the exact interpreter
// alike). So the checker checks each branch with the index ranges its
// condition leaves: in the else branch of "if i == 0 then ... else ...",
// i ranges over 1..m, and a read x[i] of data indexed from 1 is in range.
// A branch no cell takes is not checked and not kept.

// bounds is an index variable's range in a scope.
func (sc *scope) bounds(v *Var) (lo, hi int) {
	if b, ok := sc.narrow[v]; ok {
		return b[0], b[1]
	}
	return v.Lo, v.Hi
}

// narrowed returns the scope sc in which cond is want (true: holds, false:
// fails), and whether any cell of sc gives cond that value. Conditions it
// cannot read (sets, sums of variables) leave the ranges as they are.
func (sc *scope) narrowed(cond *Static, want bool) (*scope, bool) {
	switch cond.Kind {
	case SConst:
		return sc, (cond.Value != 0) == want
	case SNot:
		return sc.narrowed(cond.Args[0], !want)
	case SAnd, SOr:
		if (cond.Kind == SAnd) == want {
			// Both hold (and) or both fail (not or): narrow in turn.
			a, ok := sc.narrowed(cond.Args[0], want)
			if !ok {
				return sc, false
			}
			return a.narrowed(cond.Args[1], want)
		}
		// Either one: the hull of the two.
		a, okA := sc.narrowed(cond.Args[0], want)
		b, okB := sc.narrowed(cond.Args[1], want)
		switch {
		case !okA && !okB:
			return sc, false
		case !okA:
			return b, true
		case !okB:
			return a, true
		}
		return sc.hull(a, b), true
	case SCmp:
		return sc.narrowCmp(cond, want)
	}
	return sc, true
}

// narrowCmp narrows by "v op k" or "k op v", v an index variable and k a
// constant.
func (sc *scope) narrowCmp(cond *Static, want bool) (*scope, bool) {
	x, y := cond.Args[0], cond.Args[1]
	op := cond.Op
	if x.Type != SInt || y.Type != SInt {
		return sc, true
	}
	if x.Kind == SConst && y.Kind == SVar {
		x, y, op = y, x, op.swapped()
	}
	if x.Kind != SVar || y.Kind != SConst || x.Var.Set {
		return sc, true
	}
	if !want {
		op = op.negated()
	}
	v, k := x.Var, int(y.Value)
	lo, hi := sc.bounds(v)
	switch op {
	case EQ:
		lo, hi = max(lo, k), min(hi, k)
	case NE:
		if k == lo {
			lo++
		} else if k == hi {
			hi--
		}
	case LT:
		hi = min(hi, k-1)
	case LE:
		hi = min(hi, k)
	case GT:
		lo = max(lo, k+1)
	case GE:
		lo = max(lo, k)
	}
	if lo > hi {
		return sc, false
	}
	return sc.withBounds(v, lo, hi), true
}

// withBounds returns a copy of sc in which v ranges over lo..hi.
func (sc *scope) withBounds(v *Var, lo, hi int) *scope {
	in := *sc
	in.narrow = make(map[*Var][2]int, len(sc.narrow)+1)
	for w, b := range sc.narrow {
		in.narrow[w] = b
	}
	in.narrow[v] = [2]int{lo, hi}
	return &in
}

// hull returns sc with each variable's range the hull of its ranges in a
// and b.
func (sc *scope) hull(a, b *scope) *scope {
	out := sc
	for v := range a.narrow {
		alo, ahi := a.bounds(v)
		blo, bhi := b.bounds(v)
		lo, hi := min(alo, blo), max(ahi, bhi)
		if slo, shi := sc.bounds(v); lo != slo || hi != shi {
			out = out.withBounds(v, lo, hi)
		}
	}
	return out
}

// swapped is the operator of "y op' x" equivalent to "x op y".
func (op CmpOp) swapped() CmpOp {
	switch op {
	case LT:
		return GT
	case LE:
		return GE
	case GT:
		return LT
	case GE:
		return LE
	}
	return op
}

// negated is the operator of "not (x op y)".
func (op CmpOp) negated() CmpOp {
	switch op {
	case EQ:
		return NE
	case NE:
		return EQ
	case LT:
		return GE
	case LE:
		return GT
	case GT:
		return LE
	case GE:
		return LT
	}
	return op
}
