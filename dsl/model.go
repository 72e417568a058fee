package dsl

// This file holds the checked form of a program: what Check returns and
// what compile/ lowers and verify/ interprets. Every name is resolved,
// every param is bound, every constant expression is a number, and every
// term carries the interval its value is known to lie in.

// Model is a checked program with its params bound.
type Model struct {
	File   *File
	Name   string
	Params []ParamValue // in declaration order
	Inputs []*Input     // per-step runtime inputs, in declaration order
	States []*State     // in declaration order
	Answer *Answer      // nil when the program has no answer line
}

// ParamValue is a bound compile-time parameter.
type ParamValue struct {
	Name  string
	Value int64
	Set   bool // true when given by the caller, false when the default was used
}

// Param returns the value of the named param.
func (m *Model) Param(name string) (int64, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return 0, false
}

// Input is a per-step runtime input with a closed value range.
type Input struct {
	Decl   *InputDecl
	Name   string
	Type   Type
	Lo, Hi float64 // finite, Lo <= Hi; integers when Type == Int
	Index  int     // position in Model.Inputs
}

// Dim is one index dimension of a state: Var in Lo..Hi.
type Dim struct {
	Var    string
	Lo, Hi int
}

// Size is the number of index values of d.
func (d Dim) Size() int { return d.Hi - d.Lo + 1 }

// Boundary gives the value of reads outside the declared index range whose
// index i satisfies "i Op Bound".
type Boundary struct {
	Decl  *BoundaryDecl
	Op    CmpOp
	Bound int
	Value float64
}

// State is a state array. Cells are updated all at once each step: Body is
// evaluated over the previous step's state.
type State struct {
	Decl       *StateDecl
	Name       string
	Type       Type
	Dims       []Dim
	Lo, Hi     float64 // declared value range (may be infinite)
	Init       float64
	Boundaries []*Boundary // source order; the first that holds applies
	Step       *StepDecl
	Body       *Term // the step expression; IndexVar terms refer to Dims
	Index      int   // position in Model.States
}

// Cells is the number of cells of s (the product of its dimension sizes).
func (s *State) Cells() int {
	n := 1
	for _, d := range s.Dims {
		n *= d.Size()
	}
	return n
}

// BoundaryAt returns the boundary value of s at the one-dimensional index
// i, which lies outside the declared range; ok is false when no boundary
// rule covers i.
func (s *State) BoundaryAt(i int) (v float64, ok bool) {
	for _, b := range s.Boundaries {
		if b.Op.Holds(float64(i), float64(b.Bound)) {
			return b.Value, true
		}
	}
	return 0, false
}

// TermKind says what a Term computes.
type TermKind int

const (
	TConst    TermKind = iota + 1 // Value
	TInput                        // Input
	TIndexVar                     // the index variable of dimension Dim
	TRead                         // State[Index...]
	TAdd                          // Args[0] + Args[1] + ...
	TNeg                          // -Args[0]
	TScale                        // Value * Args[0]
	TMin                          // min(Args...), len(Args) >= 2
	TMax                          // max(Args...), len(Args) >= 2
	TClamp                        // clamp(Args[0], Args[1], Args[2]); Args[1], Args[2] are TConst
)

var termKindNames = [...]string{
	TConst: "const", TInput: "input", TIndexVar: "index", TRead: "read", TAdd: "add",
	TNeg: "neg", TScale: "scale", TMin: "min", TMax: "max", TClamp: "clamp",
}

func (k TermKind) String() string {
	if k >= TConst && k <= TClamp {
		return termKindNames[k]
	}
	return "invalid"
}

// Term is a checked expression. Constant subexpressions are folded into
// TConst. Lo and Hi bound the term's value over every input in its declared
// range and every state cell in its declared range (interval arithmetic).
type Term struct {
	Kind   TermKind
	Node   Expr   // the source expression this term came from
	Text   string // its source text, e.g. "f[p - profit] + size"
	Type   Type
	Lo, Hi float64

	Value float64      // TConst: the constant; TScale: the factor
	Input *Input       // TInput
	Dim   int          // TIndexVar
	State *State       // TRead
	Index []*IndexExpr // TRead: one per dimension of State
	Args  []*Term
}

// Pos is the position of the term's source.
func (t *Term) Pos() Pos { return t.Node.Pos() }

// IndexExpr is an affine integer index: Var + Σ Coef·input + Const, where
// Var (when HasVar) is the index variable of dimension Dim of the state
// being stepped, with coefficient 1.
type IndexExpr struct {
	Node   Expr
	Text   string
	HasVar bool
	Dim    int
	Terms  []IndexInput // integer inputs, each at most once
	Const  int
	Lo, Hi int // range over every index value and every input value
}

// IndexInput is one integer-input term of an index: Coef·Input, Coef = ±1.
type IndexInput struct {
	Input *Input
	Coef  int
}

// Answer is the checked answer line.
type Answer struct {
	Decl *AnswerDecl
	Kind AnswerKind
	// AnswerValue: a term over the final state with constant indices.
	Value *Term
	// AnswerMaxIndex / AnswerMinIndex: the largest / smallest Var in
	// Lo..Hi (the index range of State) for which "LHS Op RHS" holds over
	// the final state. TIndexVar terms with Dim 0 refer to Var.
	State    *State
	Var      string
	Lo, Hi   int
	LHS, RHS *Term
	Op       CmpOp
}
