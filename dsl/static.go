package dsl

import (
	"fmt"
	"math"
	"math/bits"
)

// This file checks static expressions: conditions of if and where, set
// expressions (subsets indices and reduction domains) and the integer
// index arithmetic they contain. They are decided at compile time for
// each cell, so they may use index variables, params and constants but no
// input, data or state.

// maxElem is the largest element of a set: sets are int64 bitmasks.
const maxElem = 62

var staticTypeNames = map[StaticType]string{SInt: "a number", SSetT: "a set", SBool: "a condition"}

// condition checks e as a bool static expression.
func (c *checker) condition(e Expr, sc *scope) *Static {
	return c.staticOf(e, sc, SBool, "the condition")
}

// staticInt checks e as an integer static expression.
func (c *checker) staticInt(e Expr, sc *scope, what string) *Static {
	return c.staticOf(e, sc, SInt, what)
}

// staticSet checks e as a set expression.
func (c *checker) staticSet(e Expr, sc *scope, what string) *Static {
	return c.staticOf(e, sc, SSetT, what)
}

func (c *checker) staticOf(e Expr, sc *scope, want StaticType, what string) *Static {
	s := c.static(e, sc, want == SBool)
	if s == nil {
		return nil
	}
	switch {
	case s.Type != want && want == SBool:
		c.error(e.Pos(), "expected a condition (a comparison, in, notin, and, or, not), but %s is %s", c.f.Text(e), staticTypeNames[s.Type])
		return nil
	case s.Type != want:
		c.error(e.Pos(), "%s must be %s, but %s is %s", what, staticTypeNames[want], c.f.Text(e), staticTypeNames[s.Type])
		return nil
	}
	return s
}

// runTime reports a run-time value (input, data, state) in a static
// expression.
func (c *checker) runTime(x Expr, kind string, cond bool) {
	if cond {
		c.error(x.Pos(), "condition must be decided at compile time, but %s is %s; use [a == b] for a run-time comparison", c.f.Text(x), kind)
		return
	}
	c.error(x.Pos(), "a set expression must be decided at compile time, but %s is %s", c.f.Text(x), kind)
}

// sconst returns a constant static of type t at node x.
func (c *checker) sconst(x Expr, t StaticType, v int64) *Static {
	return &Static{Kind: SConst, Type: t, Value: v, Node: x, Text: c.f.Text(x)}
}

// static checks a static expression of any type; cond says whether it is
// (part of) a condition, for messages.
func (c *checker) static(e Expr, sc *scope, cond bool) *Static {
	switch x := e.(type) {
	case *Number:
		if !isInteger(x.Value) || math.Abs(x.Value) > maxExactInt {
			c.error(x.Pos(), "%s must be an integer of magnitude at most 2^53 here", x.Lit)
			return nil
		}
		return c.sconst(x, SInt, int64(x.Value))
	case *Paren:
		return c.static(x.X, sc, cond)
	case *Name:
		r, ok := c.resolve(x.Ident, sc)
		if !ok {
			return nil
		}
		if r.sym == nil {
			t := SInt
			if r.v.Set {
				t = SSetT
			}
			return &Static{Kind: SVar, Type: t, Var: r.v, Node: x, Text: c.f.Text(x)}
		}
		switch s := r.sym; s.kind {
		case symParam:
			if s.bad {
				return nil
			}
			if !s.bound {
				c.error(x.Pos(), "param %s is used before its value is known; a param default may use only params declared above it", x.Ident.Name)
				return nil
			}
			return c.sconst(x, SInt, s.value)
		case symInput:
			c.runTime(x, "an input", cond)
		case symData:
			c.runTime(x, "data", cond)
		default:
			c.error(x.Pos(), "state %s is used without an index; write %s[...]", x.Ident.Name, x.Ident.Name)
		}
		return nil
	case *Index:
		kind := "a state read"
		if s, ok := c.syms[x.Name.Name]; ok && s.kind == symData {
			kind = "a data read"
		}
		c.runTime(x, kind, cond)
		return nil
	case *Bracket:
		c.error(x.Pos(), "%s is a run-time comparison; a condition compares index variables, params and constants directly, as in if i == j then ...", c.f.Text(x))
		return nil
	case *Unary:
		a := c.static(x.X, sc, cond)
		if a == nil {
			return nil
		}
		if a.Type != SInt {
			c.error(x.OpPos, "cannot negate %s, which is %s", c.f.Text(x.X), staticTypeNames[a.Type])
			return nil
		}
		return c.sneg(x, a)
	case *Binary:
		return c.staticBinary(x, sc, cond)
	case *Call:
		return c.staticCall(x, sc, cond)
	case *SetLit:
		return c.setLit(x, sc, cond)
	case *Compare:
		return c.compare(x, sc, cond)
	case *Logic:
		a := c.static(x.X, sc, cond)
		var b *Static
		if x.Y != nil {
			b = c.static(x.Y, sc, cond)
			if b == nil {
				return nil
			}
		}
		if a == nil {
			return nil
		}
		for _, arg := range []*Static{a, b} {
			if arg != nil && arg.Type != SBool {
				c.error(arg.Node.Pos(), "%s needs conditions, but %s is %s", logicName(x.Op), arg.Text, staticTypeNames[arg.Type])
				return nil
			}
		}
		switch x.Op {
		case 'n':
			if a.Kind == SConst {
				return c.sconst(x, SBool, 1-a.Value)
			}
			return &Static{Kind: SNot, Type: SBool, Args: []*Static{a}, Node: x, Text: c.f.Text(x)}
		case 'a':
			if a.Kind == SConst && b.Kind == SConst {
				return c.sconst(x, SBool, a.Value&b.Value)
			}
			return &Static{Kind: SAnd, Type: SBool, Args: []*Static{a, b}, Node: x, Text: c.f.Text(x)}
		}
		if a.Kind == SConst && b.Kind == SConst {
			return c.sconst(x, SBool, a.Value|b.Value)
		}
		return &Static{Kind: SOr, Type: SBool, Args: []*Static{a, b}, Node: x, Text: c.f.Text(x)}
	}
	c.error(e.Pos(), "%s cannot be decided at compile time; a condition or set expression uses index variables, params, constants and sets", c.f.Text(e))
	return nil
}

func logicName(op byte) string {
	switch op {
	case 'a':
		return "and"
	case 'o':
		return "or"
	}
	return "not"
}

// sneg returns -a for an int static.
func (c *checker) sneg(x Expr, a *Static) *Static {
	if a.Kind == SConst {
		return c.sconst(x, SInt, -a.Value)
	}
	return &Static{Kind: SNeg, Type: SInt, Args: []*Static{a}, Node: x, Text: c.f.Text(x)}
}

// fitsStatic reports whether every value of an int static stays within
// ±2^53, reporting it at x when not.
func (c *checker) fitsStatic(x Expr, s *Static) bool {
	lo, hi := staticRange(s)
	if math.Abs(lo) > maxExactInt || math.Abs(hi) > maxExactInt {
		c.error(x.Pos(), "%s is too large: its range exceeds 2^53", c.f.Text(x))
		return false
	}
	return true
}

func (c *checker) staticBinary(x *Binary, sc *scope, cond bool) *Static {
	a, b := c.static(x.X, sc, cond), c.static(x.Y, sc, cond)
	if a == nil || b == nil {
		return nil
	}
	text := c.f.Text(x)
	if a.Type == SSetT && b.Type == SSetT {
		switch x.Op {
		case '+':
			return &Static{Kind: SUnion, Type: SSetT, Args: []*Static{a, b}, Node: x, Text: text}
		case '-':
			return &Static{Kind: SDiff, Type: SSetT, Args: []*Static{a, b}, Node: x, Text: text}
		}
		c.error(x.OpPos, "sets have + (union) and - (difference) only, not %c", x.Op)
		return nil
	}
	if a.Type != SInt || b.Type != SInt {
		bad := a
		if a.Type == SInt {
			bad = b
		}
		c.error(x.OpPos, "%c needs two numbers or two sets, but %s is %s", x.Op, bad.Text, staticTypeNames[bad.Type])
		return nil
	}
	var s *Static
	switch x.Op {
	case '+', '-':
		if x.Op == '-' {
			b = c.sneg(x.Y, b)
		}
		if a.Kind == SConst && b.Kind == SConst {
			s = c.sconst(x, SInt, a.Value+b.Value)
		} else {
			s = &Static{Kind: SAdd, Type: SInt, Args: []*Static{a, b}, Node: x, Text: text}
		}
	case '*':
		switch {
		case a.Kind == SConst && b.Kind == SConst:
			if math.Abs(float64(a.Value)*float64(b.Value)) > maxExactInt {
				c.error(x.Pos(), "%s is too large: more than 2^53", text)
				return nil
			}
			s = c.sconst(x, SInt, a.Value*b.Value)
		case a.Kind == SConst:
			s = &Static{Kind: SScale, Type: SInt, Value: a.Value, Args: []*Static{b}, Node: x, Text: text}
		case b.Kind == SConst:
			s = &Static{Kind: SScale, Type: SInt, Value: b.Value, Args: []*Static{a}, Node: x, Text: text}
		default:
			c.error(x.OpPos, "* needs a constant on one side, but %s and %s both vary", c.f.Text(x.X), c.f.Text(x.Y))
			return nil
		}
	case '/':
		switch {
		case a.Kind != SConst || b.Kind != SConst:
			c.error(x.OpPos, "/ in a condition or set expression needs constants, but %s varies", text)
			return nil
		case b.Value == 0:
			c.divisionByZero(x.Y)
			return nil
		case a.Value%b.Value != 0:
			c.error(x.Pos(), "%s must be an integer here", text)
			return nil
		}
		s = c.sconst(x, SInt, a.Value/b.Value)
	default:
		c.error(x.OpPos, "unknown operator %q", x.Op)
		return nil
	}
	if !c.fitsStatic(x, s) {
		return nil
	}
	return s
}

// staticCall folds min, max, clamp and ceil_log2 of constants.
func (c *checker) staticCall(x *Call, sc *scope, cond bool) *Static {
	for _, a := range x.Args {
		varies := false
		inspect(a, func(e Expr) bool {
			if n, ok := e.(*Name); ok {
				for _, v := range sc.vars {
					varies = varies || v.Name == n.Ident.Name
				}
			}
			return !varies
		})
		if varies {
			c.error(a.Pos(), "%s is allowed in a condition or set expression only on constants, but %s varies", x.Func.Name, c.f.Text(a))
			return nil
		}
	}
	t := c.term(x, &scope{what: "a condition or set expression"})
	if t == nil {
		return nil
	}
	if !isInteger(t.Value) || math.Abs(t.Value) > maxExactInt {
		c.error(x.Pos(), "%s must be an integer of magnitude at most 2^53 here, got %s", c.f.Text(x), fmtNum(t.Value))
		return nil
	}
	return c.sconst(x, SInt, int64(t.Value))
}

// setLit checks {a, b, ...} or {lo..hi}; elements lie in 0..62.
func (c *checker) setLit(x *SetLit, sc *scope, cond bool) *Static {
	elem := func(e Expr) *Static {
		s := c.static(e, sc, cond)
		if s == nil {
			return nil
		}
		if s.Type != SInt {
			c.error(e.Pos(), "a set element must be a number, but %s is %s", s.Text, staticTypeNames[s.Type])
			return nil
		}
		if lo, hi := staticRange(s); lo < 0 || hi > maxElem {
			c.error(e.Pos(), "set element %s", outsideElems(s.Text, lo, hi))
			return nil
		}
		return s
	}
	text := c.f.Text(x)
	if x.IsRange {
		lo, hi := elem(x.Lo), elem(x.Hi)
		if lo == nil || hi == nil {
			return nil
		}
		if lo.Kind == SConst && hi.Kind == SConst {
			return c.sconst(x, SSetT, rangeMask(lo.Value, hi.Value))
		}
		return &Static{Kind: SRange, Type: SSetT, Args: []*Static{lo, hi}, Node: x, Text: text}
	}
	s := &Static{Kind: SSet, Type: SSetT, Node: x, Text: text}
	allConst := true
	var mask int64
	for _, e := range x.Elems {
		a := elem(e)
		if a == nil {
			return nil
		}
		if a.Kind == SConst {
			mask |= 1 << uint(a.Value)
		} else {
			allConst = false
		}
		s.Args = append(s.Args, a)
	}
	if allConst {
		return c.sconst(x, SSetT, mask)
	}
	return s
}

// compare checks X op Y (numbers, or sets for == and !=) and X in S,
// X notin S.
func (c *checker) compare(x *Compare, sc *scope, cond bool) *Static {
	a, b := c.static(x.X, sc, cond), c.static(x.Y, sc, cond)
	if a == nil || b == nil {
		return nil
	}
	text := c.f.Text(x)
	if x.Member {
		kind, word := SIn, "in"
		if x.Not {
			kind, word = SNotIn, "notin"
		}
		switch {
		case a.Type != SInt:
			c.error(x.X.Pos(), "%s needs a number on the left, but %s is %s", word, a.Text, staticTypeNames[a.Type])
			return nil
		case b.Type != SSetT:
			c.error(x.Y.Pos(), "%s needs a set on the right, but %s is %s", word, b.Text, staticTypeNames[b.Type])
			return nil
		}
		if alo, ahi := staticRange(a); alo < 0 || ahi > maxElem {
			// Keep Eval's shift in range: sets hold elements 0..62 only.
			c.error(x.X.Pos(), "%s", outsideElems(a.Text, alo, ahi))
			return nil
		}
		if a.Kind == SConst && b.Kind == SConst {
			v := (b.Value >> uint(a.Value)) & 1
			if x.Not {
				v = 1 - v
			}
			return c.sconst(x, SBool, v)
		}
		return &Static{Kind: kind, Type: SBool, Args: []*Static{a, b}, Node: x, Text: text}
	}
	switch {
	case a.Type == SBool || b.Type == SBool:
		c.error(x.OpPos, "%s compares numbers or sets, not conditions; use and, or, not", x.Op)
		return nil
	case a.Type != b.Type:
		c.error(x.OpPos, "%s compares %s with %s", x.Op, staticTypeNames[a.Type], staticTypeNames[b.Type])
		return nil
	case a.Type == SSetT && x.Op != EQ && x.Op != NE:
		c.error(x.OpPos, "sets compare only with == and !=, not %s", x.Op)
		return nil
	}
	if a.Kind == SConst && b.Kind == SConst {
		return c.sconst(x, SBool, b2i(x.Op.Holds(float64(a.Value), float64(b.Value))))
	}
	return &Static{Kind: SCmp, Type: SBool, Op: x.Op, Args: []*Static{a, b}, Node: x, Text: text}
}

// outsideElems says that text, with values lo..hi, leaves the set
// elements: "64 is outside ...", "v + 60 may be 64, outside ...".
func outsideElems(text string, lo, hi float64) string {
	bad := hi
	if lo < 0 {
		bad = lo
	}
	switch {
	case lo == hi && text == fmtNum(lo):
		return fmt.Sprintf("%s is outside the set elements 0..%d", text, maxElem)
	case lo == hi:
		return fmt.Sprintf("%s is %s, outside the set elements 0..%d", text, fmtNum(lo), maxElem)
	}
	return fmt.Sprintf("%s may be %s, outside the set elements 0..%d", text, fmtNum(bad), maxElem)
}

// rangeMask is the set lo..hi (empty when lo > hi); lo, hi in 0..62.
func rangeMask(lo, hi int64) int64 {
	if lo > hi {
		return 0
	}
	return (1<<uint(hi+1) - 1) &^ (1<<uint(lo) - 1)
}

// staticRange returns bounds of an int (or bool) static over the ranges
// of its variables.
func staticRange(s *Static) (lo, hi float64) {
	switch s.Kind {
	case SConst:
		if s.Type == SInt {
			return float64(s.Value), float64(s.Value)
		}
	case SVar:
		return float64(s.Var.Lo), float64(s.Var.Hi)
	case SAdd:
		for _, a := range s.Args {
			l, h := staticRange(a)
			lo, hi = lo+l, hi+h
		}
		return lo, hi
	case SNeg:
		l, h := staticRange(s.Args[0])
		return -h, -l
	case SScale:
		l, h := staticRange(s.Args[0])
		l, h = float64(s.Value)*l, float64(s.Value)*h
		return math.Min(l, h), math.Max(l, h)
	}
	return 0, 1 // a bool
}

// staticMay returns a superset of the elements of a set static.
func staticMay(s *Static) int64 {
	clip := func(lo, hi float64) int64 {
		return rangeMask(int64(math.Max(lo, 0)), int64(math.Min(hi, maxElem)))
	}
	switch s.Kind {
	case SConst:
		return s.Value
	case SVar:
		return rangeMask(int64(s.Var.ElemLo), int64(s.Var.ElemHi))
	case SSet:
		var m int64
		for _, a := range s.Args {
			m |= clip(staticRange(a))
		}
		return m
	case SRange:
		lo, _ := staticRange(s.Args[0])
		_, hi := staticRange(s.Args[1])
		return clip(lo, hi)
	case SUnion:
		return staticMay(s.Args[0]) | staticMay(s.Args[1])
	case SDiff:
		m := staticMay(s.Args[0])
		if b := s.Args[1]; b.Kind == SConst {
			m &^= b.Value
		}
		return m
	}
	panic(fmt.Sprintf("dsl: staticMay of a %d static", s.Kind))
}

// staticMayBeEmpty reports whether a set static can be empty for some
// values of its variables (conservatively true when unsure).
func staticMayBeEmpty(s *Static) bool {
	switch s.Kind {
	case SConst:
		return s.Value == 0
	case SSet:
		return len(s.Args) == 0
	case SRange:
		_, lohi := staticRange(s.Args[0])
		hilo, _ := staticRange(s.Args[1])
		return lohi > hilo
	case SUnion:
		return staticMayBeEmpty(s.Args[0]) && staticMayBeEmpty(s.Args[1])
	}
	return true
}

// setElems lists the elements of a bitmask, for messages and dumps.
func setElems(m int64) []int {
	var out []int
	for u := uint64(m); u != 0; u &= u - 1 {
		out = append(out, bits.TrailingZeros64(u))
	}
	return out
}
