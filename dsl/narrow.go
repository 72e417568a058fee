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
// union of boxes, each box one interval per index variable plus
// difference bounds v − w <= c between two variables, a disjunctive
// normal form of such constraints. not (v == k) is the two boxes v < k
// and v > k; not (A and B) is not A or not B; and distributes over or.
// For conditions built with and, or and not from comparisons of one
// index variable (times a constant, plus constants) with a constant,
// memberships "v in SET" of a constant set, and comparisons of two
// variables with a constant difference (i < j, i == j + 2), the region is
// exact for two variables; with three or more, difference bounds are
// only propagated pairwise, which keeps every cell that satisfies them. A
// comparison of other sums of variables (i + j <= n) narrows each box by
// interval propagation: every cell that satisfies it stays in the box,
// but cells that do not may stay too. Other conditions (sets that vary)
// leave the region as it is. The region is thus always a superset of the
// cells that reach the branch, so the checks are sound: each read must
// be in range on every box, where an index c·v − c·w + ... with a
// difference bound between v and w is bounded by it, and every other
// term by its variable's range.
//
// A reduction's body is evaluated only for the values of its variable in
// the cell's domain that pass the filter, so it is checked on the region
// narrowed by LO <= k <= HI (difference bounds when an end is another
// variable plus a constant, as in k in 1..i), k in SET for a constant
// set, and the filter.
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

// box is a conjunction of one interval per index variable and of
// difference bounds v − w <= c between two of them: the narrowed
// variables with their ranges, by variable ID (a variable not in vars has
// its declared range), and the bounds not implied by the ranges. A box
// is never known to be empty and never changed once built; the zero box
// is every cell. The ranges are kept consistent with the difference
// bounds (tighten), so they are the box's ranges.
type box struct {
	vars  []narrowed
	diffs []diff
}

// narrowed is a variable's range in a box, narrower than its declared
// range.
type narrowed struct {
	v      *Var
	lo, hi int
}

// diff is the difference bound v − w <= c.
type diff struct {
	v, w *Var
	c    int
}

// all reports whether b is every cell.
func (b box) all() bool { return len(b.vars) == 0 && len(b.diffs) == 0 }

// bounds is v's range in b.
func (b box) bounds(v *Var) (lo, hi int) {
	for _, r := range b.vars {
		if r.v == v {
			return r.lo, r.hi
		}
	}
	return v.Lo, v.Hi
}

// with returns a copy of b in which v ranges over lo..hi.
func (b box) with(v *Var, lo, hi int) box {
	out := make([]narrowed, 0, len(b.vars)+1)
	placed := lo == v.Lo && hi == v.Hi // the declared range is not kept
	for _, r := range b.vars {
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
	return box{vars: out, diffs: b.diffs}
}

// maxDiff is the largest value of v − w on b: its bound, or what the
// ranges give.
func (b box) maxDiff(v, w *Var) int {
	_, vhi := b.bounds(v)
	wlo, _ := b.bounds(w)
	m := vhi - wlo
	for _, d := range b.diffs {
		if d.v == v && d.w == w {
			m = min(m, d.c)
		}
	}
	return m
}

// withDiff returns b with v − w <= c added and its ranges tightened; ok
// is false when no cell of b satisfies it (as far as ranges and the
// bound in the other direction tell).
func (b box) withDiff(v, w *Var, c int) (box, bool) {
	if v == w {
		return b, c >= 0
	}
	if c >= b.maxDiff(v, w) {
		return b, true // implied
	}
	if -b.maxDiff(w, v) > c {
		return box{}, false // v − w >= −max(w − v) > c
	}
	diffs := make([]diff, 0, len(b.diffs)+1)
	for _, d := range b.diffs {
		if d.v != v || d.w != w {
			diffs = append(diffs, d)
		}
	}
	diffs = append(diffs, diff{v, w, c})
	slices.SortFunc(diffs, func(x, y diff) int {
		if x.v.ID != y.v.ID {
			return x.v.ID - y.v.ID
		}
		return x.w.ID - y.w.ID
	})
	return box{vars: b.vars, diffs: diffs}.tighten()
}

// tighten narrows the ranges of b by its difference bounds (v − w <= c:
// v <= max w + c, w >= min v − c) until they stop changing (a few
// rounds); ok is false when a range becomes empty.
func (b box) tighten() (box, bool) {
	for range 4 * (len(b.diffs) + 1) {
		changed := false
		for _, d := range b.diffs {
			vlo, vhi := b.bounds(d.v)
			wlo, whi := b.bounds(d.w)
			nvhi, nwlo := min(vhi, whi+d.c), max(wlo, vlo-d.c)
			if nvhi < vlo || nwlo > whi {
				return box{}, false
			}
			if nvhi != vhi {
				b, changed = b.with(d.v, vlo, nvhi), true
			}
			if nwlo != wlo {
				b, changed = b.with(d.w, nwlo, whi), true
			}
		}
		if !changed {
			break
		}
	}
	return b, true
}

// formRange is the range of Σ coef·v + konst on b: pairs c·v − c·w with
// a difference bound between v and w by that bound, the other terms by
// their ranges.
func (b box) formRange(coef map[*Var]int64, konst int64) (lo, hi float64) {
	lo, hi = float64(konst), float64(konst)
	used := map[*Var]bool{}
	for _, d := range b.diffs {
		c, ok := coef[d.v]
		if !ok || c == 0 || coef[d.w] != -c || used[d.v] || used[d.w] {
			continue
		}
		used[d.v], used[d.w] = true, true
		// c·(v − w) with v − w in dlo..dhi.
		dlo, dhi := float64(-b.maxDiff(d.w, d.v)), float64(b.maxDiff(d.v, d.w))
		l, h := float64(c)*dlo, float64(c)*dhi
		lo, hi = lo+math.Min(l, h), hi+math.Max(l, h)
	}
	for v, c := range coef {
		if used[v] || c == 0 {
			continue
		}
		vlo, vhi := b.bounds(v)
		l, h := float64(c)*float64(vlo), float64(c)*float64(vhi)
		lo, hi = lo+math.Min(l, h), hi+math.Max(l, h)
	}
	return lo, hi
}

// boxVars lists the narrowed variables of the boxes, by ID.
func boxVars(boxes ...box) []*Var {
	var out []*Var
	for _, b := range boxes {
		for _, r := range b.vars {
			if !slices.Contains(out, r.v) {
				out = append(out, r.v)
			}
		}
	}
	slices.SortFunc(out, func(x, y *Var) int { return x.ID - y.ID })
	return out
}

// within reports whether every cell of a lies in b (as far as ranges and
// difference bounds tell: false may be wrong, true is not). A variable
// not in b has its declared range there, which holds every range of it.
func (a box) within(b box) bool {
	for _, r := range b.vars {
		if lo, hi := a.bounds(r.v); lo < r.lo || hi > r.hi {
			return false
		}
	}
	for _, d := range b.diffs {
		if a.maxDiff(d.v, d.w) > d.c {
			return false
		}
	}
	return true
}

// String describes the box for messages: "i = 1, j in 2..5, i - j <= -1".
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
	for _, d := range b.diffs {
		parts = append(parts, fmt.Sprintf("%s - %s <= %d", d.v.Name, d.w.Name, d.c))
	}
	return strings.Join(parts, ", ")
}

// hullOf is a box holding every box of boxes (non-empty): the hull of
// the ranges, and the difference bounds of the first box that every box
// keeps, at their largest.
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
	for _, d := range boxes[0].diffs {
		c := d.c
		for _, b := range boxes[1:] {
			c = max(c, b.maxDiff(d.v, d.w))
		}
		if c < out.maxDiff(d.v, d.w) {
			out.diffs = append(out.diffs, diff{d.v, d.w, c})
		}
	}
	return out
}

// boxes returns the region of sc: one nil box when nothing narrows it.
func (sc *scope) boxes() []box {
	if len(sc.region) == 0 {
		return []box{{}}
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
	if len(out) == 1 && out[0].all() {
		in.region = nil
	}
	in.guards = append(slices.Clip(sc.guards), condGuard(cond, want))
	return &in, true
}

// inDomain returns the scope of the body of the reduction t, whose
// variable sc holds: narrowed to lo <= v <= hi for a domain lo..hi, to
// v in SET for a constant set, and by the filter. When that leaves no
// cell (the reduction is empty wherever the body would be read), sc
// itself.
func (sc *scope) inDomain(t *Term) *scope {
	v := t.Var
	region := sc.boxes()
	switch d := t.Domain; d.Kind {
	case SRange:
		lo, okLo := linearOf(d.Args[0])
		hi, okHi := linearOf(d.Args[1])
		if okLo && okHi {
			k := linear{coef: map[*Var]int64{v: 1}}
			var out []box
			for _, b := range region {
				for _, nb := range constrain(b, lo.minus(k)) { // lo − v <= 0
					out = append(out, constrain(nb, k.minus(hi))...) // v − hi <= 0
				}
			}
			region = simplify(out)
		}
	case SConst:
		in := &Static{Kind: SIn, Type: SBool, Args: []*Static{{Kind: SVar, Type: SInt, Var: v}, d}}
		region = refine(region, in, true)
	}
	if t.Filter != nil && len(region) > 0 {
		region = refine(region, t.Filter, true)
	}
	in := *sc
	in.guards = append(slices.Clip(sc.guards), reduceGuard(t))
	if len(region) == 0 {
		return &in
	}
	in.region = region
	if len(region) == 1 && region[0].all() {
		in.region = nil
	}
	return &in
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
	out, ok := out.tighten()
	if !ok {
		return nil
	}
	// a·v − a·w + k <= 0 is a difference bound: v − w <= ⌊−k/a⌋ (a > 0).
	if len(vars) == 2 && l.coef[vars[0]] == -l.coef[vars[1]] {
		v, w, a := vars[0], vars[1], l.coef[vars[0]]
		if a < 0 {
			v, w, a = w, v, -a
		}
		if out, ok = out.withDiff(v, w, int(floorDiv(-l.konst, a))); !ok {
			return nil
		}
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
		if nb, ok := b.with(v, r[0], r[1]).tighten(); ok {
			out = append(out, nb)
		}
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

// merged returns the union of a and b when it is a box: they have the
// same difference bounds and agree on every range but one, and those
// ranges overlap or touch.
func merged(a, b box) (box, bool) {
	if !slices.Equal(a.diffs, b.diffs) {
		return box{}, false
	}
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
	for _, r := range a.vars {
		if differs(r.v) {
			return box{}, false
		}
	}
	for _, r := range b.vars {
		if differs(r.v) {
			return box{}, false
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
