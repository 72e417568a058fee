package dsl

import (
	"github.com/dp2nn/dp2nn/diag"
)

// Pos is a source position (see diag.Pos): file:line:col.
type Pos = diag.Pos

// Node is implemented by every AST node.
type Node interface {
	Pos() Pos // first character of the node
	End() Pos // first character after the node
}

// File is a parsed .dp program.
type File struct {
	Name       *Ident // dp NAME
	DpPos      Pos
	Params     []*ParamDecl
	Inputs     []*InputDecl
	States     []*StateDecl
	Boundaries []*BoundaryDecl
	Steps      []*StepDecl
	Data       []*DataDecl
	StepCount  *StepsDecl     // nil: one step per item
	Requires   []*RequireDecl // require lines, in source order
	Answer     *AnswerDecl    // nil when the program has no answer line
	EndPos     Pos
	Src        []byte // the source text; Text(n) slices it
	// src is Src as a string, set by the parser, so that Text returns
	// substrings without copying (a long sum has as many nested nodes as
	// terms; copying each node's text would take quadratic time).
	src string
}

// HasData says whether the program runs for a fixed number of steps on
// per-instance data (a steps line or data declarations) rather than one
// step per input item.
func (f *File) HasData() bool { return f.StepCount != nil || len(f.Data) > 0 }

// Text returns the source text of n, or "" when n does not belong to f.
func (f *File) Text(n Node) string {
	a, b := n.Pos().Offset, n.End().Offset
	if a < 0 || b > len(f.Src) || a > b {
		return ""
	}
	if len(f.src) == len(f.Src) {
		return f.src[a:b]
	}
	return string(f.Src[a:b])
}

func (f *File) Pos() Pos { return f.DpPos }
func (f *File) End() Pos { return f.EndPos }

// Ident is a name.
type Ident struct {
	NamePos Pos
	Name    string
}

func (x *Ident) Pos() Pos { return x.NamePos }
func (x *Ident) End() Pos { return x.NamePos.Add(len(x.Name)) }

// Type is the declared type of a param, input or state value.
type Type int

const (
	Int Type = iota + 1
	Real
)

func (t Type) String() string {
	switch t {
	case Int:
		return "int"
	case Real:
		return "real"
	}
	return "invalid"
}

// Range is "lo..hi", both ends inclusive.
type Range struct {
	Lo, Hi Expr
}

// ParamDecl: param NAME int [= Expr]. A param is a compile-time integer
// set with -set NAME=V; Default (a constant expression) is used when unset.
type ParamDecl struct {
	Param   Pos
	Name    *Ident
	Type    Type
	Default Expr // nil when none
}

func (d *ParamDecl) Pos() Pos { return d.Param }
func (d *ParamDecl) End() Pos {
	if d.Default != nil {
		return d.Default.End()
	}
	return d.Name.End()
}

// InputDecl: input NAME (int|real) in LO..HI. One value per step, supplied at run time.
type InputDecl struct {
	Input  Pos
	Name   *Ident
	Type   Type
	Range  Range
	EndPos Pos
}

func (d *InputDecl) Pos() Pos { return d.Input }
func (d *InputDecl) End() Pos { return d.EndPos }

// IndexDim is one index of a state array: VAR in LO..HI.
type IndexDim struct {
	Var   *Ident
	Range Range
}

// StateDecl: state NAME[VAR in LO..HI, ...] (int|real) in LO..HI [or inf] = INIT.
// A dimension may be VAR in subsets(LO..HI) (a SubsetsDim as Range.Lo).
type StateDecl struct {
	State  Pos
	Name   *Ident
	Dims   []*IndexDim
	Type   Type
	Range  Range // value range
	OrInf  bool  // "or inf": a cell may also hold +inf (unreachable)
	Init   Expr  // initial value: a constant, or an expression of the state's index variables
	EndPos Pos
}

func (d *StateDecl) Pos() Pos { return d.State }
func (d *StateDecl) End() Pos { return d.EndPos }

// CmpOp is a comparison operator.
type CmpOp int

const (
	LT CmpOp = iota + 1 // <
	LE                  // <=
	EQ                  // ==
	NE                  // !=
	GE                  // >=
	GT                  // >
)

var cmpOpNames = [...]string{LT: "<", LE: "<=", EQ: "==", NE: "!=", GE: ">=", GT: ">"}

func (op CmpOp) String() string {
	if op >= LT && op <= GT {
		return cmpOpNames[op]
	}
	return "?"
}

// Holds reports whether "a op b" is true.
func (op CmpOp) Holds(a, b float64) bool {
	switch op {
	case LT:
		return a < b
	case LE:
		return a <= b
	case EQ:
		return a == b
	case NE:
		return a != b
	case GE:
		return a >= b
	case GT:
		return a > b
	}
	return false
}

// BoundaryDecl: NAME[VAR op EXPR] = VALUE. The value of every read of the
// state outside its declared index range whose index satisfies the condition.
// Example: f[p <= 0] = 0.
type BoundaryDecl struct {
	Name  *Ident
	Var   *Ident
	Op    CmpOp
	OpPos Pos
	Bound Expr // constant expression
	Value Expr // constant expression
}

func (d *BoundaryDecl) Pos() Pos { return d.Name.Pos() }
func (d *BoundaryDecl) End() Pos { return d.Value.End() }

// StepDecl: step NAME[VAR, ...] = EXPR. The new value of every cell, computed
// from the previous step's state and this step's inputs.
type StepDecl struct {
	Step Pos
	Name *Ident
	Vars []*Ident
	Body Expr
}

func (d *StepDecl) Pos() Pos { return d.Step }
func (d *StepDecl) End() Pos { return d.Body.End() }

// AnswerKind says what an answer line computes.
type AnswerKind int

const (
	AnswerValue    AnswerKind = iota + 1 // answer EXPR
	AnswerMaxIndex                       // answer max VAR where LHS op RHS
	AnswerMinIndex                       // answer min VAR where LHS op RHS
	AnswerState                          // answer NAME: every cell of a state
)

// AnswerDecl is the final line: either a value ("answer f[pmax]") or an
// index search ("answer max p where f[p] <= 1"). The search is not a
// continuous function of the state, so it is decoded outside the network.
type AnswerDecl struct {
	Answer Pos
	Kind   AnswerKind
	Value  Expr   // AnswerValue; AnswerState: the *Name of the state
	Var    *Ident // AnswerMaxIndex / AnswerMinIndex
	LHS    Expr
	Op     CmpOp
	RHS    Expr
}

func (d *AnswerDecl) Pos() Pos { return d.Answer }
func (d *AnswerDecl) End() Pos {
	if d.Kind == AnswerValue || d.Kind == AnswerState {
		return d.Value.End()
	}
	return d.RHS.End()
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Number is a numeric literal; Int reports whether it was written without
// a fraction or exponent. "inf" is a Number with Value +Inf.
type Number struct {
	ValuePos Pos
	Lit      string
	Value    float64
	Int      bool
}

// Name is a reference to a param, input or index variable.
type Name struct {
	Ident *Ident
}

// Index is NAME[EXPR, ...]: a read of a state array.
type Index struct {
	Name    *Ident
	Indices []Expr
	Rbrack  Pos
}

// Call is FUNC(ARGS): min, max (n-ary, n ≥ 2) or clamp(x, lo, hi).
type Call struct {
	Func   *Ident
	Args   []Expr
	Rparen Pos
}

// Unary is -X.
type Unary struct {
	OpPos Pos
	Op    byte // '-'
	X     Expr
}

// Binary is X op Y for op in + - * /.
type Binary struct {
	X     Expr
	OpPos Pos
	Op    byte
	Y     Expr
	// start is X's position, set by the parser so that Pos does not walk
	// down a long chain a + b + c + ... (Line 0: not set).
	start Pos
}

// Paren is (X).
type Paren struct {
	Lparen, Rparen Pos
	X              Expr
}

func (x *Number) Pos() Pos { return x.ValuePos }
func (x *Number) End() Pos {
	return x.ValuePos.Add(len(x.Lit))
}
func (x *Name) Pos() Pos  { return x.Ident.Pos() }
func (x *Name) End() Pos  { return x.Ident.End() }
func (x *Index) Pos() Pos { return x.Name.Pos() }
func (x *Index) End() Pos { return x.Rbrack.Add(1) }
func (x *Call) Pos() Pos  { return x.Func.Pos() }
func (x *Call) End() Pos  { return x.Rparen.Add(1) }
func (x *Unary) Pos() Pos { return x.OpPos }
func (x *Unary) End() Pos { return x.X.End() }
func (x *Binary) Pos() Pos {
	if x.start.Line > 0 {
		return x.start
	}
	return x.X.Pos()
}
func (x *Binary) End() Pos { return x.Y.End() }
func (x *Paren) Pos() Pos  { return x.Lparen }
func (x *Paren) End() Pos  { return x.Rparen.Add(1) }

func (*Number) exprNode() {}
func (*Name) exprNode()   {}
func (*Index) exprNode()  {}
func (*Call) exprNode()   {}
func (*Unary) exprNode()  {}
func (*Binary) exprNode() {}
func (*Paren) exprNode()  {}

// ---- Extensions for programs beyond knapsack (data, fixed step counts,
// reductions, comparisons, static conditionals, sets). ----

// DataDecl: data NAME[VAR in LO..HI, ...] (int|real) in LO..HI [or inf].
// A per-instance array (no brackets: a scalar), given once per instance
// and read by every step; a run-time input of the network.
type DataDecl struct {
	Data   Pos
	Name   *Ident
	Dims   []*IndexDim // empty for a scalar
	Type   Type
	Range  Range
	OrInf  bool // "or inf": a value may also be +inf (unreachable)
	EndPos Pos
}

func (d *DataDecl) Pos() Pos { return d.Data }
func (d *DataDecl) End() Pos { return d.EndPos }

// StepsDecl: steps EXPR. The step is applied EXPR times (a constant
// expression >= 1) instead of once per item; a program with a steps line
// has no input lines.
type StepsDecl struct {
	Steps Pos
	Count Expr
}

func (d *StepsDecl) Pos() Pos { return d.Steps }
func (d *StepsDecl) End() Pos { return d.Count.End() }

// RequireDecl: require fixpoint "MESSAGE". After the steps, one more step
// must leave every state cell unchanged; otherwise the instance is
// rejected with MESSAGE (for Bellman-Ford: a negative cycle).
type RequireDecl struct {
	Require Pos
	What    *Ident // "fixpoint"
	Msg     string // unquoted
	MsgPos  Pos
	EndPos  Pos
}

func (d *RequireDecl) Pos() Pos { return d.Require }
func (d *RequireDecl) End() Pos { return d.EndPos }

// If is "if COND then X else Y": COND is static (index variables, params
// and constants only; decided per cell at compile time).
type If struct {
	IfPos Pos
	Cond  Expr
	Then  Expr
	Else  Expr
}

// Reduce is "min(VAR in DOMAIN [where COND]: BODY)" (or max): a reduction
// over the values of a new index variable. DOMAIN is a range LO..HI (as a
// RangeSet) or a set expression; COND is static. An empty reduction is
// +inf for min and -inf for max.
type Reduce struct {
	Func   *Ident // min or max
	Var    *Ident
	Domain Expr // *RangeSet or a set expression
	Filter Expr // nil when no "where"
	Body   Expr
	Rparen Pos
}

// Bracket is "[X op Y]": 1 when the comparison holds, else 0 (Iverson
// bracket). X and Y are integer terms; they may be run-time values.
type Bracket struct {
	Lbrack Pos
	X      Expr
	Op     CmpOp
	OpPos  Pos
	Y      Expr
	Rbrack Pos
}

// SetLit is "{X, Y, ...}" (a finite set of integers) or "{LO..HI}"
// (Range set, when IsRange).
type SetLit struct {
	Lbrace  Pos
	Elems   []Expr // !IsRange
	IsRange bool
	Lo, Hi  Expr // IsRange
	Rbrace  Pos
}

// RangeSet is "LO..HI" used as a reduction domain.
type RangeSet struct {
	Lo, Hi Expr
}

// Logic is "X and Y", "X or Y" (Op 'a', 'o') or "not X" (Op 'n', Y nil);
// static conditions only.
type Logic struct {
	X     Expr
	OpPos Pos
	Op    byte
	Y     Expr
}

// Compare is a static comparison "X op Y" (integers or sets for == and
// !=), or membership "X in S" / "X notin S" (Member, Not). It appears in
// if conditions and reduction filters only.
type Compare struct {
	X      Expr
	OpPos  Pos
	Op     CmpOp // when !Member
	Member bool
	Not    bool // notin
	Y      Expr
}

// SubsetsDim marks an index dimension "VAR in subsets(LO..HI)": the
// variable ranges over all subsets of LO..HI. It is the Range.Lo of an
// IndexDim whose Range.Hi is nil.
type SubsetsDim struct {
	Subsets Pos
	Lo, Hi  Expr
	Rparen  Pos
}

func (x *If) Pos() Pos       { return x.IfPos }
func (x *If) End() Pos       { return x.Else.End() }
func (x *Reduce) Pos() Pos   { return x.Func.Pos() }
func (x *Reduce) End() Pos   { return x.Rparen.Add(1) }
func (x *Bracket) Pos() Pos  { return x.Lbrack }
func (x *Bracket) End() Pos  { return x.Rbrack.Add(1) }
func (x *SetLit) Pos() Pos   { return x.Lbrace }
func (x *SetLit) End() Pos   { return x.Rbrace.Add(1) }
func (x *RangeSet) Pos() Pos { return x.Lo.Pos() }
func (x *RangeSet) End() Pos { return x.Hi.End() }
func (x *Logic) Pos() Pos {
	if x.Op == 'n' {
		return x.OpPos
	}
	return x.X.Pos()
}
func (x *Logic) End() Pos {
	if x.Y == nil {
		return x.X.End()
	}
	return x.Y.End()
}
func (x *Compare) Pos() Pos    { return x.X.Pos() }
func (x *Compare) End() Pos    { return x.Y.End() }
func (x *SubsetsDim) Pos() Pos { return x.Subsets }
func (x *SubsetsDim) End() Pos { return x.Rparen.Add(1) }

func (*If) exprNode()         {}
func (*Reduce) exprNode()     {}
func (*Bracket) exprNode()    {}
func (*SetLit) exprNode()     {}
func (*RangeSet) exprNode()   {}
func (*Logic) exprNode()      {}
func (*Compare) exprNode()    {}
func (*SubsetsDim) exprNode() {}
