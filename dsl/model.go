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

	// Data are the per-instance arrays, in declaration order.
	Data []*Data
	// Steps > 0: the step is applied exactly Steps times (a "steps" line;
	// the program then has no inputs). Steps == 0: once per item.
	Steps int
	// Fixpoint is non-nil when the program says "require fixpoint": one
	// more step after the last must change no cell.
	Fixpoint *RequireDecl
	// NumVars is the number of index variables (Var.ID < NumVars): the
	// length of an Env.
	NumVars int
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

// Dim is one index dimension of a state or data array: Var in Lo..Hi.
//
// A subsets dimension (Set) ranges over the subsets of ElemLo..ElemHi; its
// index values are the bitmasks of those subsets shifted right by ElemLo
// (bit e−ElemLo for element e), so Lo = 0 and Hi = 2^(ElemHi−ElemLo+1) − 1.
type Dim struct {
	Var            string
	Lo, Hi         int
	Set            bool
	ElemLo, ElemHi int  // Set only
	V              *Var // the variable of this dimension on the state line, used by InitTerm (nil for data)
}

// Size is the number of index values of d.
func (d Dim) Size() int { return d.Hi - d.Lo + 1 }

// Boundary gives the value of reads outside the declared index range whose
// index i in dimension Dim satisfies "i Op Bound".
type Boundary struct {
	Decl  *BoundaryDecl
	Dim   int
	Op    CmpOp
	Bound int
	Value float64 // may be +inf (or -inf) when the state allows it
}

// State is a state array. Cells are updated all at once each step: Body is
// evaluated over the previous step's state.
type State struct {
	Decl   *StateDecl
	Name   string
	Type   Type
	Dims   []Dim
	Lo, Hi float64 // declared value range (may be infinite)
	// MayInf: the declared range says "or inf": a cell may also hold +inf
	// (unreachable); Lo..Hi then bounds the finite values.
	MayInf bool
	// Init is the initial value of every cell when InitTerm is nil.
	Init float64
	// InitTerm, when non-nil, gives the initial value per cell: a term
	// whose only variables are the dimension variables (TIndexVar, TIf,
	// TConst and arithmetic; no reads, data or inputs). Use InitAt.
	InitTerm   *Term
	Boundaries []*Boundary // source order; the first that holds applies
	Step       *StepDecl
	Body       *Term // the step expression; IndexVar terms refer to Dims
	// StepVars are the variables of the step line, one per dimension
	// (VarDim); Dims[d].V are those of the state line (used by InitTerm).
	StepVars []*Var
	Index    int // position in Model.States
}

// Cells is the number of cells of s (the product of its dimension sizes).
func (s *State) Cells() int { return cells(s.Dims) }

func cells(dims []Dim) int {
	n := 1
	for _, d := range dims {
		n *= d.Size()
	}
	return n
}

// BoundaryAt returns the boundary value of s at the one-dimensional index
// i, which lies outside the declared range; ok is false when no boundary
// rule covers i.
func (s *State) BoundaryAt(i int) (v float64, ok bool) {
	return s.BoundaryAtIndex([]int{i})
}

// BoundaryAtIndex returns the value of s at index values idx, at least one
// of which lies outside its dimension's range: the value of the first
// boundary (in source order) whose dimension's index satisfies its
// condition. ok is false when none does.
func (s *State) BoundaryAtIndex(idx []int) (v float64, ok bool) {
	for _, b := range s.Boundaries {
		if b.Dim < len(idx) && b.Op.Holds(float64(idx[b.Dim]), float64(b.Bound)) {
			return b.Value, true
		}
	}
	return 0, false
}

// InitAt returns the initial value of the cell at index values idx.
func (s *State) InitAt(idx []int) float64 {
	if s.InitTerm == nil {
		return s.Init
	}
	vars := make([]*Var, len(s.Dims))
	for d := range s.Dims {
		vars[d] = s.Dims[d].V
	}
	return s.InitTerm.EvalStatic(BindDims(nil, s.Dims, vars, idx))
}

// BindDims returns env with vars[d] bound to the index value idx[d] of
// dimension dims[d]: the value itself, or for a subsets dimension the
// absolute bitmask idx[d] << ElemLo.
func BindDims(env Env, dims []Dim, vars []*Var, idx []int) Env {
	for d, v := range vars {
		x := int64(idx[d])
		if dims[d].Set {
			x <<= uint(dims[d].ElemLo)
		}
		env = env.Set(v, x)
	}
	return env
}

// StaticValue returns the index value of ix (dimension dim) under env,
// without its run-time offsets.
func (ix *IndexExpr) StaticValue(dim Dim, env Env) int {
	x := ix.Static.Eval(env)
	if dim.Set {
		x >>= uint(dim.ElemLo)
	}
	return int(x)
}

// Data is a per-instance array (Dims empty: a scalar) of values in
// Lo..Hi, or +inf when MayInf.
type Data struct {
	Decl   *DataDecl
	Name   string
	Type   Type
	Dims   []Dim
	Lo, Hi float64 // finite
	MayInf bool
	Index  int // position in Model.Data
}

// Cells is the number of values of d (1 for a scalar).
func (d *Data) Cells() int { return cells(d.Dims) }

// VarKind says where an index variable is bound.
type VarKind int

const (
	VarDim    VarKind = iota + 1 // a dimension of the stepped state (or the state's init)
	VarReduce                    // the variable of a reduction
	VarSearch                    // the variable of an answer search
)

// Var is an index variable. Its value in an Env is an integer in Lo..Hi,
// or for a set variable (Set) a subset of ElemLo..ElemHi as an absolute
// bitmask (bit e for element e).
type Var struct {
	Name           string
	Kind           VarKind
	ID             int // position in an Env, < Model.NumVars
	Dim            int // VarDim: the dimension
	Lo, Hi         int
	Set            bool
	ElemLo, ElemHi int
	Pos            Pos
}

// Env holds the values of index variables, by Var.ID.
type Env []int64

// Set returns env with v's value set to x (growing env as needed).
func (env Env) Set(v *Var, x int64) Env {
	for len(env) <= v.ID {
		env = append(env, 0)
	}
	env[v.ID] = x
	return env
}

// StaticKind says what a Static computes.
type StaticKind int

const (
	SConst StaticKind = iota + 1 // Value (an int, a bool as 0/1, or a set as a bitmask)
	SVar                         // Var's value
	SAdd                         // Args[0] + Args[1] + ... (ints)
	SNeg                         // -Args[0]
	SScale                       // Value * Args[0]
	SSet                         // {Args...}: the set of the int values of Args
	SRange                       // {Args[0]..Args[1]}
	SUnion                       // Args[0] ∪ Args[1] (written +)
	SDiff                        // Args[0] ∖ Args[1] (written -)
	SCmp                         // Args[0] Op Args[1] (ints; sets for == and !=)
	SIn                          // Args[0] ∈ Args[1]
	SNotIn                       // Args[0] ∉ Args[1]
	SAnd                         // Args[0] and Args[1]
	SOr                          // Args[0] or Args[1]
	SNot                         // not Args[0]
)

// StaticType is the type of a static expression.
type StaticType int

const (
	SInt StaticType = iota + 1
	SSetT
	SBool
)

// Static is an expression decided at compile time for each cell: integer
// index arithmetic, sets of integers (as bitmasks, bit e for element e,
// elements 0..62) and conditions over them.
type Static struct {
	Kind  StaticKind
	Type  StaticType
	Value int64
	Var   *Var
	Op    CmpOp
	Args  []*Static
	Node  Expr
	Text  string
}

// Eval returns the value of s under env: an int, a bool as 0 or 1, or a
// set as a bitmask.
func (s *Static) Eval(env Env) int64 {
	switch s.Kind {
	case SConst:
		return s.Value
	case SVar:
		return env[s.Var.ID]
	case SAdd:
		var sum int64
		for _, a := range s.Args {
			sum += a.Eval(env)
		}
		return sum
	case SNeg:
		return -s.Args[0].Eval(env)
	case SScale:
		return s.Value * s.Args[0].Eval(env)
	case SSet:
		var m int64
		for _, a := range s.Args {
			m |= 1 << uint(a.Eval(env))
		}
		return m
	case SRange:
		var m int64
		for e := s.Args[0].Eval(env); e <= s.Args[1].Eval(env); e++ {
			m |= 1 << uint(e)
		}
		return m
	case SUnion:
		return s.Args[0].Eval(env) | s.Args[1].Eval(env)
	case SDiff:
		return s.Args[0].Eval(env) &^ s.Args[1].Eval(env)
	case SCmp:
		return b2i(s.Op.Holds(float64(s.Args[0].Eval(env)), float64(s.Args[1].Eval(env))))
	case SIn:
		return (s.Args[1].Eval(env) >> uint(s.Args[0].Eval(env))) & 1
	case SNotIn:
		return 1 - (s.Args[1].Eval(env)>>uint(s.Args[0].Eval(env)))&1
	case SAnd:
		return b2i(s.Args[0].Eval(env) != 0 && s.Args[1].Eval(env) != 0)
	case SOr:
		return b2i(s.Args[0].Eval(env) != 0 || s.Args[1].Eval(env) != 0)
	case SNot:
		return 1 - s.Args[0].Eval(env)
	}
	panic("dsl: invalid static expression")
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
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
	TData                         // Data[Index...] (static indices)
	TCmp                          // [Args[0] Op Args[1]]: 1 or 0; integer terms
	TIf                           // if Cond then Args[0] else Args[1]; Cond static
	TReduce                       // Op (TMin or TMax) over Var in Domain where Filter of Args[0]
)

var termKindNames = [...]string{
	TConst: "const", TInput: "input", TIndexVar: "index", TRead: "read", TAdd: "add",
	TNeg: "neg", TScale: "scale", TMin: "min", TMax: "max", TClamp: "clamp",
	TData: "data", TCmp: "cmp", TIf: "if", TReduce: "reduce",
}

func (k TermKind) String() string {
	if k >= TConst && k <= TReduce {
		return termKindNames[k]
	}
	return "invalid"
}

// Term is a checked expression. Constant subexpressions are folded into
// TConst. Lo and Hi bound the term's value over every input in its declared
// range and every state cell in its declared range (interval arithmetic;
// for a program with a steps line, over every step). With MayInf the
// term may also be +inf exactly ("unreachable"); Lo..Hi then bound its
// finite values (Hi is finite unless the program uses infinite ranges).
type Term struct {
	Kind   TermKind
	Node   Expr   // the source expression this term came from
	Text   string // its source text, e.g. "f[p - profit] + size"
	Type   Type
	Lo, Hi float64
	MayInf bool

	Value float64      // TConst: the constant; TScale: the factor
	Input *Input       // TInput
	Dim   int          // TIndexVar: the dimension when Var.Kind == VarDim
	Var   *Var         // TIndexVar; TReduce: the reduction variable
	State *State       // TRead
	Data  *Data        // TData
	Index []*IndexExpr // TRead, TData: one per dimension
	Op    CmpOp        // TCmp
	Cond  *Static      // TIf: a bool
	// TReduce: Reduce is TMin or TMax; Domain is a set-typed Static (a
	// range is an SRange); Filter is a bool Static or nil.
	Reduce TermKind
	Domain *Static
	Filter *Static
	Args   []*Term
}

// EvalStatic evaluates a term that reads no state, data or input (an
// InitTerm) under env.
func (t *Term) EvalStatic(env Env) float64 {
	switch t.Kind {
	case TConst:
		return t.Value
	case TIndexVar:
		return float64(env[t.Var.ID])
	case TAdd:
		s := 0.0
		for _, a := range t.Args {
			s += a.EvalStatic(env)
		}
		return s
	case TNeg:
		return -t.Args[0].EvalStatic(env)
	case TScale:
		return t.Value * t.Args[0].EvalStatic(env)
	case TIf:
		if t.Cond.Eval(env) != 0 {
			return t.Args[0].EvalStatic(env)
		}
		return t.Args[1].EvalStatic(env)
	}
	panic("dsl: EvalStatic of a " + t.Kind.String() + " term")
}

// Pos is the position of the term's source.
func (t *Term) Pos() Pos { return t.Node.Pos() }

// IndexExpr is an integer index: Static + Σ Coef·Offset, where Static is
// decided at compile time for each cell (index variables, params,
// constants; a set expression for a subsets dimension, whose index value
// is then Static's bitmask shifted right by the dimension's ElemLo) and
// the offsets are run-time integers (inputs, or data read at static
// indices), each with coefficient ±1.
//
// The fields HasVar, Dim, Terms and Const describe the same index in the
// older form Var + Σ Coef·input + Const when it has that form (Simple):
// Var the index variable of dimension Dim of the stepped state with
// coefficient 1, every offset an input.
type IndexExpr struct {
	Node    Expr
	Text    string
	Static  *Static
	Offsets []Offset
	Lo, Hi  int // range over every index value and every offset value

	Simple bool
	HasVar bool
	Dim    int
	Terms  []IndexInput // integer inputs, each at most once
	Const  int
}

// Offset is one run-time term of an index: Coef·Term, Coef = ±1, Term a
// TInput or TData of integer type.
type Offset struct {
	Term *Term
	Coef int
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
	// AnswerValue: a term over the final state with constant indices (it
	// may read data and contain reductions).
	Value *Term
	// AnswerState: every cell of State.
	// AnswerMaxIndex / AnswerMinIndex: the largest / smallest Var in
	// Lo..Hi (the index range of State) for which "LHS Op RHS" holds over
	// the final state. TIndexVar terms with Dim 0 refer to Var.
	State    *State
	Var      string
	Lo, Hi   int
	LHS, RHS *Term
	Op       CmpOp
	// Dim is the dimension of State that Var ranges over (the search
	// forms); SearchVar is Var as an index variable (VarSearch).
	Dim       int
	SearchVar *Var
}
