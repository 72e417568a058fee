package dsl

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
)

// An if whose condition compares index variables is decided for each
// cell at compile time, and only the taken branch is ever evaluated (by
// compile's lowering and by the exact interpreter alike). So the checker
// checks each branch on the cells that take it: in the else branch of
// "if i == 0 then ... else ...", i ranges over 1..m, and a read x[i] of
// data indexed from 1 is in range.
//
// The cells that reach a branch (its path condition) are a region: a
// union of boxes, each box one interval per index variable, a
// disjunctive normal form of interval constraints. not (v == k) is the
// two boxes v < k and v > k; not (A and B) is not A or not B; and
// distributes over or. For conditions built with and, or and not from
// comparisons of one index variable (times a constant, plus constants)
// with a constant, and memberships "v in SET" of a constant set, the
// region is exact. A comparison of several variables (i < j, i + j <= n)
// narrows each box by interval propagation: every cell that satisfies
// it stays in the box, but cells that do not may stay too. Other
// conditions (sets that vary) leave the region as it is. The region is
// thus always a superset of the cells that reach the branch, so the
// checks are sound; each read must be in range on every box.
//
// A region of more than maxBoxes boxes (after merging boxes that touch)
// is replaced by its hull, one box: still a superset, so still sound, but
// a read in range on every box of the union may be refused on the hull.
//
// A branch whose region is empty is taken by no cell; it is not checked
// and not kept.

// maxBoxes caps the number of boxes of a region; beyond it the region
// becomes its hull.
const maxBoxes = 64

// hullFallbacks counts the regions replaced by their hull, for tests.
var hullFallbacks atomic.Int64

// box is a conjunction of one interval per index variable: each
// narrowed variable with its range, by variable ID; a variable not in
// the box has its declared range. A box is never empty and never changed
// once built. The nil box is every cell.
type box []narrowed

// narrowed is a variable's range in a box, narrower than its declared
// range.
type narrowed struct {
	v      *Var
	lo, hi int
}

// bounds is v's range in b.
func (b box) bounds(v *Var) (lo, hi int) {
	for _, r := range b {
		if r.v == v {
			return r.lo, r.hi
		}
	}
	return v.Lo, v.Hi
}

// with returns a copy of b in which v ranges over lo..hi.
func (b box) with(v *Var, lo, hi int) box {
	out := make(box, 0, len(b)+1)
	placed := lo == v.Lo && hi == v.Hi // the declared range is not kept
	for _, r := range b {
		switch {
		case r.v == v:
			continue
		case !placed && r.v.ID > v.ID:
			out = append(out, narrowed{v, lo, hi})
			placed = true
		}
		out = append(out, r)
	}
	if !placed {
		out = append(out, narrowed{v, lo, hi})
	}
	return out
}

// boxVars lists the narrowed variables of the boxes, by ID.
func boxVars(boxes ...box) []*Var {
	var out []*Var
	for _, b := range boxes {
		for _, r := range b {
			if !slices.Contains(out, r.v) {
				out = append(out, r.v)
			}
		}
	}
	slices.SortFunc(out, func(x, y *Var) int { return x.ID - y.ID })
	return out
}

// within reports whether every cell of a lies in b. A variable not in b
// has its declared range there, which holds every range of it.
func (a box) within(b box) bool {
	for _, r := range b {
		if lo, hi := a.bounds(r.v); lo < r.lo || hi > r.hi {
			return false
		}
	}
	return true
}

// String describes the box for messages: "i = 1, j in 2..5".
func (b box) String() string {
	var parts []string
	for _, v := range boxVars(b) {
		lo, hi := b.bounds(v)
		if lo == hi {
			parts = append(parts, fmt.Sprintf("%s = %d", v.Name, lo))
		} else {
			parts = append(parts, fmt.Sprintf("%s in %d..%d", v.Name, lo, hi))
		}
	}
	return strings.Join(parts, ", ")
}

// hullOf is the least box holding every box of boxes (non-empty).
func hullOf(boxes []box) box {
	var out box
	for _, v := range boxVars(boxes...) {
		lo, hi := boxes[0].bounds(v)
		for _, b := range boxes[1:] {
			l, h := b.bounds(v)
			lo, hi = min(lo, l), max(hi, h)
		}
		out = out.with(v, lo, hi)
	}
	return out
}

// boxes returns the region of sc: one nil box when nothing narrows it.
func (sc *scope) boxes() []box {
	if len(sc.region) == 0 {
		return []box{nil}
	}
	return sc.region
}

// bounds is an index variable's range in a scope: the hull of its ranges
// on the boxes of the region.
func (sc *scope) bounds(v *Var) (lo, hi int) {
	boxes := sc.boxes()
	lo, hi = boxes[0].bounds(v)
	for _, b := range boxes[1:] {
		l, h := b.bounds(v)
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi
}

// narrowed returns the scope sc restricted to the cells where cond is
// want (true: holds, false: fails), and whether its region holds any
// cell.
func (sc *scope) narrowed(cond *Static, want bool) (*scope, bool) {
	out := refine(sc.boxes(), cond, want)
	if len(out) == 0 {
		return sc, false
	}
	in := *sc
	in.region = out
	if len(out) == 1 && len(out[0]) == 0 {
		in.region = nil
	}
	return &in, true
}

// refine returns boxes inside the union of region whose union holds
// every cell of region where cond is want (exactly those cells for the
// conditions the file comment names); none when no cell of region gives
// cond that value. The result is simplified (at most maxBoxes boxes).
func refine(region []box, cond *Static, want bool) []box {
	switch cond.Kind {
	case SConst:
		if (cond.Value != 0) == want {
			return region
		}
		return nil
	case SNot:
		return refine(region, cond.Args[0], !want)
	case SAnd, SOr:
		x, y := cond.Args[0], cond.Args[1]
		if (cond.Kind == SAnd) == want {
			// Both hold (and) or both fail (not or): and distributes.
			return refine(refine(region, x, want), y, want)
		}
		// Either one: the union.
		return simplify(append(refine(region, x, want), refine(region, y, want)...))
	}
	var out []box
	for _, b := range region {
		switch cond.Kind {
		case SCmp:
			out = append(out, refineCmp(b, cond, want)...)
		case SIn, SNotIn:
			out = append(out, refineIn(b, cond, want)...)
		default:
			out = append(out, b)
		}
	}
	return simplify(out)
}

// linear is Σ coef·var + konst, an integer static in the making.
type linear struct {
	coef  map[*Var]int64
	konst int64
}

// linearOf reads an integer static as a linear form; ok is false for
// anything else (or for coefficients beyond 2^53).
func linearOf(s *Static) (linear, bool) {
	l := linear{coef: map[*Var]int64{}}
	var add func(s *Static, k int64) bool
	add = func(s *Static, k int64) bool {
		switch s.Kind {
		case SConst:
			if s.Type != SInt || math.Abs(float64(k)*float64(s.Value)) > maxExactInt {
				return false
			}
			l.konst += k * s.Value
		case SVar:
			if s.Type != SInt || s.Var.Set {
				return false
			}
			l.coef[s.Var] += k
			if math.Abs(float64(l.coef[s.Var])) > maxExactInt {
				return false
			}
		case SAdd:
			for _, a := range s.Args {
				if !add(a, k) {
					return false
				}
			}
		case SNeg:
			return add(s.Args[0], -k)
		case SScale:
			if math.Abs(float64(k)*float64(s.Value)) > maxExactInt {
				return false
			}
			return add(s.Args[0], k*s.Value)
		default:
			return false
		}
		return math.Abs(float64(l.konst)) <= maxExactInt
	}
	if !add(s, 1) {
		return linear{}, false
	}
	for v, c := range l.coef {
		switch {
		case c == 0:
			delete(l.coef, v)
		case math.Abs(float64(c)) > maxExactInt:
			return linear{}, false
		}
	}
	return l, true
}

// minus returns l − m.
func (l linear) minus(m linear) linear {
	out := linear{coef: map[*Var]int64{}, konst: l.konst - m.konst}
	for v, c := range l.coef {
		out.coef[v] += c
	}
	for v, c := range m.coef {
		out.coef[v] -= c
	}
	for v, c := range out.coef {
		if c == 0 {
			delete(out.coef, v)
		}
	}
	return out
}

// plus returns l + k.
func (l linear) plus(k int64) linear {
	l.konst += k
	return l
}

// neg returns −l.
func (l linear) neg() linear {
	out := linear{coef: make(map[*Var]int64, len(l.coef)), konst: -l.konst}
	for v, c := range l.coef {
		out.coef[v] = -c
	}
	return out
}

// refineCmp refines b by the integer comparison cond (or its negation).
func refineCmp(b box, cond *Static, want bool) []box {
	x, y := cond.Args[0], cond.Args[1]
	if x.Type != SInt || y.Type != SInt {
		return []box{b}
	}
	lx, okx := linearOf(x)
	ly, oky := linearOf(y)
	if !okx || !oky {
		return []box{b}
	}
	op := cond.Op
	if !want {
		op = op.negated()
	}
	d := lx.minus(ly) // cond is "d op 0"
	var atMostZero []linear
	switch op {
	case EQ:
		atMostZero = []linear{d, d.neg()}
	case NE:
		// d <= -1 or d >= 1: two boxes.
		return simplify(append(constrain(b, d.plus(1)), constrain(b, d.neg().plus(1))...))
	case LT:
		atMostZero = []linear{d.plus(1)}
	case LE:
		atMostZero = []linear{d}
	case GT:
		atMostZero = []linear{d.neg().plus(1)}
	case GE:
		atMostZero = []linear{d.neg()}
	default:
		return []box{b}
	}
	out := []box{b}
	for _, l := range atMostZero {
		if len(out) == 0 {
			break
		}
		out = constrain(out[0], l)
	}
	return out
}

// constrain narrows b to the cells where l <= 0: none when no cell of b
// satisfies it, else one box holding every cell that does. With one
// variable the box is exact; with several, each variable's range is
// narrowed by the least value the others can give (interval
// propagation).
func constrain(b box, l linear) []box {
	vars := make([]*Var, 0, len(l.coef))
	for v := range l.coef {
		vars = append(vars, v)
	}
	slices.SortFunc(vars, func(x, y *Var) int { return x.ID - y.ID })
	if len(vars) > 64 {
		return []box{b} // too many terms to add up exactly: no narrowing
	}
	// least is the least value of c·v on b; every one is at most 2^53 in
	// magnitude (checked below), so their sum fits an int64.
	least := func(v *Var) int64 {
		lo, hi := b.bounds(v)
		c := l.coef[v]
		return min(c*int64(lo), c*int64(hi))
	}
	total := l.konst
	for _, v := range vars {
		lo, hi := b.bounds(v)
		c := float64(l.coef[v])
		if math.Abs(c*float64(lo)) > maxExactInt || math.Abs(c*float64(hi)) > maxExactInt {
			return []box{b} // too large to propagate exactly: no narrowing
		}
		total += least(v)
	}
	if total > 0 {
		return nil
	}
	out := b
	for _, v := range vars {
		// c·v <= r, where r is minus the least value of the rest.
		r := -(total - least(v))
		c := l.coef[v]
		lo, hi := out.bounds(v)
		if c > 0 {
			hi = int(min(int64(hi), floorDiv(r, c)))
		} else {
			lo = int(max(int64(lo), ceilDiv(r, c)))
		}
		if lo > hi {
			return nil // unreachable: total <= 0 leaves v's least value
		}
		out = out.with(v, lo, hi)
	}
	return []box{out}
}

// floorDiv is ⌊a/b⌋ for b != 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// ceilDiv is ⌈a/b⌉ for b != 0.
func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// refineIn refines b by "x in S" or "x notin S" (or their negation) for
// a constant set S and x = c·v + k of one variable: the values of v in
// b that put x in S (or not) form runs, one box each.
func refineIn(b box, cond *Static, want bool) []box {
	x, set := cond.Args[0], cond.Args[1]
	l, ok := linearOf(x)
	if !ok || set.Kind != SConst || len(l.coef) != 1 {
		return []box{b}
	}
	var v *Var
	var c int64
	for w, k := range l.coef {
		v, c = w, k
	}
	member := (cond.Kind == SIn) == want
	lo, hi := b.bounds(v)
	// The values of v in lo..hi with c·v + k in S, ascending.
	var in []int
	for e := int64(0); e <= maxElem; e++ {
		if set.Value>>uint(e)&1 == 0 || (e-l.konst)%c != 0 {
			continue
		}
		if w := (e - l.konst) / c; w >= int64(lo) && w <= int64(hi) {
			in = append(in, int(w))
		}
	}
	slices.Sort(in)
	var runs [][2]int
	if member {
		for _, w := range in {
			if n := len(runs); n > 0 && runs[n-1][1] == w-1 {
				runs[n-1][1] = w
			} else {
				runs = append(runs, [2]int{w, w})
			}
		}
	} else {
		next := lo
		for _, w := range in {
			if w > next {
				runs = append(runs, [2]int{next, w - 1})
			}
			next = w + 1
		}
		if next <= hi {
			runs = append(runs, [2]int{next, hi})
		}
	}
	out := make([]box, 0, len(runs))
	for _, r := range runs {
		out = append(out, b.with(v, r[0], r[1]))
	}
	return out
}

// simplify drops boxes inside others and merges two boxes that differ in
// one variable whose ranges touch (a few passes over the pairs); a region
// of more than maxBoxes boxes becomes its hull. Fewer merges than
// possible only leave more boxes: the union, and so the checks, stay the
// same.
func simplify(boxes []box) []box {
	if len(boxes) > 4*maxBoxes {
		hullFallbacks.Add(1)
		return []box{hullOf(boxes)}
	}
	out := dropInside(boxes)
	for range mergePasses {
		changed := false
		for i := 0; i < len(out); i++ {
			for j := i + 1; j < len(out); j++ {
				if m, ok := merged(out[i], out[j]); ok {
					out[i] = m
					out = slices.Delete(out, j, j+1)
					j--
					changed = true
				}
			}
		}
		if !changed {
			break
		}
		out = dropInside(out)
	}
	if len(out) > maxBoxes {
		hullFallbacks.Add(1)
		return []box{hullOf(out)}
	}
	return out
}

// mergePasses bounds the passes of simplify over the pairs of boxes.
const mergePasses = 8

// dropInside returns the boxes not inside another (of two equal boxes,
// the first stays).
func dropInside(boxes []box) []box {
	out := make([]box, 0, len(boxes))
	for i, a := range boxes {
		keep := true
		for j, b := range boxes {
			if i != j && a.within(b) && (j < i || !b.within(a)) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, a)
		}
	}
	return out
}

// merged returns the union of a and b when it is a box: they agree on
// every variable but one, whose ranges overlap or touch.
func merged(a, b box) (box, bool) {
	var diff *Var
	differs := func(v *Var) bool { // a second variable differs, or v's ranges are apart
		alo, ahi := a.bounds(v)
		blo, bhi := b.bounds(v)
		if alo == blo && ahi == bhi || v == diff {
			return false
		}
		if diff != nil || ahi+1 < blo || bhi+1 < alo {
			return true
		}
		diff = v
		return false
	}
	for _, r := range a {
		if differs(r.v) {
			return nil, false
		}
	}
	for _, r := range b {
		if differs(r.v) {
			return nil, false
		}
	}
	if diff == nil {
		return a, true
	}
	alo, ahi := a.bounds(diff)
	blo, bhi := b.bounds(diff)
	return a.with(diff, min(alo, blo), max(ahi, bhi)), true
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
