package dsl

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

type symbolKind int

const (
	symParam symbolKind = iota + 1
	symInput
	symState
	symData
)

func (k symbolKind) String() string {
	switch k {
	case symParam:
		return "param"
	case symInput:
		return "input"
	case symData:
		return "data"
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
	data  *Data
	// state: a boundary line had an error, so reads outside the index
	// range are not checked against the boundaries.
	boundaryBad bool
}

// scope says what an expression may use.
type scope struct {
	what   string // "the step of f", "the value range of f", ...
	vars   []*Var // index variables in scope, innermost last
	inputs bool   // inputs may be used
	reads  bool   // states may be read
	data   bool   // data may be read
	init   bool   // the initial value of a state
	// region holds the cells the enclosing ifs' conditions leave, a union
	// of boxes (narrow.go); nil means every cell.
	region []box
	// guards are the exact conditions on the cells that reach the scope:
	// the enclosing ifs' conditions and the enclosing reductions' domains
	// and filters (empty.go).
	guards []pathGuard
}

// with returns a copy of sc with v in scope.
func (sc *scope) with(v *Var) *scope {
	in := *sc
	in.vars = append(append([]*Var(nil), sc.vars...), v)
	return &in
}

type checker struct {
	f          *File
	maxCount   float64 // Limits.MaxCount
	errs       ErrorList
	syms       map[string]*symbol
	indexVars  map[string]bool // every index variable declared on a state or step line
	reduceVars map[string]bool // every reduction variable
	m          *Model
	// analysis holds what the step-iterated interval analysis needs;
	// final are the state intervals after the last step (nil without a
	// steps line or after an error).
	analysis *stepAnalysis
	final    []ival
	// emptyWhy holds, for each reduction that may be empty, a cell where
	// it is ("i = 2"), or "" when the checker did not decide (empty.go).
	emptyWhy map[*Term]string
}

func (c *checker) error(pos Pos, format string, args ...any) {
	c.errs.Add(pos, fmt.Sprintf(format, args...))
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

func check(f *File, params map[string]int64, lim Limits) (*Model, ErrorList) {
	if f == nil {
		return nil, ErrorList{{Msg: "no program to check"}}
	}
	c := &checker{f: f, syms: make(map[string]*symbol), indexVars: make(map[string]bool),
		reduceVars: make(map[string]bool), m: &Model{File: f}, maxCount: lim.count(), emptyWhy: make(map[*Term]string),
		analysis: &stepAnalysis{boundary: map[*Term]*ival{}, mayEmpty: map[*Term]bool{}, joined: map[*Term]ival{}}}
	if f.Name != nil {
		c.m.Name = f.Name.Name
	}
	c.declare()
	c.bindParams(params)
	c.checkStepCount()
	c.checkInputs()
	c.checkData()
	c.checkStates()
	c.checkBoundaries()
	c.checkSteps()
	c.iterateSteps()
	c.checkAnswer()
	c.errs.Sort()
	return c.m, c.errs
}

// newVar returns a fresh index variable with the next ID.
func (c *checker) newVar(id *Ident, kind VarKind, lo, hi int) *Var {
	v := &Var{Name: id.Name, Kind: kind, ID: c.m.NumVars, Lo: lo, Hi: hi, Pos: id.NamePos}
	c.m.NumVars++
	return v
}

// dimVar returns a fresh variable ranging over dimension d.
func (c *checker) dimVar(id *Ident, k int, d Dim) *Var {
	v := c.newVar(id, VarDim, d.Lo, d.Hi)
	v.Dim, v.Set, v.ElemLo, v.ElemHi = k, d.Set, d.ElemLo, d.ElemHi
	return v
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
	for _, d := range c.f.Data {
		add(d.Name, &symbol{kind: symData})
	}
	for _, d := range c.f.States {
		add(d.Name, &symbol{kind: symState})
		for _, dim := range d.Dims {
			c.indexVars[dim.Var.Name] = true
		}
	}
	noteReduceVars := func(e Expr) {
		inspect(e, func(e Expr) bool {
			if r, ok := e.(*Reduce); ok && r.Var != nil {
				c.reduceVars[r.Var.Name] = true
			}
			return true
		})
	}
	for _, d := range c.f.Steps {
		for _, v := range d.Vars {
			c.indexVars[v.Name] = true
		}
		noteReduceVars(d.Body)
	}
	if a := c.f.Answer; a != nil {
		for _, e := range []Expr{a.Value, a.LHS, a.RHS} {
			noteReduceVars(e)
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
		if sd := c.f.StepCount; sd != nil {
			c.error(d.Input, "input %s cannot be used with the steps line at %s: a program with a fixed number of steps has no per-step inputs; declare per-instance values with data", in.Name, sd.Steps)
		}
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
		if d.Type == Int && hi-lo+1 > c.maxCount {
			c.error(d.Range.Lo.Pos(), "%s is too large: %s..%s has more than %s values", what, fmtNum(lo), fmtNum(hi), countText(c.maxCount))
			s.bad = true
			continue
		}
		in.Lo, in.Hi = lo, hi
	}
}

// maxSteps bounds the count of a steps line (2^16): the step-iterated
// interval analysis walks every step, and a network of more steps would
// not be run anyway.
const maxSteps = 1 << 16

// checkStepCount checks the steps and require lines.
func (c *checker) checkStepCount() {
	if sd := c.f.StepCount; sd != nil {
		if n, ok := c.constInt(sd.Count, "the number of steps"); ok {
			switch {
			case n < 1:
				c.error(sd.Count.Pos(), "the number of steps must be at least 1, got %d", n)
			case n > maxSteps:
				c.error(sd.Count.Pos(), "the number of steps is too large: %d is more than 2^16", n)
			default:
				c.m.Steps = int(n)
			}
		}
	}
	for _, d := range c.f.Requires {
		switch {
		case d.What.Name != "fixpoint":
			c.error(d.What.NamePos, "unknown requirement %s; the only one is require fixpoint \"MESSAGE\"", d.What.Name)
		case c.f.StepCount == nil:
			c.error(d.Require, "require fixpoint needs a steps line: the fixpoint is checked after the last of a fixed number of steps")
		case c.m.Fixpoint != nil:
			c.error(d.Require, "require fixpoint appears twice; the first is at %s", c.m.Fixpoint.Require)
		case d.Msg == "":
			c.error(d.MsgPos, "the message of require fixpoint is empty; say what a failed fixpoint means, e.g. \"the graph has a negative cycle\"")
		default:
			c.m.Fixpoint = d
		}
	}
}

// checkData checks the data lines.
func (c *checker) checkData() {
	for _, d := range c.f.Data {
		s := c.syms[d.Name.Name]
		if s == nil || s.kind != symData || s.data != nil {
			continue // a duplicate
		}
		dt := &Data{Decl: d, Name: d.Name.Name, Type: d.Type, MayInf: d.OrInf, Index: len(c.m.Data)}
		s.data = dt
		c.m.Data = append(c.m.Data, dt)
		dims, ok := c.checkDims(d.Dims, "data "+dt.Name, d.Name.NamePos, false)
		dt.Dims = dims
		what := "the value range of data " + dt.Name
		lo, hi, rok := c.constRange(d.Range, what, d.Type == Int)
		switch {
		case !rok:
			ok = false
		case math.IsInf(lo, 0) || math.IsInf(hi, 0):
			c.error(d.Range.Lo.Pos(), "%s must be finite, got %s..%s; write LO..HI or inf for values that may be +inf", what, fmtNum(lo), fmtNum(hi))
			ok = false
		}
		dt.Lo, dt.Hi = lo, hi
		if !ok {
			s.bad = true
		}
	}
}

// checkDims checks the index dimensions of a state or data line; subsets
// dimensions are allowed for states only.
func (c *checker) checkDims(decls []*IndexDim, owner string, ownerPos Pos, subsets bool) ([]Dim, bool) {
	ok := true
	cells := 1
	seen := make(map[string]bool)
	var dims []Dim
	for k, dim := range decls {
		if seen[dim.Var.Name] {
			c.error(dim.Var.NamePos, "index variable %s appears twice in %s", dim.Var.Name, owner)
			ok = false
		}
		seen[dim.Var.Name] = true
		if !c.checkIndexVarName(dim.Var) {
			ok = false
		}
		name := strings.TrimPrefix(owner, "state ")
		what := fmt.Sprintf("the index range of %s", name)
		if len(decls) > 1 {
			what = fmt.Sprintf("the index range of dimension %d of %s", k+1, name)
		}
		var d Dim
		if sd, isSet := dim.Range.Lo.(*SubsetsDim); isSet {
			if !subsets {
				c.error(sd.Subsets, "the dimensions of %s are ranges LO..HI; subsets(...) is for state dimensions only", owner)
				ok = false
				continue
			}
			lo, hi, rok := c.constRange(Range{Lo: sd.Lo, Hi: sd.Hi}, "the elements of "+what, true)
			if !rok {
				ok = false
				continue
			}
			if lo < 0 || hi > 62 {
				c.error(sd.Lo.Pos(), "the elements of a subsets dimension must lie in 0..62, got %s..%s", fmtNum(lo), fmtNum(hi))
				ok = false
				continue
			}
			if hi-lo+1 > 26 {
				c.error(sd.Subsets, "%s is too large: subsets(%s..%s) has 2^%s subsets, more than 2^26", what, fmtNum(lo), fmtNum(hi), fmtNum(hi-lo+1))
				ok = false
				continue
			}
			d = Dim{Var: dim.Var.Name, Lo: 0, Hi: 1<<int(hi-lo+1) - 1, Set: true, ElemLo: int(lo), ElemHi: int(hi)}
		} else {
			lo, hi, rok := c.constRange(dim.Range, what, true)
			if !rok {
				ok = false
				continue
			}
			if hi-lo+1 > c.maxCount {
				c.error(dim.Range.Lo.Pos(), "%s is too large: %s..%s has more than %s values", what, fmtNum(lo), fmtNum(hi), countText(c.maxCount))
				ok = false
				continue
			}
			d = Dim{Var: dim.Var.Name, Lo: int(lo), Hi: int(hi)}
		}
		if float64(cells)*float64(d.Size()) > c.maxCount {
			c.error(ownerPos, "%s is too large: it has more than %s cells", owner, countText(c.maxCount))
			ok = false
			cells = 1
		} else {
			cells *= d.Size()
		}
		dims = append(dims, d)
	}
	return dims, ok
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
	dims, ok := c.checkDims(d.Dims, "state "+st.Name, d.Name.NamePos, true)
	if !ok {
		// Keep the dimensions that checked so that the name stays usable
		// for messages; the state is bad anyway.
		st.Dims = dims
	} else {
		st.Dims = dims
		for k := range st.Dims {
			st.Dims[k].V = c.dimVar(d.Dims[k].Var, k, st.Dims[k])
		}
	}
	st.MayInf = d.OrInf
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
	case d.OrInf && math.IsInf(hi, 1):
		c.error(d.Range.Hi.Pos(), "%s %s..%s or inf: write a finite upper end before or inf", what, fmtNum(lo), fmtNum(hi))
		return false
	}
	st.Lo, st.Hi = lo, hi
	if !ok {
		return false
	}
	sc := &scope{what: "the initial value of " + st.Name, init: true}
	for _, dim := range st.Dims {
		sc.vars = append(sc.vars, dim.V)
	}
	init := c.term(d.Init, sc)
	if init == nil {
		return false
	}
	if init.Kind == TConst {
		if !c.valueFits(d.Init, init.Value, st, "initial value") {
			return false
		}
		st.Init = init.Value
		return true
	}
	if st.Type == Int && init.Type != Int {
		c.error(d.Init.Pos(), "the initial value of %s is real but %s is int", st.Name, st.Name)
		return false
	}
	if !termIval(init).within(st.declared()) {
		c.error(d.Init.Pos(), "the initial value of %s ranges over %s, outside its declared range %s%s", st.Name, fmtIval(termIval(init)), fmtIval(st.declared()), c.emptyNote(init, termIval(init)))
		return false
	}
	st.InitTerm = init
	return true
}

// declared is the interval of the values st may hold: its declared range,
// and +inf when it says or inf.
func (st *State) declared() ival {
	return ival{lo: st.Lo, hi: st.Hi, inf: st.MayInf || math.IsInf(st.Hi, 1)}
}

// asStored is the interval of values a of st as reads see them: a state
// not declared or inf (but up to inf) holds +inf as a number in its range.
func (st *State) asStored(a ival) ival {
	if !st.MayInf && a.inf {
		return ival{lo: a.lo, hi: posInf}
	}
	return a
}

// initIval is the interval of the initial values of st.
func (st *State) initIval() ival {
	if st.InitTerm != nil {
		return termIval(st.InitTerm)
	}
	return point(st.Init)
}

// fmtIval prints an interval as lo..hi, "lo..hi or inf" or "inf".
func fmtIval(a ival) string {
	switch {
	case a.onlyInf():
		return "inf"
	case a.inf:
		return fmtNum(a.lo) + ".." + fmtNum(a.hi) + " or inf"
	}
	return fmtNum(a.lo) + ".." + fmtNum(a.hi)
}

// valueFits reports whether v, a constant written at x, may be stored in
// st: inside its value range (or +inf when st says or inf) and an integer
// (or infinite) when st is int.
func (c *checker) valueFits(x Expr, v float64, st *State, what string) bool {
	if (v < st.Lo || v > st.Hi) && !(st.MayInf && math.IsInf(v, 1)) {
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
		bad := false
		dim := -1
		for k, x := range st.Decl.Dims {
			if x.Var.Name == d.Var.Name {
				dim = k
			}
		}
		switch {
		case dim < 0 && len(st.Decl.Dims) == 1:
			// One dimension: the boundary may name it by any variable.
			dim = 0
			bad = !c.checkIndexVarName(d.Var)
		case dim < 0:
			var names []string
			for _, x := range st.Decl.Dims {
				names = append(names, x.Var.Name)
			}
			c.error(d.Var.NamePos, "%s has no dimension named %s; a boundary names a dimension by its variable on the state line (%s)", st.Name, d.Var.Name, strings.Join(names, ", "))
			bad = true
		case dim < len(st.Dims) && st.Dims[dim].Set:
			c.error(d.Var.NamePos, "dimension %s of %s ranges over subsets, which have no boundary lines", d.Var.Name, st.Name)
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
		st.Boundaries = append(st.Boundaries, &Boundary{Decl: d, Dim: dim, Op: d.Op, Bound: int(bound), Value: value})
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
		sc := &scope{what: "the step of " + st.Name, inputs: true, reads: true, data: true}
		for k, v := range d.Vars {
			sv := c.dimVar(v, k, st.Dims[k])
			st.StepVars = append(st.StepVars, sv)
			sc.vars = append(sc.vars, sv)
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
		case c.f.StepCount != nil:
			// Checked step by step in iterateSteps.
		case st.MayInf:
			b := termIval(body)
			if !b.onlyInf() && (b.lo < st.Lo || b.hi > st.Hi) {
				c.error(d.Body.Pos(), "step value range [%s, %s] (finite values) of %s is not inside its declared range [%s, %s]; clamp it with clamp(...) or widen the declaration",
					fmtNum(b.lo), fmtNum(b.hi), st.Name, fmtNum(st.Lo), fmtNum(st.Hi))
			}
		case body.MayInf && !math.IsInf(st.Hi, 1) && (body.Lo == posInf || body.Lo >= st.Lo && body.Hi <= st.Hi):
			c.error(d.Body.Pos(), "the step of %s may be inf (it ranges over %s), but %s is not declared or inf; write %s..%s or inf, or clamp it%s",
				st.Name, fmtIval(termIval(body)), st.Name, fmtNum(st.Lo), fmtNum(st.Hi), c.emptyNote(body, termIval(body)))
		default:
			lo, hi := body.Lo, body.Hi
			if body.MayInf {
				hi = posInf
			}
			if lo < st.Lo || hi > st.Hi {
				c.error(d.Body.Pos(), "step value range [%s, %s] of %s is not inside its declared range [%s, %s]; clamp it with clamp(...) or widen the declaration%s",
					fmtNum(lo), fmtNum(hi), st.Name, fmtNum(st.Lo), fmtNum(st.Hi), c.emptyNote(body, termIval(body)))
			}
		}
	}
	for _, st := range c.m.States {
		if st.Step == nil {
			c.error(st.Decl.Name.NamePos, "state %s has no step; add a line like step %s[...] = ...", st.Name, st.Name)
		}
	}
}

// iterateSteps runs the step-iterated interval analysis of a program with
// a steps line: starting from the initial intervals, each step's state
// intervals are the body intervals under the previous step's, for Steps
// steps (one more with require fixpoint). Every step must stay inside the
// declared ranges; term intervals become the join over all steps.
func (c *checker) iterateSteps() {
	if c.m.Steps == 0 || len(c.errs) > 0 {
		return
	}
	states := make([]ival, len(c.m.States))
	for i, st := range c.m.States {
		states[i] = st.asStored(st.initIval())
	}
	n := c.m.Steps
	if c.m.Fixpoint != nil {
		n++
	}
	a := c.analysis
	c.final = nil
	for step := 1; step <= n; step++ {
		next := make([]ival, len(states))
		bad := false
		for i, st := range c.m.States {
			b := a.eval(st.Body, states)
			if !b.within(st.declared()) {
				c.error(st.Step.Body.Pos(), "step %d of %s is in %s, outside its declared range %s; clamp it with clamp(...) or widen the declaration%s",
					step, st.Name, fmtIval(b), fmtIval(st.declared()), c.emptyNote(st.Body, b))
				bad = true
			}
			next[i] = st.asStored(b)
		}
		if bad {
			return
		}
		if step == c.m.Steps {
			c.final = next
		}
		same := true
		for i := range states {
			if states[i] != next[i] {
				same = false
			}
		}
		states = next
		if same {
			// A fixpoint of the analysis: later steps give the same
			// intervals.
			if c.final == nil {
				c.final = next
			}
			break
		}
	}
	for _, st := range c.m.States {
		a.store(st.Body)
	}
}

func (c *checker) checkAnswer() {
	d := c.f.Answer
	if d == nil {
		return
	}
	a := &Answer{Decl: d, Kind: d.Kind, Op: d.Op}
	sc := &scope{what: "the answer", reads: true, data: true}
	switch d.Kind {
	case AnswerState:
		x, _ := d.Value.(*Name)
		if x == nil {
			return
		}
		s, ok := c.syms[x.Ident.Name]
		switch {
		case !ok:
			c.resolve(x.Ident, sc)
			return
		case s.kind != symState:
			c.error(x.Pos(), "answer %s names %s, not a state; answer NAME gives every cell of a state (write answer %s + 0 for its value)", x.Ident.Name, article(s.kind.String()), x.Ident.Name)
			return
		case s.bad:
			return
		}
		a.State = s.state
		c.m.Answer = a
		return
	case AnswerValue:
		if d.Value == nil {
			return
		}
		a.Value = c.term(d.Value, sc)
		if a.Value != nil {
			c.finalIntervals(a.Value)
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
	// The searched state is the first state read with the answer variable
	// as the plain index of a dimension.
	var found *symbol
	dim := 0
	inSubsets := false // the variable indexes a subsets dimension
	for _, side := range []Expr{d.LHS, d.RHS} {
		inspect(side, func(e Expr) bool {
			x, ok := e.(*Index)
			if !ok || found != nil {
				return found == nil
			}
			for k, ix := range x.Indices {
				n, ok := unparen(ix).(*Name)
				if !ok || n.Ident.Name != d.Var.Name {
					continue
				}
				if s, ok := c.syms[x.Name.Name]; ok && s.kind == symState && len(s.state.Decl.Dims) == len(x.Indices) {
					if _, set := s.state.Decl.Dims[k].Range.Lo.(*SubsetsDim); !set {
						found, dim = s, k
						break
					}
					inSubsets = true
				}
			}
			return found == nil
		})
	}
	switch {
	case found == nil && inSubsets:
		c.error(d.Var.NamePos, "answer variable %s indexes a subsets dimension; an answer searches a dimension LO..HI", d.Var.Name)
		return
	case found == nil:
		c.error(d.Var.NamePos, "answer variable %s must appear as the plain index of a state dimension, as in f[%s]", d.Var.Name, d.Var.Name)
		return
	}
	if found.bad || dim >= len(found.state.Dims) {
		return
	}
	a.State, a.Dim = found.state, dim
	a.Lo, a.Hi = a.State.Dims[dim].Lo, a.State.Dims[dim].Hi
	a.SearchVar = c.newVar(d.Var, VarSearch, a.Lo, a.Hi)
	sc.vars = []*Var{a.SearchVar}
	a.LHS = c.term(d.LHS, sc)
	a.RHS = c.term(d.RHS, sc)
	if a.LHS != nil && a.RHS != nil {
		c.finalIntervals(a.LHS)
		c.finalIntervals(a.RHS)
		c.m.Answer = a
	}
}

// finalIntervals recomputes the intervals of an answer term under the
// state intervals after the last step, for a program with a steps line.
func (c *checker) finalIntervals(t *Term) {
	if c.final == nil {
		return
	}
	a := c.analysis
	a.eval(t, c.final)
	a.store(t)
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
	case *If:
		inspect(x.Cond, fn)
		inspect(x.Then, fn)
		inspect(x.Else, fn)
	case *Reduce:
		inspect(x.Domain, fn)
		inspect(x.Filter, fn)
		inspect(x.Body, fn)
	case *Bracket:
		inspect(x.X, fn)
		inspect(x.Y, fn)
	case *SetLit:
		for _, y := range x.Elems {
			inspect(y, fn)
		}
		inspect(x.Lo, fn)
		inspect(x.Hi, fn)
	case *RangeSet:
		inspect(x.Lo, fn)
		inspect(x.Hi, fn)
	case *Logic:
		inspect(x.X, fn)
		inspect(x.Y, fn)
	case *Compare:
		inspect(x.X, fn)
		inspect(x.Y, fn)
	case *SubsetsDim:
		inspect(x.Lo, fn)
		inspect(x.Hi, fn)
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
