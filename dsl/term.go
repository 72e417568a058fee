package dsl

import (
	"fmt"
	"math"
)

// This file turns expressions into Terms: name resolution, constant
// folding, integer type inference and interval analysis.

// resolved is what a name in an expression refers to.
type resolved struct {
	sym *symbol // a global, or nil for an index variable
	v   int     // index of the index variable in scope.vars
}

// resolve looks id up: index variables in scope first, then globals. It
// reports unknown names; ok is false then.
func (c *checker) resolve(id *Ident, sc *scope) (r resolved, ok bool) {
	for i, v := range sc.vars {
		if v.name == id.Name {
			return resolved{v: i}, true
		}
	}
	if s, ok := c.syms[id.Name]; ok {
		return resolved{sym: s}, true
	}
	if c.indexVars[id.Name] {
		c.error(id.NamePos, "index variable %s is not in scope in %s; an index variable exists only in its own step", id.Name, sc.what)
	} else {
		c.error(id.NamePos, "undeclared name %s", id.Name)
	}
	return resolved{}, false
}

// leaf returns a term for a name that is a param, input or index variable.
func (c *checker) leaf(x *Name, sc *scope) *Term {
	r, ok := c.resolve(x.Ident, sc)
	if !ok {
		return nil
	}
	t := &Term{Node: x, Text: c.f.Text(x)}
	if r.sym == nil {
		v := sc.vars[r.v]
		t.Kind, t.Type, t.Dim = TIndexVar, Int, v.dim
		t.Lo, t.Hi = float64(v.lo), float64(v.hi)
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
	default:
		c.error(x.Pos(), "%s %s cannot be used in %s, which must be a constant", kind, name, sc.what)
	}
}

// constant returns a TConst term for node x. Constants that are finite
// integers have type Int.
func (c *checker) constant(x Expr, v float64) *Term {
	t := &Term{Kind: TConst, Node: x, Text: c.f.Text(x), Type: Real, Value: v, Lo: v, Hi: v}
	if isInteger(v) {
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
	}
	c.error(e.Pos(), "unexpected expression %s", c.f.Text(e))
	return nil
}

func (c *checker) neg(x Expr, a *Term) *Term {
	if a.Kind == TConst {
		return c.folded(x, -a.Value)
	}
	return &Term{Kind: TNeg, Node: x, Text: c.f.Text(x), Type: a.Type, Lo: -a.Hi, Hi: -a.Lo, Args: []*Term{a}}
}

func (c *checker) binary(x *Binary, sc *scope) *Term {
	a, b := c.term(x.X, sc), c.term(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	switch x.Op {
	case '+', '-':
		if x.Op == '-' {
			// a - b is a + (-b); the negation keeps the node a - b.
			if b = c.neg(x, b); b == nil {
				return nil
			}
		}
		if a.Kind == TConst && b.Kind == TConst {
			return c.folded(x, a.Value+b.Value)
		}
		t := &Term{Kind: TAdd, Node: x, Text: c.f.Text(x), Type: Int}
		for _, arg := range []*Term{a, b} {
			if arg.Kind == TAdd {
				t.Args = append(t.Args, arg.Args...)
			} else {
				t.Args = append(t.Args, arg)
			}
		}
		for i, arg := range t.Args {
			if arg.Type != Int {
				t.Type = Real
			}
			if i == 0 {
				t.Lo, t.Hi = arg.Lo, arg.Hi
			} else {
				t.Lo, t.Hi = addLo(t.Lo, arg.Lo), addHi(t.Hi, arg.Hi)
			}
		}
		return t
	case '*':
		switch {
		case a.Kind == TConst && b.Kind == TConst:
			return c.folded(x, a.Value*b.Value)
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
			return c.folded(x, a.Value/b.Value)
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
	t := &Term{Kind: TScale, Node: x, Text: c.f.Text(x), Type: a.Type, Value: k, Args: []*Term{a}}
	if !isInteger(k) {
		t.Type = Real
	}
	lo, hi := mulBound(k, a.Lo), mulBound(k, a.Hi)
	if k < 0 {
		lo, hi = hi, lo
	}
	t.Lo, t.Hi = lo, hi
	return t
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
	default:
		c.error(x.Func.NamePos, "unknown function %s; the functions are min, max and clamp", name)
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
		clampTo := func(v float64) float64 { return math.Min(math.Max(v, lo.Value), hi.Value) }
		t.Lo, t.Hi = clampTo(args[0].Lo), clampTo(args[0].Hi)
	} else {
		t.Lo, t.Hi = args[0].Lo, args[0].Hi
		for _, a := range args[1:] {
			if kind == TMin {
				t.Lo, t.Hi = math.Min(t.Lo, a.Lo), math.Min(t.Hi, a.Hi)
			} else {
				t.Lo, t.Hi = math.Max(t.Lo, a.Lo), math.Max(t.Hi, a.Hi)
			}
		}
	}
	for _, a := range args {
		if a.Type != Int {
			t.Type = Real
		}
	}
	if allConst {
		// Lo == Hi is the value of a constant min, max or clamp.
		return c.folded(x, t.Lo)
	}
	return t
}

// read checks a state read NAME[i, ...].
func (c *checker) read(x *Index, sc *scope) *Term {
	r, ok := c.resolve(x.Name, sc)
	if !ok {
		return nil
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
	t := &Term{Kind: TRead, Node: x, Text: c.f.Text(x), Type: st.Type, Lo: st.Lo, Hi: st.Hi, State: st}
	for k, e := range x.Indices {
		ie := c.indexExpr(e, k, sc)
		if ie == nil {
			return nil
		}
		t.Index = append(t.Index, ie)
	}
	for k, ie := range t.Index {
		d := st.Dims[k]
		if ie.Lo >= d.Lo && ie.Hi <= d.Hi {
			continue
		}
		if len(st.Dims) != 1 {
			c.error(ie.Node.Pos(), "index %s of dimension %d of %s ranges over %d..%d, outside %d..%d; only one-dimensional states have boundary lines, so this read must stay in range",
				ie.Text, k+1, st.Name, ie.Lo, ie.Hi, d.Lo, d.Hi)
			return nil
		}
		if s.boundaryBad {
			return nil
		}
		values, uncovered, ok := boundaryReach(st, ie.Lo, ie.Hi)
		if !ok {
			c.error(ie.Node.Pos(), "read %s can reach index %d, outside the index range %d..%d of %s, and no boundary line covers it; add a line like %s[%s] = VALUE",
				t.Text, uncovered, d.Lo, d.Hi, st.Name, st.Name, boundaryHint(d, uncovered))
			return nil
		}
		for _, v := range values {
			t.Lo, t.Hi = math.Min(t.Lo, v), math.Max(t.Hi, v)
		}
	}
	return t
}

// boundaryHint suggests the condition of a boundary line covering i.
func boundaryHint(d Dim, i int) string {
	if i < d.Lo {
		return fmt.Sprintf("%s <= %d", d.Var, d.Lo-1)
	}
	return fmt.Sprintf("%s >= %d", d.Var, d.Hi+1)
}

// boundaryReach returns the boundary values that reads of the
// one-dimensional state st at indices lo..hi outside its index range can
// see. When some such index has no boundary line, ok is false and
// uncovered is the smallest one.
//
// Every condition "i op B" is constant between consecutive bounds B, so it
// suffices to evaluate the lines at the bounds and at one index of each
// gap between them.
func boundaryReach(st *State, lo, hi int) (values []float64, uncovered int, ok bool) {
	d := st.Dims[0]
	var segs [][2]int
	if lo < d.Lo {
		segs = append(segs, [2]int{lo, min(hi, d.Lo-1)})
	}
	if hi > d.Hi {
		segs = append(segs, [2]int{max(lo, d.Hi+1), hi})
	}
	var bounds []int
	for _, b := range st.Boundaries {
		bounds = append(bounds, b.Bound)
	}
	for _, seg := range segs {
		for i := seg[0]; ; {
			// The piece starting at i ends just before the next bound,
			// or at i itself when i is a bound.
			end := seg[1]
			for _, b := range bounds {
				switch {
				case b == i:
					end = i
				case b > i && b-1 < end:
					end = b - 1
				}
			}
			v, ok := st.BoundaryAt(i)
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
