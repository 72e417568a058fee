package dsl

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// maxCount bounds the number of values of an input or index range and the
// number of cells of a state (2^26): beyond it the network would not fit
// in memory anyway, and a typo such as 1..10000000000 is caught early.
const maxCount = 1 << 26

type symbolKind int

const (
	symParam symbolKind = iota + 1
	symInput
	symState
)

func (k symbolKind) String() string {
	switch k {
	case symParam:
		return "param"
	case symInput:
		return "input"
	}
	return "state"
}

// symbol is a declared global name. bad is set when its declaration had an
// error; uses of a bad symbol are dropped silently so one mistake is
// reported once.
type symbol struct {
	kind  symbolKind
	pos   Pos
	bad   bool
	param *ParamDecl
	bound bool // param: value known
	value int64
	input *Input
	state *State
	// state: a boundary line had an error, so reads outside the index
	// range are not checked against the boundaries.
	boundaryBad bool
}

// scopeVar is an index variable in scope: a step's variable of dimension
// dim, or the variable of an answer search (dim 0).
type scopeVar struct {
	name   string
	dim    int
	lo, hi int
}

// scope says what an expression may use.
type scope struct {
	what   string // "the step of f", "the value range of f", ...
	vars   []scopeVar
	inputs bool // inputs may be used
	reads  bool // states may be read
}

type checker struct {
	f         *File
	errs      ErrorList
	syms      map[string]*symbol
	indexVars map[string]bool // every index variable declared anywhere
	m         *Model
}

func (c *checker) error(pos Pos, format string, args ...any) {
	if len(c.errs) < maxErrors {
		c.errs.Add(pos, fmt.Sprintf(format, args...))
	}
}

// fileName returns the file name the positions of f carry.
func fileName(f *File) string {
	for _, p := range []Pos{f.DpPos, f.EndPos} {
		if p.File != "" {
			return p.File
		}
	}
	if f.Name != nil {
		return f.Name.NamePos.File
	}
	return ""
}

func check(f *File, params map[string]int64) (*Model, ErrorList) {
	if f == nil {
		return nil, ErrorList{{Msg: "no program to check"}}
	}
	c := &checker{f: f, syms: make(map[string]*symbol), indexVars: make(map[string]bool), m: &Model{File: f}}
	if f.Name != nil {
		c.m.Name = f.Name.Name
	}
	c.declare()
	c.bindParams(params)
	c.checkInputs()
	c.checkStates()
	c.checkBoundaries()
	c.checkSteps()
	c.checkAnswer()
	c.errs.Sort()
	return c.m, c.errs
}

// declare enters every global name and notes every index variable name.
func (c *checker) declare() {
	add := func(id *Ident, s *symbol) {
		if id == nil {
			return
		}
		s.pos = id.NamePos
		if old, ok := c.syms[id.Name]; ok {
			c.error(id.NamePos, "duplicate name %s: already declared as %s at %s", id.Name, article(old.kind.String()), old.pos)
			return
		}
		c.syms[id.Name] = s
	}
	for _, d := range c.f.Params {
		add(d.Name, &symbol{kind: symParam, param: d})
	}
	for _, d := range c.f.Inputs {
		add(d.Name, &symbol{kind: symInput})
	}
	for _, d := range c.f.States {
		add(d.Name, &symbol{kind: symState})
		for _, dim := range d.Dims {
			c.indexVars[dim.Var.Name] = true
		}
	}
	for _, d := range c.f.Steps {
		for _, v := range d.Vars {
			c.indexVars[v.Name] = true
		}
	}
}

// checkIndexVarName reports an index variable that hides a global name.
func (c *checker) checkIndexVarName(id *Ident) bool {
	if s, ok := c.syms[id.Name]; ok {
		c.error(id.NamePos, "index variable %s has the same name as the %s declared at %s; rename one of them", id.Name, s.kind, s.pos)
		return false
	}
	return true
}

func (c *checker) bindParams(params map[string]int64) {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if s, ok := c.syms[name]; !ok || s.kind != symParam {
			c.error(Pos{File: fileName(c.f)}, "unknown param %s in -set %s=%d; the params of this program are %s",
				name, name, params[name], c.paramNames())
		}
	}
	for _, d := range c.f.Params {
		s := c.syms[d.Name.Name]
		if s == nil || s.param != d {
			continue // a duplicate, reported already
		}
		if d.Type != Int {
			c.error(d.Name.NamePos, "param %s must be int; params are compile-time integers", d.Name.Name)
			s.bad = true
			continue
		}
		v, set := params[d.Name.Name]
		switch {
		case set:
			if v > maxExactInt || v < -maxExactInt {
				c.error(d.Name.NamePos, "value %d of param %s is too large; it must be at most 2^53 in magnitude", v, d.Name.Name)
				s.bad = true
				continue
			}
		case d.Default != nil:
			var ok bool
			v, ok = c.constInt(d.Default, "the default of param "+d.Name.Name)
			if !ok {
				s.bad = true
				continue
			}
		default:
			c.error(d.Pos(), "param %s has no value; set it with -set %s=N", d.Name.Name, d.Name.Name)
			s.bad = true
			continue
		}
		s.bound, s.value = true, v
		c.m.Params = append(c.m.Params, ParamValue{Name: d.Name.Name, Value: v, Set: set})
	}
}

func (c *checker) paramNames() string {
	var names []string
	for _, d := range c.f.Params {
		names = append(names, d.Name.Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func (c *checker) checkInputs() {
	for _, d := range c.f.Inputs {
		s := c.syms[d.Name.Name]
		if s == nil || s.kind != symInput || s.input != nil {
			continue // a duplicate
		}
		in := &Input{Decl: d, Name: d.Name.Name, Type: d.Type, Index: len(c.m.Inputs)}
		s.input = in
		c.m.Inputs = append(c.m.Inputs, in)
		what := "the range of input " + in.Name
		lo, hi, ok := c.constRange(d.Range, what, d.Type == Int)
		if !ok {
			s.bad = true
			continue
		}
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			c.error(d.Range.Lo.Pos(), "%s must be finite, got %s..%s", what, fmtNum(lo), fmtNum(hi))
			s.bad = true
			continue
		}
		if d.Type == Int && hi-lo+1 > maxCount {
			c.error(d.Range.Lo.Pos(), "%s is too large: %s..%s has more than 2^26 values", what, fmtNum(lo), fmtNum(hi))
			s.bad = true
			continue
		}
		in.Lo, in.Hi = lo, hi
	}
}

// constRange evaluates lo..hi, which must be non-empty; when integer is
// set both ends must be integers.
func (c *checker) constRange(r Range, what string, integer bool) (lo, hi float64, ok bool) {
	if integer {
		l, ok1 := c.constInt(r.Lo, "the lower end of "+what)
		h, ok2 := c.constInt(r.Hi, "the upper end of "+what)
		lo, hi, ok = float64(l), float64(h), ok1 && ok2
	} else {
		var ok1, ok2 bool
		lo, ok1 = c.constValue(r.Lo, what)
		hi, ok2 = c.constValue(r.Hi, what)
		ok = ok1 && ok2
	}
	if !ok {
		return 0, 0, false
	}
	if lo > hi {
		c.error(r.Lo.Pos(), "%s %s..%s is empty: %s > %s", what, fmtNum(lo), fmtNum(hi), fmtNum(lo), fmtNum(hi))
		return 0, 0, false
	}
	return lo, hi, true
}

func (c *checker) checkStates() {
	for _, d := range c.f.States {
		s := c.syms[d.Name.Name]
		if s == nil || s.kind != symState || s.state != nil {
			continue // a duplicate
		}
		st := &State{Decl: d, Name: d.Name.Name, Type: d.Type, Index: len(c.m.States)}
		s.state = st
		c.m.States = append(c.m.States, st)
		if !c.checkState(st) {
			s.bad = true
		}
	}
}

func (c *checker) checkState(st *State) bool {
	d := st.Decl
	ok := true
	cells := 1
	seen := make(map[string]bool)
	for k, dim := range d.Dims {
		if seen[dim.Var.Name] {
			c.error(dim.Var.NamePos, "index variable %s appears twice in state %s", dim.Var.Name, st.Name)
			ok = false
		}
		seen[dim.Var.Name] = true
		if !c.checkIndexVarName(dim.Var) {
			ok = false
		}
		what := fmt.Sprintf("the index range of %s", st.Name)
		if len(d.Dims) > 1 {
			what = fmt.Sprintf("the index range of dimension %d of %s", k+1, st.Name)
		}
		lo, hi, rok := c.constRange(dim.Range, what, true)
		if !rok {
			ok = false
			continue
		}
		n := hi - lo + 1
		if n > maxCount {
			c.error(dim.Range.Lo.Pos(), "%s is too large: %s..%s has more than 2^26 values", what, fmtNum(lo), fmtNum(hi))
			ok = false
			continue
		}
		cells *= int(n)
		if cells > maxCount {
			c.error(d.Name.NamePos, "state %s is too large: it has more than 2^26 cells", st.Name)
			ok = false
			cells = 1
		}
		st.Dims = append(st.Dims, Dim{Var: dim.Var.Name, Lo: int(lo), Hi: int(hi)})
	}
	what := "the value range of " + st.Name
	lo, hi, rok := c.constRange(d.Range, what, false)
	switch {
	case !rok:
		return false
	case math.IsInf(lo, 1) || math.IsInf(hi, -1):
		c.error(d.Range.Lo.Pos(), "%s %s..%s holds no number", what, fmtNum(lo), fmtNum(hi))
		return false
	case st.Type == Int && !(isInteger(lo) || math.IsInf(lo, 0)):
		c.error(d.Range.Lo.Pos(), "%s must have integer ends because %s is int, got %s", what, st.Name, fmtNum(lo))
		return false
	case st.Type == Int && !(isInteger(hi) || math.IsInf(hi, 0)):
		c.error(d.Range.Hi.Pos(), "%s must have integer ends because %s is int, got %s", what, st.Name, fmtNum(hi))
		return false
	}
	st.Lo, st.Hi = lo, hi
	init, iok := c.constValue(d.Init, "the initial value of "+st.Name)
	if !iok || !c.valueFits(d.Init, init, st, "initial value") {
		return false
	}
	st.Init = init
	return ok
}

// valueFits reports whether v, a constant written at x, may be stored in
// st: inside its value range and an integer (or infinite) when st is int.
func (c *checker) valueFits(x Expr, v float64, st *State, what string) bool {
	if v < st.Lo || v > st.Hi {
		c.error(x.Pos(), "%s %s of %s is outside its value range %s..%s", what, fmtNum(v), st.Name, fmtNum(st.Lo), fmtNum(st.Hi))
		return false
	}
	if st.Type == Int && !isInteger(v) && !math.IsInf(v, 0) {
		c.error(x.Pos(), "%s %s of %s must be an integer because %s is int", what, fmtNum(v), st.Name, st.Name)
		return false
	}
	return true
}

// stateNamed resolves the state a boundary or step line names.
func (c *checker) stateNamed(id *Ident, line string) *symbol {
	s, ok := c.syms[id.Name]
	switch {
	case !ok:
		c.error(id.NamePos, "undeclared name %s: %s needs a declared state", id.Name, line)
		return nil
	case s.kind != symState:
		c.error(id.NamePos, "%s is %s, not a state; %s needs a state", id.Name, article(s.kind.String()), line)
		return nil
	}
	return s
}

func (c *checker) checkBoundaries() {
	for _, d := range c.f.Boundaries {
		s := c.stateNamed(d.Name, "a boundary line")
		if s == nil {
			continue
		}
		st := s.state
		bad := !c.checkIndexVarName(d.Var)
		if len(st.Decl.Dims) != 1 {
			c.error(d.Name.NamePos, "boundary lines need a one-dimensional state; %s has %d dimensions", st.Name, len(st.Decl.Dims))
			bad = true
		}
		bound, bok := c.constInt(d.Bound, "the bound of a boundary of "+st.Name)
		value, vok := c.constValue(d.Value, "the boundary value of "+st.Name)
		if bad || !bok || !vok {
			s.boundaryBad = true
			continue
		}
		if s.bad {
			continue
		}
		if !c.valueFits(d.Value, value, st, "boundary value") {
			s.boundaryBad = true
			continue
		}
		st.Boundaries = append(st.Boundaries, &Boundary{Decl: d, Op: d.Op, Bound: int(bound), Value: value})
	}
}

func (c *checker) checkSteps() {
	for _, d := range c.f.Steps {
		s := c.stateNamed(d.Name, "a step line")
		if s == nil {
			continue
		}
		st := s.state
		if st.Step != nil {
			c.error(d.Name.NamePos, "state %s has two steps; the first is at %s", st.Name, st.Step.Step)
			continue
		}
		st.Step = d
		if len(d.Vars) != len(st.Decl.Dims) {
			c.error(d.Name.NamePos, "step %s has %s but %s has %s", st.Name, count(len(d.Vars), "index variable"), st.Name, count(len(st.Decl.Dims), "dimension"))
			continue
		}
		ok := true
		seen := make(map[string]bool)
		for _, v := range d.Vars {
			if seen[v.Name] {
				c.error(v.NamePos, "index variable %s appears twice in the step of %s", v.Name, st.Name)
				ok = false
			}
			seen[v.Name] = true
			if !c.checkIndexVarName(v) {
				ok = false
			}
		}
		if !ok || s.bad {
			continue
		}
		sc := &scope{what: "the step of " + st.Name, inputs: true, reads: true}
		for k, v := range d.Vars {
			sc.vars = append(sc.vars, scopeVar{name: v.Name, dim: k, lo: st.Dims[k].Lo, hi: st.Dims[k].Hi})
		}
		body := c.term(d.Body, sc)
		if body == nil {
			continue
		}
		st.Body = body
		switch {
		case st.Type == Int && body.Type != Int:
			c.error(d.Body.Pos(), "the step of %s gives a real value but %s is int; integer steps may use only integers, +, -, min, max, clamp and * by an integer", st.Name, st.Name)
		case math.IsNaN(body.Lo) || math.IsNaN(body.Hi):
			c.error(d.Body.Pos(), "the step value range of %s is not a number", st.Name)
		case body.Lo < st.Lo || body.Hi > st.Hi:
			c.error(d.Body.Pos(), "step value range [%s, %s] of %s is not inside its declared range [%s, %s]; clamp it with clamp(...) or widen the declaration",
				fmtNum(body.Lo), fmtNum(body.Hi), st.Name, fmtNum(st.Lo), fmtNum(st.Hi))
		}
	}
	for _, st := range c.m.States {
		if st.Step == nil {
			c.error(st.Decl.Name.NamePos, "state %s has no step; add a line like step %s[...] = ...", st.Name, st.Name)
		}
	}
}

func (c *checker) checkAnswer() {
	d := c.f.Answer
	if d == nil {
		return
	}
	a := &Answer{Decl: d, Kind: d.Kind, Op: d.Op}
	if d.Kind == AnswerValue {
		if d.Value == nil {
			return
		}
		a.Value = c.term(d.Value, &scope{what: "the answer", reads: true})
		if a.Value != nil {
			c.m.Answer = a
		}
		return
	}
	if d.Var == nil || d.LHS == nil || d.RHS == nil {
		return
	}
	if !c.checkIndexVarName(d.Var) {
		return
	}
	a.Var = d.Var.Name
	// The searched state is the first one-dimensional state read whose
	// index is exactly the answer variable.
	var found *symbol
	for _, side := range []Expr{d.LHS, d.RHS} {
		inspect(side, func(e Expr) bool {
			x, ok := e.(*Index)
			if !ok || found != nil || len(x.Indices) != 1 {
				return found == nil
			}
			if n, ok := unparen(x.Indices[0]).(*Name); ok && n.Ident.Name == d.Var.Name {
				if s, ok := c.syms[x.Name.Name]; ok && s.kind == symState && len(s.state.Decl.Dims) == 1 {
					found = s
				}
			}
			return found == nil
		})
	}
	if found == nil {
		c.error(d.Var.NamePos, "answer variable %s must appear as the plain index of a one-dimensional state, as in f[%s]", d.Var.Name, d.Var.Name)
		return
	}
	if found.bad {
		return
	}
	a.State = found.state
	a.Lo, a.Hi = a.State.Dims[0].Lo, a.State.Dims[0].Hi
	sc := &scope{what: "the answer", reads: true, vars: []scopeVar{{name: a.Var, dim: 0, lo: a.Lo, hi: a.Hi}}}
	a.LHS = c.term(d.LHS, sc)
	a.RHS = c.term(d.RHS, sc)
	if a.LHS != nil && a.RHS != nil {
		c.m.Answer = a
	}
}

// unparen strips parentheses.
func unparen(e Expr) Expr {
	for {
		p, ok := e.(*Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

// inspect calls fn for e and, while fn returns true, for its subexpressions
// in source order.
func inspect(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch x := e.(type) {
	case *Index:
		for _, y := range x.Indices {
			inspect(y, fn)
		}
	case *Call:
		for _, y := range x.Args {
			inspect(y, fn)
		}
	case *Unary:
		inspect(x.X, fn)
	case *Binary:
		inspect(x.X, fn)
		inspect(x.Y, fn)
	case *Paren:
		inspect(x.X, fn)
	}
}

// constValue evaluates a constant expression: numbers, params and
// + - * / min max clamp.
func (c *checker) constValue(e Expr, what string) (float64, bool) {
	t := c.term(e, &scope{what: what})
	if t == nil {
		return 0, false
	}
	if t.Kind != TConst {
		// Unreachable: a scope without inputs, reads or index variables
		// yields only constants.
		panic("dsl: constant expression did not fold: " + c.f.Text(e))
	}
	return t.Value, true
}

// constInt evaluates a constant expression that must be an integer of
// magnitude at most 2^53.
func (c *checker) constInt(e Expr, what string) (int64, bool) {
	v, ok := c.constValue(e, what)
	if !ok {
		return 0, false
	}
	switch {
	case math.IsInf(v, 0):
		c.error(e.Pos(), "%s must be finite, got %s", what, fmtNum(v))
		return 0, false
	case !isInteger(v):
		c.error(e.Pos(), "%s must be an integer, got %s", what, fmtNum(v))
		return 0, false
	case math.Abs(v) > maxExactInt:
		c.error(e.Pos(), "%s is too large: %s is more than 2^53 in magnitude", what, fmtNum(v))
		return 0, false
	}
	return int64(v), true
}

// count returns "1 thing" or "n things" (plural: thing+"s", or the
// irregular plural after a slash, as in "index/indices").
func count(n int, thing string) string {
	singular, plural, irregular := strings.Cut(thing, "/")
	if !irregular {
		plural = singular + "s"
	}
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
}

// isInteger reports whether v is a finite integer.
func isInteger(v float64) bool { return !math.IsInf(v, 0) && v == math.Trunc(v) }

// fmtNum prints a number for a message: integers in full, inf as inf.
func fmtNum(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case isInteger(v) && math.Abs(v) < 1e21:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
