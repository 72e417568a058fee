package dsl

import "fmt"

// maxNesting bounds the nesting depth of expressions so that hostile input
// cannot exhaust the stack.
const maxNesting = 200

// parser is a recursive-descent parser over a pre-scanned token slice.
// A parse function that fails reports one error and returns nil; the
// declaration loop then skips to the next declaration.
type parser struct {
	toks    []token
	numbers map[int]*Number
	i       int
	errs    *ErrorList
	file    *File
	depth   int
	// errLines holds the lines that have an error; only the first error on
	// a line is reported, the rest are usually consequences.
	errLines map[int]bool
}

func (p *parser) tok() token { return p.toks[p.i] }

// ahead returns the token k places ahead (the EOF token past the end).
func (p *parser) ahead(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
}

func (p *parser) error(pos Pos, msg string) {
	if p.errLines[pos.Line] {
		return // the rest of a line after a syntax error is not reliable
	}
	p.errLines[pos.Line] = true
	p.errs.Add(pos, msg)
}

// errorExpected reports that what was expected is missing at the current token.
func (p *parser) errorExpected(what string) {
	p.error(p.tok().pos, fmt.Sprintf("expected %s, found %s", what, p.tok().describe()))
}

// expect consumes a token of kind k or reports an error; ok is false on error.
func (p *parser) expect(k tokenKind, what string) (Pos, bool) {
	t := p.tok()
	if t.kind != k {
		p.errorExpected(what)
		return t.pos, false
	}
	p.next()
	return t.pos, true
}

func (p *parser) ident(what string) *Ident {
	t := p.tok()
	if t.kind != tIdent {
		p.errorExpected(what)
		return nil
	}
	p.next()
	return &Ident{NamePos: t.pos, Name: t.lit}
}

// declStart reports whether the current token starts a declaration.
// resync is true when recovering from an error: a boundary line is then
// only recognised at the start of a line, so that a state read in the
// middle of a broken expression is not mistaken for one.
func (p *parser) declStart(resync bool) bool {
	t := p.tok()
	switch t.kind {
	case tDp, tParam, tInput, tState, tStep, tAnswer, tData, tSteps, tRequire:
		return true
	case tIdent:
		return p.ahead(1).kind == tLbrack && (t.lineStart || !resync)
	}
	return false
}

// skipToDecl skips tokens up to the next declaration or the end of file.
func (p *parser) skipToDecl() {
	for p.tok().kind != tEOF && !p.declStart(true) {
		p.next()
	}
}

func parseFile(filename string, src []byte) (*File, ErrorList) {
	var errs ErrorList
	toks, numbers := scanAll(filename, src, &errs)
	f := &File{Src: src, src: string(src)}
	p := &parser{toks: toks, numbers: numbers, errs: &errs, file: f, errLines: make(map[int]bool)}
	for _, e := range errs {
		p.errLines[e.Pos.Line] = true
	}
	f.EndPos = toks[len(toks)-1].pos
	if p.tok().kind == tDp {
		f.DpPos = p.tok().pos
		p.next()
		f.Name = p.ident("program name after dp")
	} else {
		p.error(p.tok().pos, fmt.Sprintf("a program starts with dp NAME, found %s", p.tok().describe()))
		f.DpPos = Pos{File: filename, Line: 1, Col: 1}
	}
	if f.Name == nil {
		p.skipToDecl()
	}
	for p.tok().kind != tEOF {
		if !p.declStart(false) {
			p.errorExpected("a declaration (param, input, data, state, step, steps, require, answer or a boundary like f[p <= 0] = 0)")
			p.next()
			p.skipToDecl()
			continue
		}
		if !p.decl() {
			p.skipToDecl()
		}
	}
	errs.Sort()
	return f, errs
}

// decl parses one declaration and adds it to the file; it reports false
// after a syntax error.
func (p *parser) decl() bool {
	f := p.file
	switch p.tok().kind {
	case tDp:
		p.error(p.tok().pos, "dp NAME may appear only once, as the first line")
		p.next()
		return false
	case tParam:
		if d := p.paramDecl(); d != nil {
			f.Params = append(f.Params, d)
			return true
		}
	case tInput:
		if d := p.inputDecl(); d != nil {
			f.Inputs = append(f.Inputs, d)
			return true
		}
	case tState:
		if d := p.stateDecl(); d != nil {
			f.States = append(f.States, d)
			return true
		}
	case tStep:
		if d := p.stepDecl(); d != nil {
			f.Steps = append(f.Steps, d)
			return true
		}
	case tAnswer:
		pos := p.tok().pos
		d := p.answerDecl()
		if d == nil {
			return false
		}
		if f.Answer != nil {
			p.error(pos, fmt.Sprintf("a program has one answer line; the first is at %s", f.Answer.Answer))
			return false
		}
		f.Answer = d
		return true
	case tIdent:
		if d := p.boundaryDecl(); d != nil {
			f.Boundaries = append(f.Boundaries, d)
			return true
		}
	case tData:
		if d := p.dataDecl(); d != nil {
			f.Data = append(f.Data, d)
			return true
		}
	case tSteps:
		pos := p.tok().pos
		p.next()
		x := p.expr()
		if x == nil {
			return false
		}
		if f.StepCount != nil {
			p.error(pos, fmt.Sprintf("a program has one steps line; the first is at %s", f.StepCount.Steps))
			return false
		}
		f.StepCount = &StepsDecl{Steps: pos, Count: x}
		return true
	case tRequire:
		if d := p.requireDecl(); d != nil {
			f.Requires = append(f.Requires, d)
			return true
		}
	}
	return false
}

// dataDecl: data NAME [ [ VAR in RANGE {, VAR in RANGE} ] ] TYPE in RANGE [or inf]
func (p *parser) dataDecl() *DataDecl {
	d := &DataDecl{Data: p.tok().pos}
	p.next()
	if d.Name = p.ident("data name"); d.Name == nil {
		return nil
	}
	if p.tok().kind == tLbrack {
		p.next()
		var ok bool
		if d.Dims, ok = p.indexDims(); !ok {
			return nil
		}
	}
	var ok bool
	if d.Type, ok = p.typ("after the data name or its index ranges"); !ok {
		return nil
	}
	if _, ok := p.expect(tIn, "in LO..HI (the value range) after the data type"); !ok {
		return nil
	}
	if d.Range, ok = p.rangeExpr(); !ok {
		return nil
	}
	d.EndPos = d.Range.Hi.End()
	if d.OrInf, d.EndPos, ok = p.orInf(d.EndPos); !ok {
		return nil
	}
	return d
}

// orInf parses an optional "or inf" after a value range ending at end.
func (p *parser) orInf(end Pos) (bool, Pos, bool) {
	if p.tok().kind != tOr {
		return false, end, true
	}
	p.next()
	if t := p.tok(); t.kind != tNumber || t.lit != "inf" {
		p.errorExpected("inf after or (a value range LO..HI or inf)")
		return false, end, false
	}
	end = p.tok().pos.Add(3)
	p.next()
	return true, end, true
}

// requireDecl: require NAME STRING
func (p *parser) requireDecl() *RequireDecl {
	d := &RequireDecl{Require: p.tok().pos}
	p.next()
	if d.What = p.ident("what to require (require fixpoint \"MESSAGE\")"); d.What == nil {
		return nil
	}
	t := p.tok()
	if t.kind != tString {
		p.errorExpected(fmt.Sprintf("a message string after require %s, as in require %s \"the graph has a negative cycle\"", d.What.Name, d.What.Name))
		return nil
	}
	p.next()
	d.Msg, d.MsgPos, d.EndPos = t.str, t.pos, t.pos.Add(len(t.lit))
	return d
}

func (p *parser) typ(what string) (Type, bool) {
	switch p.tok().kind {
	case tInt:
		p.next()
		return Int, true
	case tReal:
		p.next()
		return Real, true
	}
	p.errorExpected("int or real " + what)
	return 0, false
}

// paramDecl: param NAME TYPE [= EXPR]
func (p *parser) paramDecl() *ParamDecl {
	d := &ParamDecl{Param: p.tok().pos}
	p.next()
	if d.Name = p.ident("param name"); d.Name == nil {
		return nil
	}
	var ok bool
	if d.Type, ok = p.typ("after the param name"); !ok {
		return nil
	}
	if p.tok().kind == tAssign {
		p.next()
		if d.Default = p.expr(); d.Default == nil {
			return nil
		}
	}
	return d
}

// inputDecl: input NAME TYPE in RANGE
func (p *parser) inputDecl() *InputDecl {
	d := &InputDecl{Input: p.tok().pos}
	p.next()
	if d.Name = p.ident("input name"); d.Name == nil {
		return nil
	}
	var ok bool
	if d.Type, ok = p.typ("after the input name"); !ok {
		return nil
	}
	if _, ok := p.expect(tIn, "in LO..HI after the input type"); !ok {
		return nil
	}
	if d.Range, ok = p.rangeExpr(); !ok {
		return nil
	}
	d.EndPos = d.Range.Hi.End()
	return d
}

// rangeExpr: EXPR .. EXPR
func (p *parser) rangeExpr() (Range, bool) {
	lo := p.expr()
	if lo == nil {
		return Range{}, false
	}
	if _, ok := p.expect(tDotDot, "'..' in a range LO..HI"); !ok {
		return Range{}, false
	}
	hi := p.expr()
	if hi == nil {
		return Range{}, false
	}
	return Range{Lo: lo, Hi: hi}, true
}

// stateDecl: state NAME [ VAR in RANGE {, VAR in RANGE} ] TYPE in RANGE = EXPR
func (p *parser) stateDecl() *StateDecl {
	d := &StateDecl{State: p.tok().pos}
	p.next()
	if d.Name = p.ident("state name"); d.Name == nil {
		return nil
	}
	if _, ok := p.expect(tLbrack, "'[' after the state name (a state is an array like f[p in 1..n])"); !ok {
		return nil
	}
	var ok bool
	if d.Dims, ok = p.indexDims(); !ok {
		return nil
	}
	if d.Type, ok = p.typ("after the state's index ranges"); !ok {
		return nil
	}
	if _, ok := p.expect(tIn, "in LO..HI (the value range) after the state type"); !ok {
		return nil
	}
	if d.Range, ok = p.rangeExpr(); !ok {
		return nil
	}
	if d.OrInf, _, ok = p.orInf(d.Range.Hi.End()); !ok {
		return nil
	}
	if _, ok := p.expect(tAssign, "'= INIT' (the initial value) after the value range"); !ok {
		return nil
	}
	if d.Init = p.expr(); d.Init == nil {
		return nil
	}
	d.EndPos = d.Init.End()
	return d
}

// indexDims: VAR in (RANGE | subsets(RANGE)) {, ...} ]; the '[' is consumed.
func (p *parser) indexDims() ([]*IndexDim, bool) {
	var dims []*IndexDim
	for {
		v := p.ident("index variable")
		if v == nil {
			return nil, false
		}
		if _, ok := p.expect(tIn, "in LO..HI after the index variable"); !ok {
			return nil, false
		}
		if t := p.tok(); t.kind == tSubsets {
			p.next()
			sd := &SubsetsDim{Subsets: t.pos}
			if _, ok := p.expect(tLparen, "'(' after subsets, as in subsets(1..n)"); !ok {
				return nil, false
			}
			r, ok := p.rangeExpr()
			if !ok {
				return nil, false
			}
			sd.Lo, sd.Hi = r.Lo, r.Hi
			if sd.Rparen, ok = p.expect(tRparen, "')' after subsets(LO..HI"); !ok {
				return nil, false
			}
			dims = append(dims, &IndexDim{Var: v, Range: Range{Lo: sd}})
		} else {
			r, ok := p.rangeExpr()
			if !ok {
				return nil, false
			}
			dims = append(dims, &IndexDim{Var: v, Range: r})
		}
		if p.tok().kind != tComma {
			break
		}
		p.next()
	}
	if _, ok := p.expect(tRbrack, "',' or ']' after the index range"); !ok {
		return nil, false
	}
	return dims, true
}

var cmpTokens = map[tokenKind]CmpOp{tLT: LT, tLE: LE, tEQ: EQ, tNE: NE, tGE: GE, tGT: GT}

func (p *parser) cmpOp() (CmpOp, Pos, bool) {
	t := p.tok()
	if op, ok := cmpTokens[t.kind]; ok {
		p.next()
		return op, t.pos, true
	}
	if t.kind == tAssign {
		p.error(t.pos, "expected a comparison (<, <=, ==, !=, >=, >), found '='; write == for equality")
		return 0, t.pos, false
	}
	p.errorExpected("a comparison (<, <=, ==, !=, >=, >)")
	return 0, t.pos, false
}

// boundaryDecl: NAME [ VAR CMP EXPR ] = EXPR
func (p *parser) boundaryDecl() *BoundaryDecl {
	d := &BoundaryDecl{Name: p.ident("state name")}
	p.next() // '['
	if d.Var = p.ident("index variable in a boundary like f[p <= 0] = 0"); d.Var == nil {
		return nil
	}
	var ok bool
	if d.Op, d.OpPos, ok = p.cmpOp(); !ok {
		return nil
	}
	if d.Bound = p.expr(); d.Bound == nil {
		return nil
	}
	if _, ok := p.expect(tRbrack, "']' after the boundary condition"); !ok {
		return nil
	}
	if _, ok := p.expect(tAssign, "'= VALUE' after the boundary condition"); !ok {
		return nil
	}
	if d.Value = p.expr(); d.Value == nil {
		return nil
	}
	return d
}

// stepDecl: step NAME [ VAR {, VAR} ] = EXPR
func (p *parser) stepDecl() *StepDecl {
	d := &StepDecl{Step: p.tok().pos}
	p.next()
	if d.Name = p.ident("state name after step"); d.Name == nil {
		return nil
	}
	if _, ok := p.expect(tLbrack, "'[' after the state name"); !ok {
		return nil
	}
	for {
		v := p.ident("index variable")
		if v == nil {
			return nil
		}
		d.Vars = append(d.Vars, v)
		if p.tok().kind != tComma {
			break
		}
		p.next()
	}
	if _, ok := p.expect(tRbrack, "',' or ']' after the index variable"); !ok {
		return nil
	}
	if _, ok := p.expect(tAssign, "'=' after step NAME[...]"); !ok {
		return nil
	}
	if d.Body = p.expr(); d.Body == nil {
		return nil
	}
	return d
}

// answerDecl: answer EXPR | answer (max|min) VAR where EXPR CMP EXPR
func (p *parser) answerDecl() *AnswerDecl {
	d := &AnswerDecl{Answer: p.tok().pos}
	p.next()
	if k := p.tok().kind; (k == tMax || k == tMin) && p.ahead(1).kind != tLparen {
		d.Kind = AnswerMaxIndex
		if k == tMin {
			d.Kind = AnswerMinIndex
		}
		p.next()
		if d.Var = p.ident("index variable after answer " + p.toks[p.i-1].lit); d.Var == nil {
			return nil
		}
		if _, ok := p.expect(tWhere, "where after the answer variable"); !ok {
			return nil
		}
		if d.LHS = p.expr(); d.LHS == nil {
			return nil
		}
		var ok bool
		if d.Op, _, ok = p.cmpOp(); !ok {
			return nil
		}
		if d.RHS = p.expr(); d.RHS == nil {
			return nil
		}
		return d
	}
	d.Kind = AnswerValue
	if d.Value = p.expr(); d.Value == nil {
		return nil
	}
	if _, ok := d.Value.(*Name); ok {
		d.Kind = AnswerState
	}
	return d
}

// expr: if COND then EXPR else EXPR | sum
func (p *parser) expr() Expr {
	if p.tok().kind == tIf {
		return p.ifExpr()
	}
	return p.sum()
}

// ifExpr: if COND then EXPR else EXPR. The else branch extends as far as
// possible, so "else if" chains.
func (p *parser) ifExpr() Expr {
	defer func() { p.depth-- }()
	if !p.enter() {
		return nil
	}
	x := &If{IfPos: p.tok().pos}
	p.next()
	if x.Cond = p.cond(); x.Cond == nil {
		return nil
	}
	if _, ok := p.expect(tThen, "then after the condition of if"); !ok {
		return nil
	}
	if x.Then = p.expr(); x.Then == nil {
		return nil
	}
	if _, ok := p.expect(tElse, "else after the then branch (if COND then X else Y)"); !ok {
		return nil
	}
	if x.Else = p.expr(); x.Else == nil {
		return nil
	}
	return x
}

// cond: and { or and }
func (p *parser) cond() Expr {
	x := p.andCond()
	for x != nil && p.tok().kind == tOr {
		t := p.tok()
		p.next()
		y := p.andCond()
		if y == nil {
			return nil
		}
		x = &Logic{X: x, OpPos: t.pos, Op: 'o', Y: y}
	}
	return x
}

// andCond: not { and not }
func (p *parser) andCond() Expr {
	x := p.notCond()
	for x != nil && p.tok().kind == tAnd {
		t := p.tok()
		p.next()
		y := p.notCond()
		if y == nil {
			return nil
		}
		x = &Logic{X: x, OpPos: t.pos, Op: 'a', Y: y}
	}
	return x
}

// notCond: not notCond | EXPR [ (CMP | in | notin) EXPR ]
func (p *parser) notCond() Expr {
	if t := p.tok(); t.kind == tNot {
		defer func() { p.depth-- }()
		if !p.enter() {
			return nil
		}
		p.next()
		x := p.notCond()
		if x == nil {
			return nil
		}
		return &Logic{OpPos: t.pos, Op: 'n', X: x}
	}
	x := p.expr()
	if x == nil {
		return nil
	}
	t := p.tok()
	switch t.kind {
	case tIn, tNotin:
		p.next()
		y := p.expr()
		if y == nil {
			return nil
		}
		return &Compare{X: x, OpPos: t.pos, Member: true, Not: t.kind == tNotin, Y: y}
	}
	if op, ok := cmpTokens[t.kind]; ok {
		p.next()
		y := p.expr()
		if y == nil {
			return nil
		}
		return &Compare{X: x, OpPos: t.pos, Op: op, Y: y}
	}
	return x
}

// sum: term { (+|-) term }
func (p *parser) sum() Expr {
	x := p.term()
	for x != nil && (p.tok().kind == tPlus || p.tok().kind == tMinus) {
		t := p.tok()
		p.next()
		y := p.term()
		if y == nil {
			return nil
		}
		x = &Binary{X: x, OpPos: t.pos, Op: t.lit[0], Y: y, start: x.Pos()}
	}
	return x
}

// term: unary { (*|/) unary }
func (p *parser) term() Expr {
	x := p.unary()
	for x != nil && (p.tok().kind == tStar || p.tok().kind == tSlash) {
		t := p.tok()
		p.next()
		y := p.unary()
		if y == nil {
			return nil
		}
		x = &Binary{X: x, OpPos: t.pos, Op: t.lit[0], Y: y, start: x.Pos()}
	}
	return x
}

// enter counts one level of nesting; it reports false when too deep.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxNesting {
		p.error(p.tok().pos, fmt.Sprintf("expression nested too deeply (more than %d levels)", maxNesting))
		return false
	}
	return true
}

// unary: - unary | primary
func (p *parser) unary() Expr {
	defer func() { p.depth-- }()
	if !p.enter() {
		return nil
	}
	if t := p.tok(); t.kind == tMinus {
		p.next()
		x := p.unary()
		if x == nil {
			return nil
		}
		return &Unary{OpPos: t.pos, Op: '-', X: x}
	}
	return p.primary()
}

// primary: NUMBER | NAME | NAME [ EXPRS ] | NAME ( EXPRS ) | ( COND )
// | (min|max) ( VAR in DOMAIN [where COND] : EXPR ) | [ EXPR CMP EXPR ]
// | { EXPRS } | { EXPR .. EXPR } | if ...
func (p *parser) primary() Expr {
	t := p.tok()
	switch t.kind {
	case tNumber:
		n := p.numbers[p.i]
		p.next()
		return n
	case tIdent, tMax, tMin:
		id := &Ident{NamePos: t.pos, Name: t.lit}
		if t.kind != tIdent && p.ahead(1).kind != tLparen {
			p.error(t.pos, fmt.Sprintf("%s is a function; write %s(a, b, ...)", t.lit, t.lit))
			return nil
		}
		if t.kind != tIdent && p.ahead(2).kind == tIdent && p.ahead(3).kind == tIn {
			return p.reduce(id)
		}
		p.next()
		switch p.tok().kind {
		case tLbrack:
			p.next()
			args, end, ok := p.exprList(tRbrack, "']'")
			if !ok {
				return nil
			}
			return &Index{Name: id, Indices: args, Rbrack: end}
		case tLparen:
			p.next()
			args, end, ok := p.exprList(tRparen, "')'")
			if !ok {
				return nil
			}
			return &Call{Func: id, Args: args, Rparen: end}
		}
		return &Name{Ident: id}
	case tLparen:
		p.next()
		x := p.cond()
		if x == nil {
			return nil
		}
		end, ok := p.expect(tRparen, "')'")
		if !ok {
			return nil
		}
		return &Paren{Lparen: t.pos, Rparen: end, X: x}
	case tLbrack:
		return p.bracket()
	case tLbrace:
		return p.setLit()
	case tIf:
		return p.ifExpr()
	}
	p.errorExpected("an expression")
	return nil
}

// reduce: (min|max) ( VAR in DOMAIN [where COND] : EXPR ); DOMAIN is
// LO..HI or a set expression.
func (p *parser) reduce(fn *Ident) Expr {
	x := &Reduce{Func: fn}
	p.next() // min or max
	p.next() // (
	x.Var = p.ident("reduction variable")
	p.next() // in
	lo := p.expr()
	if lo == nil {
		return nil
	}
	x.Domain = lo
	if p.tok().kind == tDotDot {
		p.next()
		hi := p.expr()
		if hi == nil {
			return nil
		}
		x.Domain = &RangeSet{Lo: lo, Hi: hi}
	}
	if p.tok().kind == tWhere {
		p.next()
		if x.Filter = p.cond(); x.Filter == nil {
			return nil
		}
	}
	if _, ok := p.expect(tColon, fmt.Sprintf("':' before the body of %s(%s in ...: BODY)", fn.Name, x.Var.Name)); !ok {
		return nil
	}
	if x.Body = p.expr(); x.Body == nil {
		return nil
	}
	var ok bool
	if x.Rparen, ok = p.expect(tRparen, "')' after the body of the reduction"); !ok {
		return nil
	}
	return x
}

// bracket: [ EXPR CMP EXPR ]
func (p *parser) bracket() Expr {
	x := &Bracket{Lbrack: p.tok().pos}
	p.next()
	if x.X = p.expr(); x.X == nil {
		return nil
	}
	var ok bool
	if x.Op, x.OpPos, ok = p.cmpOp(); !ok {
		return nil
	}
	if x.Y = p.expr(); x.Y == nil {
		return nil
	}
	if x.Rbrack, ok = p.expect(tRbrack, "']' after the comparison [a op b]"); !ok {
		return nil
	}
	return x
}

// setLit: { } | { EXPR {, EXPR} } | { EXPR .. EXPR }
func (p *parser) setLit() Expr {
	x := &SetLit{Lbrace: p.tok().pos}
	p.next()
	if t := p.tok(); t.kind == tRbrace {
		x.Rbrace = t.pos
		p.next()
		return x
	}
	first := p.expr()
	if first == nil {
		return nil
	}
	if p.tok().kind == tDotDot {
		p.next()
		x.IsRange, x.Lo = true, first
		if x.Hi = p.expr(); x.Hi == nil {
			return nil
		}
		var ok bool
		if x.Rbrace, ok = p.expect(tRbrace, "'}' after {LO..HI"); !ok {
			return nil
		}
		return x
	}
	x.Elems = []Expr{first}
	for p.tok().kind == tComma {
		p.next()
		y := p.expr()
		if y == nil {
			return nil
		}
		x.Elems = append(x.Elems, y)
	}
	var ok bool
	if x.Rbrace, ok = p.expect(tRbrace, "',' or '}' in a set {a, b, ...}"); !ok {
		return nil
	}
	return x
}

// exprList: EXPR {, EXPR} CLOSE. It returns the position of CLOSE.
func (p *parser) exprList(closing tokenKind, closeName string) ([]Expr, Pos, bool) {
	var list []Expr
	if p.tok().kind == closing {
		p.error(p.tok().pos, "expected an expression before "+closeName)
		return nil, Pos{}, false
	}
	for {
		x := p.expr()
		if x == nil {
			return nil, Pos{}, false
		}
		list = append(list, x)
		if p.tok().kind != tComma {
			break
		}
		p.next()
	}
	end, ok := p.expect(closing, "',' or "+closeName)
	return list, end, ok
}
