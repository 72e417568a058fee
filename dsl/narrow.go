package dsl

import (
	"fmt"
	"math"
	"math/bits"
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
// Each box is kept closed as a difference-bound matrix (close: all-pairs
// shortest paths over its bounds), so it states every range and
// difference bound its constraints imply, over any number of variables:
// i < j and j < l give l − i >= 2. For conditions built with and, or and
// not from comparisons of one index variable (times a constant, plus
// constants) with a constant, memberships "v in SET" of a constant set,
// and comparisons of two variables with a constant difference (i < j,
// i == j + 2), the region is thus exactly the cells that take the
// branch. A comparison of other sums of variables (i + j <= n) narrows
// each box by interval propagation: every cell that satisfies it stays
// in the box, but cells that do not may stay too. Other conditions (sets
// that vary) leave the region as it is. The region is thus always a
// superset of the cells that reach the branch, so the checks are sound:
// each read must be in range on every box, where an index is split into
// differences v − w, bounded by the box's bounds, and single terms,
// bounded by their variable's range (formMax: exact, with small
// coefficients, for any index).
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
// its declared range), and the bounds not implied by the ranges, by the
// IDs of v, then w. A box is never known to be empty and never changed
// once built; the zero box is every cell. Every box with difference
// bounds is closed (close): its ranges and bounds are the tightest its
// constraints imply, each reached by a cell.
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

// withDiff returns b with v − w <= c added, closed (close); ok is false
// when no cell of b satisfies it.
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
	return box{vars: b.vars, diffs: diffs}.close()
}

// noBound is a difference bound that is no bound, in close's matrix; the
// sum of two stays far from overflow.
const noBound = math.MaxInt64 / 4

// close returns b closed: the ranges and difference bounds its ranges and
// difference bounds imply, all of them. The box is a difference-bound
// matrix over its variables and a zero node z (v <= hi is v − z <= hi, v
// >= lo is z − v <= −lo), and the closure is the all-pairs shortest paths
// of its constraint graph (Floyd–Warshall): the least bound on x − y is
// the shortest path from x to y. A negative cycle (x − x < 0) means no
// cell satisfies the box, and ok is false. For integer variables this is
// exact, as for real ones (a difference-bound system has integral
// vertices): a closed box holds a cell, each range end is reached by a
// cell and each bound v − w <= c by one with v − w = c. So maxDiff, within
// and the ranges of a closed box are exact, with any number of
// variables, where pairwise propagation could miss i − l <= −2 from
// i < j and j < l.
func (b box) close() (box, bool) {
	if len(b.diffs) == 0 {
		return b, true // ranges alone, each non-empty, are closed
	}
	vars := boxVars(b)
	for _, d := range b.diffs {
		for _, v := range []*Var{d.v, d.w} {
			if !slices.Contains(vars, v) {
				vars = append(vars, v)
			}
		}
	}
	slices.SortFunc(vars, func(x, y *Var) int { return x.ID - y.ID })
	n := len(vars) + 1 // node 0 is z, node k+1 is vars[k]
	node := func(v *Var) int { return slices.Index(vars, v) + 1 }
	d := make([]int64, n*n)
	for i := range d {
		d[i] = noBound
	}
	for i := range n {
		d[i*n+i] = 0
	}
	for k, v := range vars {
		lo, hi := b.bounds(v)
		d[(k+1)*n] = int64(hi) // v − z <= hi
		d[k+1] = -int64(lo)    // z − v <= −lo
	}
	for _, c := range b.diffs {
		at := node(c.v)*n + node(c.w)
		d[at] = min(d[at], int64(c.c))
	}
	for m := range n {
		for i := range n {
			dim := d[i*n+m]
			if dim == noBound {
				continue
			}
			for j := range n {
				if dmj := d[m*n+j]; dmj != noBound && dim+dmj < d[i*n+j] {
					d[i*n+j] = dim + dmj
				}
			}
		}
	}
	for i := range n {
		if d[i*n+i] < 0 {
			return box{}, false
		}
	}
	var out box
	for k, v := range vars {
		out = out.with(v, int(-d[k+1]), int(d[(k+1)*n]))
	}
	for x, v := range vars {
		for y, w := range vars {
			// Kept only when tighter than the ranges imply.
			if c := d[(x+1)*n+y+1]; x != y && c < d[(x+1)*n]+d[y+1] {
				out.diffs = append(out.diffs, diff{v, w, int(c)})
			}
		}
	}
	return out, true
}

// formRange is the range of Σ coef·v + konst on b (closed): the largest
// value of the form and minus the largest of its negation, formMax.
func (b box) formRange(coef map[*Var]int64, konst int64) (lo, hi float64) {
	neg := make(map[*Var]int64, len(coef))
	for v, c := range coef {
		neg[v] = -c
	}
	return float64(konst) - b.formMax(neg), float64(konst) + b.formMax(coef)
}

// formMax bounds Σ coef·v from above on b (closed). It splits the form
// into unit differences v − w (a positive v, a negative w), each bounded
// by maxDiff, and single terms, bounded by the ranges: any split gives an
// upper bound, so it is sound. The largest value is the least over the
// splits (linear programming duality; a closed box's bounds meet at
// integer cells), and with at most maxUnits units of coefficient on each
// side, formMax finds it (exactMax): the bound is exact. Beyond that it
// splits greedily, first the pair whose bound gains most over the
// ranges.
func (b box) formMax(coef map[*Var]int64) float64 {
	vars := make([]*Var, 0, len(coef))
	rest := make(map[*Var]int64, len(coef))
	for v, c := range coef {
		if c != 0 {
			vars = append(vars, v)
			rest[v] = c
		}
	}
	slices.SortFunc(vars, func(x, y *Var) int { return x.ID - y.ID })
	// With ranges alone every split gives the same bound, the ranges'.
	if len(b.diffs) > 0 {
		if m, ok := b.exactMax(vars, coef); ok {
			return m
		}
	}
	total := 0.0
	for len(b.diffs) > 0 {
		var bv, bw *Var
		best := 0
		for _, v := range vars {
			for _, w := range vars {
				if rest[v] <= 0 || rest[w] >= 0 {
					continue
				}
				_, vhi := b.bounds(v)
				wlo, _ := b.bounds(w)
				if gain := vhi - wlo - b.maxDiff(v, w); gain > best {
					bv, bw, best = v, w, gain
				}
			}
		}
		if bv == nil {
			break
		}
		m := min(rest[bv], -rest[bw])
		total += float64(m) * float64(b.maxDiff(bv, bw))
		rest[bv] -= m
		rest[bw] += m
	}
	for _, v := range vars {
		lo, hi := b.bounds(v)
		if c := rest[v]; c > 0 {
			total += float64(c) * float64(hi)
		} else if c < 0 {
			total += float64(c) * float64(lo)
		}
	}
	return total
}

// maxUnits bounds the units of coefficient on each side of a form that
// exactMax splits exactly: 2^maxUnits subsets.
const maxUnits = 8

// exactMax is the largest value of Σ coef·v on b (closed; vars the
// variables with coef != 0), when the positive and the negative
// coefficients each add up to at most maxUnits. Each unit of a positive
// coefficient is matched with one of a negative coefficient or with zero
// (the other side padded with zeros), a pair (v, w) bounded by maxDiff,
// (v, 0) by v's largest value, (0, w) by minus w's least; the least total
// over the matchings (a dynamic program over the subsets of one side) is
// the largest value, as for any transportation problem whose costs obey
// the triangle inequality, which closing gives. ok is false beyond
// maxUnits.
func (b box) exactMax(vars []*Var, coef map[*Var]int64) (float64, bool) {
	var pos, neg []*Var // nil: zero
	for _, v := range vars {
		c := coef[v]
		if c > maxUnits || c < -maxUnits {
			return 0, false
		}
		for range max(c, -c) {
			if c > 0 {
				pos = append(pos, v)
			} else {
				neg = append(neg, v)
			}
		}
	}
	if len(pos) > maxUnits || len(neg) > maxUnits {
		return 0, false
	}
	for len(pos) < len(neg) {
		pos = append(pos, nil)
	}
	for len(neg) < len(pos) {
		neg = append(neg, nil)
	}
	cost := func(v, w *Var) int64 {
		switch {
		case v == nil && w == nil:
			return 0
		case w == nil:
			_, hi := b.bounds(v)
			return int64(hi)
		case v == nil:
			lo, _ := b.bounds(w)
			return -int64(lo)
		}
		return int64(b.maxDiff(v, w))
	}
	// least[mask] is the least cost of matching pos[:popcount(mask)] with
	// the units of neg in mask.
	u := len(pos)
	least := make([]int64, 1<<u)
	for mask := 1; mask < 1<<u; mask++ {
		least[mask] = math.MaxInt64
		i := bits.OnesCount(uint(mask)) - 1
		for j := range u {
			if mask>>j&1 == 1 && least[mask^1<<j] != math.MaxInt64 {
				least[mask] = min(least[mask], least[mask^1<<j]+cost(pos[i], neg[j]))
			}
		}
	}
	return float64(least[1<<u-1]), true
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

// hullOf is the least box holding every box of boxes (non-empty,
// closed): the hull of the ranges, and for each two variables the largest
// bound on their difference over the boxes, where that is tighter than
// the hull's ranges imply. (The pointwise largest of closed bounds is
// closed.)
func hullOf(boxes []box) box {
	var out box
	vars := boxVars(boxes...)
	for _, v := range vars {
		lo, hi := boxes[0].bounds(v)
		for _, b := range boxes[1:] {
			l, h := b.bounds(v)
			lo, hi = min(lo, l), max(hi, h)
		}
		out = out.with(v, lo, hi)
	}
	for _, b := range boxes {
		for _, d := range b.diffs {
			if !slices.Contains(vars, d.v) {
				vars = append(vars, d.v)
			}
			if !slices.Contains(vars, d.w) {
				vars = append(vars, d.w)
			}
		}
	}
	slices.SortFunc(vars, func(x, y *Var) int { return x.ID - y.ID })
	for _, v := range vars {
		for _, w := range vars {
			if v == w {
				continue
			}
			c := boxes[0].maxDiff(v, w)
			for _, b := range boxes[1:] {
				c = max(c, b.maxDiff(v, w))
			}
			if c < out.maxDiff(v, w) {
				out.diffs = append(out.diffs, diff{v, w, c})
			}
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
// satisfies it, else one box holding every cell that does. A form of one
// variable (c·v + k) or a difference (a·v − a·w + k) is a difference
// bound, added to the box and closed: exact, with any number of
// variables. With other forms, each variable's range is narrowed by the
// least value the others can give (interval propagation), and the box
// closed.
func constrain(b box, l linear) []box {
	vars := make([]*Var, 0, len(l.coef))
	for v := range l.coef {
		vars = append(vars, v)
	}
	slices.SortFunc(vars, func(x, y *Var) int { return x.ID - y.ID })
	// a·v − a·w + k <= 0 is a difference bound: v − w <= ⌊−k/a⌋ (a > 0).
	if len(vars) == 2 && l.coef[vars[0]] == -l.coef[vars[1]] {
		v, w, a := vars[0], vars[1], l.coef[vars[0]]
		if a < 0 {
			v, w, a = w, v, -a
		}
		out, ok := b.withDiff(v, w, int(floorDiv(-l.konst, a)))
		if !ok {
			return nil
		}
		return []box{out}
	}
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
	out, ok := out.close()
	if !ok {
		return nil
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
		if nb, ok := b.with(v, r[0], r[1]).close(); ok {
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
