package dsl

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// This file turns expressions into Terms: name resolution, constant
// folding, integer type inference and interval analysis.

// resolved is what a name in an expression refers to.
type resolved struct {
	sym *symbol // a global, or nil for an index variable
	v   *Var    // the index variable
}

// resolve looks id up: index variables in scope first (innermost first),
// then globals. It reports unknown names; ok is false then.
func (c *checker) resolve(id *Ident, sc *scope) (r resolved, ok bool) {
	for i := len(sc.vars) - 1; i >= 0; i-- {
		if v := sc.vars[i]; v.Name == id.Name {
			return resolved{v: v}, true
		}
	}
	if s, ok := c.syms[id.Name]; ok {
		return resolved{sym: s}, true
	}
	switch {
	case c.indexVars[id.Name] && sc.init:
		c.error(id.NamePos, "index variable %s is not in scope in %s; the initial value may use only the variables of its own state line", id.Name, sc.what)
	case c.indexVars[id.Name]:
		c.error(id.NamePos, "index variable %s is not in scope in %s; an index variable exists only in its own step", id.Name, sc.what)
	case c.reduceVars[id.Name]:
		c.error(id.NamePos, "reduction variable %s is used outside its reduction; it exists only inside min(%s in ...: ...) or max(...)", id.Name, id.Name)
	default:
		c.error(id.NamePos, "undeclared name %s", id.Name)
	}
	return resolved{}, false
}

// leaf returns a term for a name that is a param, input, scalar data or
// index variable.
func (c *checker) leaf(x *Name, sc *scope) *Term {
	r, ok := c.resolve(x.Ident, sc)
	if !ok {
		return nil
	}
	t := &Term{Node: x, Text: c.f.Text(x)}
	if r.sym == nil {
		v := r.v
		if v.Set {
			c.error(x.Pos(), "%s is a set (a subset of %d..%d); it cannot be used as a number", v.Name, v.ElemLo, v.ElemHi)
			return nil
		}
		t.Kind, t.Type, t.Var = TIndexVar, Int, v
		if v.Kind == VarDim {
			t.Dim = v.Dim
		}
		lo, hi := sc.bounds(v)
		t.Lo, t.Hi = float64(lo), float64(hi)
		return t
	}
	s := r.sym
	switch s.kind {
	case symParam:
		if s.bad {
			return nil
		}
		if !s.bound {
			c.error(x.Pos(), "param %s is used before its value is known; a param default may use only params declared above it", x.Ident.Name)
			return nil
		}
		return c.constant(x, float64(s.value))
	case symInput:
		if !sc.inputs {
			c.notConstant(x, "input", sc)
			return nil
		}
		if s.bad {
			return nil
		}
		in := s.input
		t.Kind, t.Type, t.Input = TInput, in.Type, in
		t.Lo, t.Hi = in.Lo, in.Hi
		return t
	case symData:
		return c.dataRead(x, x.Ident, nil, sc)
	}
	c.error(x.Pos(), "state %s is used without an index; write %s[...]", x.Ident.Name, x.Ident.Name)
	return nil
}

// notConstant reports an input or state used where only constants may be.
func (c *checker) notConstant(x Expr, kind string, sc *scope) {
	name := c.f.Text(x)
	switch {
	case sc.what == "the answer" && kind == "input":
		c.error(x.Pos(), "input %s cannot be used in the answer; the answer reads only the final state", name)
	case sc.init:
		c.error(x.Pos(), "%s %s cannot be used in %s, which must be a constant or depend only on the index variables of the state line", kind, name, sc.what)
	default:
		c.error(x.Pos(), "%s %s cannot be used in %s, which must be a constant", kind, name, sc.what)
	}
}

// constant returns a TConst term for node x. Constants that are integers
// or infinite have type Int (an int state may hold ±inf); +inf may be
// "unreachable" (MayInf).
func (c *checker) constant(x Expr, v float64) *Term {
	t := &Term{Kind: TConst, Node: x, Text: c.f.Text(x), Type: Real, Value: v}
	t.setIval(point(v))
	if isInteger(v) || math.IsInf(v, 0) {
		t.Type = Int
	}
	return t
}

// folded checks a folded constant for NaN.
func (c *checker) folded(x Expr, v float64) *Term {
	if math.IsNaN(v) {
		c.error(x.Pos(), "%s is not a number (it computes something like inf - inf or 0 * inf)", c.f.Text(x))
		return nil
	}
	return c.constant(x, v)
}

// foldedArith is folded for the result v of arithmetic on the constants
// operands: an infinite result of finite operands overflowed (1e308 * 10
// is not inf), and is refused rather than taken for inf.
func (c *checker) foldedArith(x Expr, v float64, operands ...float64) *Term {
	if math.IsInf(v, 0) {
		finite := true
		for _, o := range operands {
			finite = finite && !math.IsInf(o, 0)
		}
		if finite {
			c.error(x.Pos(), "%s overflows: its value is past the largest float64 (%g); write inf if that is meant", c.f.Text(x), math.MaxFloat64)
			return nil
		}
	}
	return c.folded(x, v)
}

// term checks e in scope sc. It returns nil after reporting an error.
func (c *checker) term(e Expr, sc *scope) *Term {
	switch x := e.(type) {
	case *Number:
		return c.constant(x, x.Value)
	case *Name:
		return c.leaf(x, sc)
	case *Paren:
		return c.term(x.X, sc)
	case *Index:
		return c.read(x, sc)
	case *Call:
		return c.call(x, sc)
	case *Unary:
		a := c.term(x.X, sc)
		if a == nil {
			return nil
		}
		return c.neg(x, a)
	case *Binary:
		return c.binary(x, sc)
	case *If:
		return c.ifTerm(x, sc)
	case *Reduce:
		return c.reduce(x, sc)
	case *Bracket:
		return c.bracket(x, sc)
	case *Compare:
		if x.Member {
			c.error(x.OpPos, "%s is a condition, not a value; use it after if or where", c.f.Text(x))
		} else {
			c.error(x.OpPos, "a comparison is not a value; write [%s] for 1 when it holds and 0 otherwise, or use it after if or where", c.f.Text(x))
		}
		return nil
	case *Logic:
		c.error(x.OpPos, "%s is a condition, not a value; use it after if or where", c.f.Text(x))
		return nil
	case *SetLit:
		c.error(x.Pos(), "the set %s is not a value; sets index subsets dimensions and are reduction domains", c.f.Text(x))
		return nil
	}
	c.error(e.Pos(), "unexpected expression %s", c.f.Text(e))
	return nil
}

// inner returns a term of kind k over args, with its interval.
func (c *checker) inner(x Expr, k TermKind, typ Type, args ...*Term) *Term {
	t := &Term{Kind: k, Node: x, Text: c.f.Text(x), Type: typ, Args: args}
	c.setInterval(t)
	return t
}

// setInterval computes the interval of an inner term from its arguments'.
func (c *checker) setInterval(t *Term) {
	args := make([]ival, len(t.Args))
	for i, a := range t.Args {
		args[i] = termIval(a)
	}
	t.setIval(combine(t, args, c.analysis.mayEmpty[t]))
}

func (c *checker) neg(x Expr, a *Term) *Term {
	if a.Kind == TConst {
		return c.folded(x, -a.Value)
	}
	if a.MayInf {
		c.error(x.Pos(), "cannot negate a value that may be inf: %s%s", a.Text, c.emptyNote(a, termIval(a)))
		return nil
	}
	return c.inner(x, TNeg, a.Type, a)
}

// sum checks a chain a ± b ± c ... of + and - (left-nested Binary nodes)
// in one pass, in time linear in its length: one TAdd whose arguments are
// the terms, sums among them flattened, b of a - b negated (the negation
// keeps the node a - b). A leading run of constants is folded, as a
// constant a + b is.
func (c *checker) sum(x *Binary, sc *scope) *Term {
	var chain []*Binary // innermost first
	for e := x; ; {
		chain = append(chain, e)
		l, ok := e.X.(*Binary)
		if !ok || l.Op != '+' && l.Op != '-' {
			break
		}
		e = l
	}
	slices.Reverse(chain)
	cur := c.term(chain[0].X, sc) // the sum so far, when args is nil
	ok := cur != nil
	var args []*Term
	flat := func(t *Term) []*Term {
		if t.Kind == TAdd {
			return t.Args
		}
		return []*Term{t}
	}
	for _, n := range chain {
		b := c.term(n.Y, sc) // checked even after an error, to report all
		if !ok || b == nil {
			ok = false
			continue
		}
		if n.Op == '-' {
			if b = c.neg(n, b); b == nil {
				ok = false
				continue
			}
		}
		if args == nil && cur.Kind == TConst && b.Kind == TConst {
			if cur = c.foldedArith(n, cur.Value+b.Value, cur.Value, b.Value); cur == nil {
				ok = false
			}
			continue
		}
		if args == nil {
			args = append([]*Term(nil), flat(cur)...)
		}
		args = append(args, flat(b)...)
	}
	switch {
	case !ok:
		return nil
	case args == nil:
		return cur
	}
	t := &Term{Kind: TAdd, Node: x, Text: c.f.Text(x), Type: Int, Args: args}
	for _, arg := range t.Args {
		if arg.Type != Int {
			t.Type = Real
		}
	}
	if !c.finiteFactors(t) {
		return nil
	}
	c.setInterval(t)
	return t
}

func (c *checker) binary(x *Binary, sc *scope) *Term {
	if x.Op == '+' || x.Op == '-' {
		return c.sum(x, sc)
	}
	a, b := c.term(x.X, sc), c.term(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	switch x.Op {
	case '*':
		switch {
		case a.Kind == TConst && b.Kind == TConst:
			return c.foldedArith(x, a.Value*b.Value, a.Value, b.Value)
		case a.Kind == TConst:
			return c.scale(x, a.Value, b, x.X)
		case b.Kind == TConst:
			return c.scale(x, b.Value, a, x.Y)
		}
		c.error(x.OpPos, "* needs a constant on one side, but %s and %s both vary", c.f.Text(x.X), c.f.Text(x.Y))
		return nil
	case '/':
		if b.Kind != TConst {
			c.error(x.OpPos, "/ needs a constant divisor, but %s varies", c.f.Text(x.Y))
			return nil
		}
		if b.Value == 0 {
			c.divisionByZero(x.Y)
			return nil
		}
		if a.Kind == TConst {
			return c.foldedArith(x, a.Value/b.Value, a.Value, b.Value)
		}
		t := c.scale(x, 1/b.Value, a, x.Y)
		if t != nil {
			t.Type = Real
		}
		return t
	}
	c.error(x.OpPos, "unknown operator %q", x.Op)
	return nil
}

func (c *checker) divisionByZero(y Expr) {
	if _, ok := y.(*Number); ok {
		c.error(y.Pos(), "division by zero")
		return
	}
	c.error(y.Pos(), "division by zero: %s is 0", c.f.Text(y))
}

// scale returns the term k·a; factor is the expression k came from.
func (c *checker) scale(x Expr, k float64, a *Term, factor Expr) *Term {
	if math.IsInf(k, 0) || math.IsNaN(k) {
		c.error(factor.Pos(), "cannot multiply a varying value by %s", fmtNum(k))
		return nil
	}
	if a.MayInf && k <= 0 {
		if k < 0 {
			c.error(x.Pos(), "cannot negate a value that may be inf: %s is multiplied by %s%s", a.Text, fmtNum(k), c.emptyNote(a, termIval(a)))
		} else {
			c.error(x.Pos(), "cannot multiply a value that may be inf by 0: %s%s", a.Text, c.emptyNote(a, termIval(a)))
		}
		return nil
	}
	t := &Term{Kind: TScale, Node: x, Text: c.f.Text(x), Type: a.Type, Value: k, Args: []*Term{a}}
	if !isInteger(k) {
		t.Type = Real
	}
	if !c.finiteFactors(t) {
		return nil
	}
	c.setInterval(t)
	return t
}

// finiteFactors reports whether the factors of t's varying values fold
// to finite weights: f[i] * 1e308 * 1e308 folds to a weight of +inf,
// which no network can hold (the constant itself is reported when it is
// infinite, as "cannot multiply a varying value by inf"). It reports the
// error at t.
func (c *checker) finiteFactors(t *Term) bool {
	if w := weightBound(t); math.IsInf(w, 0) || math.IsNaN(w) {
		c.error(t.Pos(), "the constant factors of %s multiply to more than %g, the largest float64: no network weight can hold them", t.Text, math.MaxFloat64)
		return false
	}
	return true
}

// weightBound bounds the largest weight a varying value of t gets when
// its constant factors are folded: the product of nested factors, the sum
// over the terms of a sum (terms on the same value merge); constants
// carry none.
func weightBound(t *Term) float64 {
	switch t.Kind {
	case TConst:
		return 0
	case TScale:
		w := weightBound(t.Args[0])
		if w == 0 {
			return 0
		}
		return math.Abs(t.Value) * w
	case TAdd:
		w := 0.0
		for _, a := range t.Args {
			w += weightBound(a)
		}
		return w
	}
	w := 1.0 // a leaf, or min/max/clamp/if/reduction/comparison: the largest of its arguments
	for _, a := range t.Args {
		w = math.Max(w, weightBound(a))
	}
	return w
}

// mulBound multiplies an interval end by a finite factor; 0·inf is 0
// because the end stands for a finite value.
func mulBound(k, v float64) float64 {
	if k == 0 || v == 0 {
		return 0
	}
	return k * v
}

// addLo and addHi add interval ends; inf + -inf is unbounded (never NaN).
func addLo(a, b float64) float64 {
	if s := a + b; !math.IsNaN(s) {
		return s
	}
	return math.Inf(-1)
}

func addHi(a, b float64) float64 {
	if s := a + b; !math.IsNaN(s) {
		return s
	}
	return math.Inf(1)
}

// functionNames lists the functions for messages.
const functionNames = "the functions are min, max and clamp (and ceil_log2 of a constant)"

func (c *checker) call(x *Call, sc *scope) *Term {
	name := x.Func.Name
	var kind TermKind
	switch name {
	case "min":
		kind = TMin
	case "max":
		kind = TMax
	case "clamp":
		kind = TClamp
	case "ceil_log2":
		return c.ceilLog2(x, sc)
	default:
		c.error(x.Func.NamePos, "unknown function %s; %s", name, functionNames)
		return nil
	}
	switch {
	case kind == TClamp && len(x.Args) != 3:
		c.error(x.Func.NamePos, "clamp needs 3 arguments, clamp(x, lo, hi), got %d", len(x.Args))
		return nil
	case kind != TClamp && len(x.Args) < 2:
		c.error(x.Func.NamePos, "%s needs at least 2 arguments, got %d", name, len(x.Args))
		return nil
	}
	args := make([]*Term, len(x.Args))
	ok, allConst := true, true
	for i, a := range x.Args {
		args[i] = c.term(a, sc)
		if args[i] == nil {
			ok = false
		} else if args[i].Kind != TConst {
			allConst = false
		}
	}
	if !ok {
		return nil
	}
	t := &Term{Kind: kind, Node: x, Text: c.f.Text(x), Type: Int, Args: args}
	if kind == TClamp {
		lo, hi := args[1], args[2]
		for _, b := range args[1:] {
			if b.Kind != TConst {
				c.error(b.Pos(), "clamp bounds must be constants, but %s varies", b.Text)
				return nil
			}
		}
		if lo.Value > hi.Value {
			c.error(x.Func.NamePos, "clamp(x, lo, hi) needs lo <= hi, got lo = %s and hi = %s", fmtNum(lo.Value), fmtNum(hi.Value))
			return nil
		}
	}
	for _, a := range args {
		if a.Type != Int {
			t.Type = Real
		}
	}
	if allConst {
		v := args[0].Value
		for _, a := range args[1:] {
			switch kind {
			case TMin:
				v = math.Min(v, a.Value)
			case TMax:
				v = math.Max(v, a.Value)
			}
		}
		if kind == TClamp {
			v = math.Min(math.Max(v, args[1].Value), args[2].Value)
		}
		return c.folded(x, v)
	}
	c.setInterval(t)
	return t
}

// ceilLog2 folds ceil_log2(x) of a constant integer x >= 1.
func (c *checker) ceilLog2(x *Call, sc *scope) *Term {
	if len(x.Args) != 1 {
		c.error(x.Func.NamePos, "ceil_log2 needs 1 argument, got %d", len(x.Args))
		return nil
	}
	a := c.term(x.Args[0], sc)
	if a == nil {
		return nil
	}
	if a.Kind != TConst {
		c.error(x.Args[0].Pos(), "ceil_log2 needs a constant, but %s varies", a.Text)
		return nil
	}
	n, ok := ceilLog2(a.Value)
	if !ok {
		c.error(x.Args[0].Pos(), "ceil_log2 needs an integer >= 1, got %s", fmtNum(a.Value))
		return nil
	}
	return c.constant(x, float64(n))
}

// ceilLog2 returns the least k with 2^k >= v, for an integer v >= 1.
func ceilLog2(v float64) (int, bool) {
	if !isInteger(v) || v < 1 || v > maxExactInt {
		return 0, false
	}
	k := 0
	for p := 1.0; p < v; p *= 2 {
		k++
	}
	return k, true
}

// ifTerm checks "if COND then X else Y". A condition decided without any
// index variable picks its branch at once; each branch is checked with
// the index ranges the condition leaves it, and a branch no cell takes
// is dropped (narrow.go).
func (c *checker) ifTerm(x *If, sc *scope) *Term {
	cond := c.condition(x.Cond, sc)
	if cond == nil {
		c.term(x.Then, sc)
		c.term(x.Else, sc)
		return nil
	}
	thenSc, thenLive := sc.narrowed(cond, true)
	elseSc, elseLive := sc.narrowed(cond, false)
	switch {
	case !elseLive:
		return c.term(x.Then, thenSc)
	case !thenLive:
		return c.term(x.Else, elseSc)
	}
	a, b := c.term(x.Then, thenSc), c.term(x.Else, elseSc)
	if a == nil || b == nil {
		return nil
	}
	typ := Int
	if a.Type != Int || b.Type != Int {
		typ = Real
	}
	t := &Term{Kind: TIf, Node: x, Text: c.f.Text(x), Type: typ, Cond: cond, Args: []*Term{a, b}}
	c.setInterval(t)
	return t
}

// bracket checks the Iverson bracket [X op Y] of integer terms.
func (c *checker) bracket(x *Bracket, sc *scope) *Term {
	a, b := c.term(x.X, sc), c.term(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	for _, arg := range []*Term{a, b} {
		switch {
		case arg.Type != Int:
			c.error(arg.Pos(), "[a %s b] compares integers, but %s is real", x.Op, arg.Text)
			return nil
		case arg.MayInf:
			c.error(arg.Pos(), "[a %s b] compares finite integers, but %s may be inf", x.Op, arg.Text)
			return nil
		}
	}
	if a.Kind == TConst && b.Kind == TConst {
		return c.constant(x, float64(b2i(x.Op.Holds(a.Value, b.Value))))
	}
	t := &Term{Kind: TCmp, Node: x, Text: c.f.Text(x), Type: Int, Op: x.Op, Args: []*Term{a, b}}
	c.setInterval(t)
	return t
}

// reduce checks min(VAR in DOMAIN [where COND]: BODY) or max(...).
func (c *checker) reduce(x *Reduce, sc *scope) *Term {
	if !c.checkNewVar(x.Var, sc) {
		return nil
	}
	t := &Term{Kind: TReduce, Node: x, Text: c.f.Text(x), Reduce: TMin}
	if x.Func.Name == "max" {
		t.Reduce = TMax
	}
	var lo, hi int
	mayBeEmpty := false
	if r, ok := x.Domain.(*RangeSet); ok {
		a, b := c.staticInt(r.Lo, sc, "the lower end of the domain of "+x.Var.Name), c.staticInt(r.Hi, sc, "the upper end of the domain of "+x.Var.Name)
		if a == nil || b == nil {
			return nil
		}
		alo, ahi := staticRange(a)
		blo, bhi := staticRange(b)
		if alo > bhi {
			c.error(r.Lo.Pos(), "the domain %s of %s is always empty: %s > %s", c.f.Text(r), x.Var.Name, fmtNum(alo), fmtNum(bhi))
			return nil
		}
		if bhi-alo+1 > c.maxCount {
			c.error(r.Lo.Pos(), "the domain %s of %s is too large: more than %s values", c.f.Text(r), x.Var.Name, countText(c.maxCount))
			return nil
		}
		lo, hi = int(alo), int(bhi)
		mayBeEmpty = ahi > blo
		t.Domain = &Static{Kind: SRange, Type: SSetT, Args: []*Static{a, b}, Node: r, Text: c.f.Text(r)}
	} else {
		d := c.staticSet(x.Domain, sc, "the domain of "+x.Var.Name)
		if d == nil {
			return nil
		}
		may := staticMay(d)
		if may == 0 {
			c.error(x.Domain.Pos(), "the domain %s of %s is always empty", c.f.Text(x.Domain), x.Var.Name)
			return nil
		}
		lo, hi = bits.TrailingZeros64(uint64(may)), 63-bits.LeadingZeros64(uint64(may))
		mayBeEmpty = staticMayBeEmpty(d)
		t.Domain = d
	}
	v := c.newVar(x.Var, VarReduce, lo, hi)
	t.Var = v
	in := sc.with(v)
	if x.Filter != nil {
		t.Filter = c.condition(x.Filter, in)
		if t.Filter == nil {
			return nil
		}
		switch {
		case t.Filter.Kind == SConst && t.Filter.Value == 0:
			c.error(x.Filter.Pos(), "the condition %s is never true: the reduction is always empty", c.f.Text(x.Filter))
			return nil
		case t.Filter.Kind == SConst:
			t.Filter = nil
		default:
			mayBeEmpty = true
		}
	}
	// The body is evaluated only for the values of v in the cell's domain
	// that pass the filter, so it is checked on those cells (narrow.go).
	body := c.term(x.Body, in.inDomain(t))
	if body == nil {
		return nil
	}
	t.Type, t.Args = body.Type, []*Term{body}
	if mayBeEmpty {
		empty, where, decided := decideEmpty(t, sc)
		switch {
		case !decided:
			c.emptyWhy[t] = ""
		case empty:
			c.emptyWhy[t] = where
		default:
			mayBeEmpty = false
		}
	}
	c.analysis.mayEmpty[t] = mayBeEmpty
	c.setInterval(t)
	return t
}

// checkNewVar reports a reduction variable that hides a name in scope.
func (c *checker) checkNewVar(id *Ident, sc *scope) bool {
	for _, v := range sc.vars {
		if v.Name == id.Name {
			c.error(id.NamePos, "reduction variable %s hides the index variable %s declared at %s; rename it", id.Name, v.Name, v.Pos)
			return false
		}
	}
	return c.checkIndexVarName(id)
}

// read checks a state read NAME[i, ...] or a data read.
func (c *checker) read(x *Index, sc *scope) *Term {
	r, ok := c.resolve(x.Name, sc)
	if !ok {
		return nil
	}
	if r.sym != nil && r.sym.kind == symData {
		return c.dataRead(x, x.Name, x.Indices, sc)
	}
	if r.sym == nil || r.sym.kind != symState {
		kind := "index variable"
		if r.sym != nil {
			kind = r.sym.kind.String()
		}
		c.error(x.Name.NamePos, "%s is %s, not a state; only states can be indexed", x.Name.Name, article(kind))
		return nil
	}
	s := r.sym
	if !sc.reads {
		c.notConstant(x, "state", sc)
		return nil
	}
	if s.bad {
		return nil
	}
	st := s.state
	if len(x.Indices) != len(st.Dims) {
		c.error(x.Name.NamePos, "%s has %s but is read with %s", st.Name, count(len(st.Dims), "dimension"), count(len(x.Indices), "index/indices"))
		return nil
	}
	t := &Term{Kind: TRead, Node: x, Text: c.f.Text(x), Type: st.Type, State: st}
	t.setIval(st.declared())
	if !st.MayInf {
		t.MayInf = false // an infinite upper end is a number in the range
	}
	// ranges[k][b] is the range of index k on box b of the region.
	ranges := make([][]boxRange, len(x.Indices))
	for k, e := range x.Indices {
		ie, r := c.indexExpr(e, k, st.Dims[k], sc)
		if ie == nil {
			return nil
		}
		t.Index = append(t.Index, ie)
		ranges[k] = r
	}
	var reach *ival
	join := func(v float64) {
		b := point(v)
		if !st.MayInf {
			b.inf = false
		}
		if reach == nil {
			reach = &b
		} else {
			u := union(*reach, b)
			reach = &u
		}
	}
	// Each box of the region on its own: a read is in range (or covered
	// by boundary lines) when it is on every box.
	for bi, b := range sc.boxes() {
		outside := false
		for k, ie := range t.Index {
			d := st.Dims[k]
			lo, hi := ranges[k][bi].lo, ranges[k][bi].hi
			if d.Set || lo >= d.Lo && hi <= d.Hi {
				continue
			}
			outside = true
			if s.boundaryBad {
				return nil
			}
			values, uncovered, ok := boundaryReachDim(st, k, lo, hi)
			if !ok {
				where := ""
				if len(st.Dims) > 1 {
					where = fmt.Sprintf(" in dimension %d", k+1)
				}
				c.error(ie.Node.Pos(), "read %s can reach index %d%s, outside the index range %d..%d of %s, and no boundary line covers it; add a line like %s[%s] = VALUE%s",
					t.Text, uncovered, where, d.Lo, d.Hi, st.Name, st.Name, boundaryHint(d, uncovered), onCells(sc, b))
				return nil
			}
			for _, v := range values {
				join(v)
			}
		}
		if outside && len(st.Dims) > 1 {
			// The first boundary (of any dimension) that holds applies, so
			// any boundary whose condition can hold may give the value.
			for _, bd := range st.Boundaries {
				lo, hi := ranges[bd.Dim][bi].lo, ranges[bd.Dim][bi].hi
				for _, i := range []int{lo, hi, bd.Bound - 1, bd.Bound, bd.Bound + 1} {
					if i >= lo && i <= hi && bd.Op.Holds(float64(i), float64(bd.Bound)) {
						join(bd.Value)
						break
					}
				}
			}
		}
	}
	if reach != nil {
		c.analysis.boundary[t] = reach
		t.setIval(union(termIval(t), *reach))
	}
	return t
}

// dataRead checks a read of data: NAME (a scalar) or NAME[i, ...] with
// static indices.
func (c *checker) dataRead(x Expr, name *Ident, indices []Expr, sc *scope) *Term {
	s := c.syms[name.Name]
	if !sc.data {
		c.notConstant(x, "data", sc)
		return nil
	}
	if s.bad {
		return nil
	}
	dt := s.data
	switch {
	case len(dt.Dims) > 0 && len(indices) == 0:
		c.error(x.Pos(), "data %s is used without an index; write %s[...]", dt.Name, dt.Name)
		return nil
	case len(indices) != len(dt.Dims):
		c.error(name.NamePos, "data %s has %s but is read with %s", dt.Name, count(len(dt.Dims), "dimension"), count(len(indices), "index/indices"))
		return nil
	}
	t := &Term{Kind: TData, Node: x, Text: c.f.Text(x), Type: dt.Type, Data: dt, Lo: dt.Lo, Hi: dt.Hi, MayInf: dt.MayInf}
	for k, e := range indices {
		ie, ranges := c.indexExpr(e, k, dt.Dims[k], sc)
		if ie == nil {
			return nil
		}
		if len(ie.Offsets) > 0 {
			c.error(ie.Offsets[0].Term.Pos(), "data %s is read with a run-time index %s; data indices may use only index variables, params and constants", dt.Name, ie.Text)
			return nil
		}
		// In range on every box of the region, so on their hull too.
		d := dt.Dims[k]
		for _, r := range ranges {
			if r.lo < d.Lo || r.hi > d.Hi {
				c.error(e.Pos(), "index %s of dimension %d of data %s ranges over %d..%d, outside %d..%d; data has no boundary lines, so its reads must stay in range%s",
					ie.Text, k+1, dt.Name, r.lo, r.hi, d.Lo, d.Hi, onCells(sc, r.box))
				return nil
			}
		}
		t.Index = append(t.Index, ie)
	}
	return t
}

// onCells names the box b of sc's region in a message about a read on
// it, when the region has several boxes: " (on the cells with i = 1, j in
// 2..5)".
func onCells(sc *scope, b box) string {
	if len(sc.region) < 2 || b.all() {
		return ""
	}
	return " (on the cells with " + b.String() + ")"
}

// boundaryHint suggests the condition of a boundary line covering i.
func boundaryHint(d Dim, i int) string {
	if i < d.Lo {
		return fmt.Sprintf("%s <= %d", d.Var, d.Lo-1)
	}
	return fmt.Sprintf("%s >= %d", d.Var, d.Hi+1)
}

// boundaryReach is boundaryReachDim for dimension 0.
func boundaryReach(st *State, lo, hi int) (values []float64, uncovered int, ok bool) {
	return boundaryReachDim(st, 0, lo, hi)
}

// boundaryReachDim returns the values of the boundary lines of dimension
// k that reads of st at indices lo..hi of that dimension outside its
// index range can see. When some such index has no boundary line, ok is
// false and uncovered is the smallest one.
//
// Every condition "i op B" is constant between consecutive bounds B, so it
// suffices to evaluate the lines at the bounds and at one index of each
// gap between them.
func boundaryReachDim(st *State, k, lo, hi int) (values []float64, uncovered int, ok bool) {
	d := st.Dims[k]
	var segs [][2]int
	if lo < d.Lo {
		segs = append(segs, [2]int{lo, min(hi, d.Lo-1)})
	}
	if hi > d.Hi {
		segs = append(segs, [2]int{max(lo, d.Hi+1), hi})
	}
	var lines []*Boundary
	for _, b := range st.Boundaries {
		if b.Dim == k {
			lines = append(lines, b)
		}
	}
	at := func(i int) (float64, bool) {
		for _, b := range lines {
			if b.Op.Holds(float64(i), float64(b.Bound)) {
				return b.Value, true
			}
		}
		return 0, false
	}
	for _, seg := range segs {
		for i := seg[0]; ; {
			// The piece starting at i ends just before the next bound,
			// or at i itself when i is a bound.
			end := seg[1]
			for _, b := range lines {
				switch {
				case b.Bound == i:
					end = i
				case b.Bound > i && b.Bound-1 < end:
					end = b.Bound - 1
				}
			}
			v, ok := at(i)
			if !ok {
				return nil, i, false
			}
			values = append(values, v)
			if end >= seg[1] {
				break
			}
			i = end + 1
		}
	}
	return values, 0, true
}
