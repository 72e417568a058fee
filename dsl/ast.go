package dsl

import "fmt"

// Pos is a source position. Line and Col are 1-based; Col counts bytes.
// The zero Pos is "no position".
type Pos struct {
	File   string
	Offset int // byte offset, 0-based
	Line   int
	Col    int
}

// Add returns the position n bytes to the right on the same line.
func (p Pos) Add(n int) Pos {
	p.Offset += n
	p.Col += n
	return p
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String prints p as file:line:col (or line:col without a file name).
func (p Pos) String() string {
	switch {
	case !p.IsValid():
		if p.File != "" {
			return p.File
		}
		return "-"
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

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
	Answer     *AnswerDecl // nil when the program has no answer line
	EndPos     Pos
	Src        []byte // the source text; Text(n) slices it
}

// Text returns the source text of n, or "" when n does not belong to f.
func (f *File) Text(n Node) string {
	a, b := n.Pos().Offset, n.End().Offset
	if a < 0 || b > len(f.Src) || a > b {
		return ""
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

// StateDecl: state NAME[VAR in LO..HI, ...] (int|real) in LO..HI = INIT.
type StateDecl struct {
	State  Pos
	Name   *Ident
	Dims   []*IndexDim
	Type   Type
	Range  Range // value range
	Init   Expr  // initial value of every cell (constant expression)
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
)

// AnswerDecl is the final line: either a value ("answer f[pmax]") or an
// index search ("answer max p where f[p] <= 1"). The search is not a
// continuous function of the state, so it is decoded outside the network.
type AnswerDecl struct {
	Answer Pos
	Kind   AnswerKind
	Value  Expr   // AnswerValue
	Var    *Ident // AnswerMaxIndex / AnswerMinIndex
	LHS    Expr
	Op     CmpOp
	RHS    Expr
}

func (d *AnswerDecl) Pos() Pos { return d.Answer }
func (d *AnswerDecl) End() Pos {
	if d.Kind == AnswerValue {
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
