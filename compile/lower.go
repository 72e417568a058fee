package compile

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// Scheme is how a program is lowered.
type Scheme int

const (
	// Exact lowers min/max with ReLU identities and offset reads with the
	// selection gadget: the network computes the DP exactly (the DP-NN of
	// Hertrich & Skutella).
	Exact Scheme = iota + 1
	// FPTAS rounds a state indexed by an accumulated integer input to a
	// table of fixed size P (the FPTAS-NN of Hertrich & Skutella): width
	// O(P²) whatever the profits, value within (1 − n²/P) of the optimum.
	FPTAS
	// Smooth replaces every min and max by a smoothed one, max_Ω(a, b) =
	// a + γ·φ((b − a)/γ) (Vivier-Ardisson et al. 2026), in the network
	// unrolled over a fixed number of steps: a differentiable layer.
	Smooth
)

// ParseScheme parses a -scheme flag value.
func ParseScheme(s string) (Scheme, error) {
	switch s {
	case "exact":
		return Exact, nil
	case "fptas":
		return FPTAS, nil
	case "smooth":
		return Smooth, nil
	}
	return 0, fmt.Errorf("unknown scheme %q (want exact, fptas or smooth)", s)
}

func (s Scheme) String() string {
	switch s {
	case Exact:
		return "exact"
	case FPTAS:
		return "fptas"
	case Smooth:
		return "smooth"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// Options control Lower.
type Options struct {
	Scheme Scheme // zero means Exact
	// P is the table size of the FPTAS scheme (P >= 1).
	P int
	// Smooth scheme: the regulariser (relu.Shannon, relu.Gini or
	// relu.Tsallis), its strength γ > 0, the number of steps the network
	// is unrolled over, and the step inputs fixed at compile time (per
	// step, by input name): an input that offsets a read must be fixed, so
	// that every read is static (in knapsack, the weights).
	Reg   relu.Activation
	Gamma float64
	Steps int
	Fixed map[string][]float64
}

// Network is a compiled program: an RNN cell that maps the state and one
// step's inputs to the next state, plus what is needed to run it and to
// decode the answer.
type Network struct {
	Model *dsl.Model
	// Cell has one input block per state (named after it, in declaration
	// order), then one block of length 1 per step input (named after it);
	// its outputs are the next state blocks, named after the states.
	Cell       *relu.Graph
	State      []string
	StepInputs []string
	// Init holds the initial value of every state cell, by state name.
	Init map[string][]float64
	// Scheme is the lowering that produced Cell.
	Scheme Scheme
	// Steps > 0 means Cell is not a cell but the network unrolled over
	// that many steps (the smooth scheme); Smooth describes it.
	Steps  int
	Smooth *SmoothInfo
	// Rounding describes the rounded state of the FPTAS scheme; nil for
	// Exact. Its extra state (the running total of the offset input)
	// follows the program's states in State.
	Rounding *Rounding
	// Data names the cell's data input blocks (one per data array of the
	// program, in declaration order, after the step inputs): values given
	// once per instance and fed unchanged to every step.
	Data []string
	// BigM is the finite value that stands for +inf ("unreachable") in
	// the network, 0 when the program has no inf values; see Represent
	// and Unrepresent.
	BigM float64
	reps *infReps
	// OffsetRounding describes the rounded dimension of the FPTAS scheme
	// for a program with data (see roundoffsets.go); nil otherwise.
	OffsetRounding *OffsetRounding
	prec           *precCache // Precision's results
}

// Lower compiles a checked program to a network. Every lowering rule it
// applies is general (see docs/lowering.md); none names a problem.
func Lower(m *dsl.Model, opt Options) (*Network, error) {
	b := relu.NewBuilder()
	net, err := lower(m, opt, b)
	if err != nil {
		return nil, err
	}
	g, err := b.Build()
	if err != nil {
		return nil, err
	}
	net.Cell = g
	return net, nil
}

// lower applies the lowering rules of m, adding the neurons to b (a
// Builder, or a counting one for Estimate), and returns the network
// without its Cell.
func lower(m *dsl.Model, opt Options, b *relu.Builder) (*Network, error) {
	if opt.Scheme == 0 {
		opt.Scheme = Exact
	}
	if len(m.States) == 0 {
		return nil, fmt.Errorf("%s: program has no state to compile", m.File.Pos())
	}
	l := &lowering{
		m:         m,
		b:         b,
		indicator: make(map[string]*indicatorRow),
		groups:    make(map[groupKey]int),
	}
	net := &Network{Model: m, Scheme: opt.Scheme, Init: make(map[string][]float64), prec: &precCache{}}
	if opt.Scheme != Smooth {
		if err := checkAnswer(m); err != nil {
			return nil, err
		}
	}
	switch opt.Scheme {
	case Exact:
	case FPTAS:
		if len(m.Data) > 0 {
			r, rounded, err := newOffsetRounding(m, opt.P)
			if err != nil {
				return nil, err
			}
			m, l.m, net.Model = rounded, rounded, rounded
			l.oround, net.OffsetRounding = r, r
			break
		}
		r, err := newRounding(m, opt.P)
		if err != nil {
			return nil, err
		}
		l.round, net.Rounding = r, r
	case Smooth:
		return lowerSmooth(l, net, opt)
	default:
		return nil, fmt.Errorf("compile: scheme %v is not supported", opt.Scheme)
	}
	reps, err := representInf(m, opt.Scheme)
	if err != nil {
		return nil, err
	}
	l.reps, net.BigM, net.reps = reps, reps.m, reps
	for _, s := range m.States {
		shape := l.cells(s)
		first := l.b.InputBlock(s.Name, shape...)
		l.stateUnits = append(l.stateUnits, first)
		net.State = append(net.State, s.Name)
		if !l.b.Counts() { // Estimate needs no initial state
			init := make([]float64, product(shape))
			idx := make([]int, len(s.Dims))
			for i := range init {
				if l.round != nil && l.round.state == s {
					init[i] = s.Init
					continue
				}
				cellIndex(s, i, idx)
				init[i] = reps.represent(s.InitAt(idx))
				if math.IsInf(init[i], 0) {
					return nil, infiniteInit(s, idx, init[i])
				}
			}
			net.Init[s.Name] = init
		} else if s.InitTerm == nil && math.IsInf(reps.represent(s.Init), 0) {
			return nil, infiniteInit(s, nil, s.Init)
		}
		lo, hi := reps.stateRange(s)
		l.setInputRange(first, product(shape), lo, hi)
	}
	if r := l.round; r != nil {
		l.totalUnit = l.b.InputBlock(r.Total, 1)
		l.setInputRange(l.totalUnit, 1, 0, math.Inf(1))
		net.State = append(net.State, r.Total)
		net.Init[r.Total] = []float64{0}
	}
	for _, in := range m.Inputs {
		u := l.b.InputBlock(in.Name, 1)
		l.inputUnits = append(l.inputUnits, u)
		l.setInputRange(u, 1, in.Lo, in.Hi)
		net.StepInputs = append(net.StepInputs, in.Name)
	}
	for _, d := range m.Data {
		shape := dataShape(d)
		first := l.b.InputBlock(d.Name, shape...)
		l.dataUnits = append(l.dataUnits, first)
		net.Data = append(net.Data, d.Name)
		lo, hi := reps.dataRange(d)
		if r := l.oround; r != nil && r.Data == d.Name {
			lo, hi = r.dataLo, r.dataHi // fed unrounded
		}
		l.setInputRange(first, product(shape), lo, hi)
	}
	for _, s := range m.States {
		if s.Body == nil {
			return nil, fmt.Errorf("%s: state %s has no step", s.Decl.Pos(), s.Name)
		}
		// The outputs go to the builder cell by cell, so that a counting
		// builder never holds them.
		g := l.b.Group(relu.GroupInfo{Name: "next " + s.Name, Rule: "output", Term: s.Body.Text, Pos: s.Body.Pos().String()})
		shape := l.cells(s)
		if l.round != nil && l.round.state == s {
			l.b.Expect(l.round.readCost(s.Body))
		} else if l.b.Counts() {
			n, e := l.selectBound(s, shape)
			if onSelectBound != nil {
				onSelectBound(n)
			}
			l.b.Expect(n, e)
		}
		idx := make([]int, len(s.Dims))
		for c := range product(shape) {
			if l.round != nil && l.round.state == s {
				idx[0] = c + 1 // table cell c stands for index c+1, past the declared range when P > hi
			} else {
				cellIndex(s, c, idx)
			}
			l.bindCell(s, idx)
			v, err := l.term(s.Body, idx)
			if err == nil {
				err = l.err
			}
			if err == nil && !finiteAffine(v.a) {
				// An infinity folds away inside min, max and clamp
				// (max(-inf, x) is x when compiling); one that is the
				// cell's next value would enter the network.
				err = infiniteValue(s.Body.Pos().String(), fmt.Sprintf("the step of %s at %s%v", s.Name, s.Name, idx), v.a.Const)
			}
			if err != nil {
				return nil, err
			}
			l.b.AppendOutput(s.Name, shape, g, v.a)
		}
	}
	if r := l.round; r != nil {
		g := l.b.Group(relu.GroupInfo{Name: "next " + r.Total, Rule: "fptas-round", Term: r.Offset.Name, Pos: r.Offset.Decl.Pos().String()})
		l.b.Output(r.Total, []int{1}, g, []relu.Affine{relu.Var(l.totalUnit).Plus(relu.Var(l.inputUnits[r.Offset.Index]))})
	}
	l.b.SetDoc(docString(m, opt.Scheme))
	l.b.AlignGroups()
	return net, nil
}

// cells returns the shape of state s in the network: its declared index
// ranges, or the rounded table of the FPTAS scheme.
func (l *lowering) cells(s *dsl.State) []int {
	if l.round != nil && l.round.state == s {
		return []int{l.round.P}
	}
	sz := make([]int, len(s.Dims))
	for i, d := range s.Dims {
		sz[i] = d.Size()
	}
	return sz
}

func product(shape []int) int {
	n := 1
	for _, x := range shape {
		n *= x
	}
	return n
}

// cellIndex writes the index values of row-major cell c of s into idx.
func cellIndex(s *dsl.State, c int, idx []int) {
	for d := len(s.Dims) - 1; d >= 0; d-- {
		n := s.Dims[d].Size()
		idx[d] = s.Dims[d].Lo + c%n
		c /= n
	}
}

// cellOf returns the row-major cell of s at index values idx, or -1 when
// idx lies outside the declared ranges.
func cellOf(s *dsl.State, idx []int) int {
	c := 0
	for d, dim := range s.Dims {
		if idx[d] < dim.Lo || idx[d] > dim.Hi {
			return -1
		}
		c = c*dim.Size() + idx[d] - dim.Lo
	}
	return c
}

func docString(m *dsl.Model, s Scheme) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dp2nn %s network of program %q (%s)", s, m.Name, m.File.Pos().File)
	if len(m.Params) > 0 {
		var ps []string
		for _, p := range m.Params {
			ps = append(ps, fmt.Sprintf("%s=%d", p.Name, p.Value))
		}
		fmt.Fprintf(&b, " with %s", strings.Join(ps, ", "))
	}
	b.WriteString("\n\n")
	b.Write(m.File.Src)
	return b.String()
}

// value is an affine function of units together with an interval that
// contains it for every input in its declared range.
type value struct {
	a      relu.Affine
	lo, hi float64
}

func constant(c float64) value { return value{relu.Constant(c), c, c} }

type groupKey struct {
	node dsl.Expr
	role string
	step int // unrolled lowering: one group per step
}

type lowering struct {
	m          *dsl.Model
	b          *relu.Builder
	stateUnits []relu.Unit // first unit of each state; its cells follow row-major
	inputUnits []relu.Unit
	// Intervals of the units: one per input block (all cells of a state,
	// a data array, share theirs), one per hidden neuron.
	inputRanges []inputRange
	ranges      [][2]float64 // hidden neuron u − NumInputs
	// indicator caches the indicator neurons of the selection gadget by
	// offset expression, value and sign, so reads that share an offset
	// share them.
	indicator map[string]*indicatorRow
	groups    map[groupKey]int
	round     *Rounding // FPTAS scheme, else nil
	// Unrolled lowering (smooth scheme): the current state and this step's
	// inputs as values, instead of the cell's input units.
	cur       [][]value
	inputVals []value
	smooth    *smoothing
	step      int       // unrolled lowering: the step being lowered (1-based)
	totalUnit relu.Unit // FPTAS: the running total of the offset input
	scale     []value   // FPTAS: D_old, D_new, made once
	// err is the first error of a rule that returns no error itself;
	// groupTerm is the term of each group, to name it.
	err       error
	groupTerm map[int]*dsl.Term
	// env holds the index variables of the cell being lowered (and of the
	// reductions around the term being lowered).
	env       dsl.Env
	dataUnits []relu.Unit // first unit of each data array; its cells follow row-major
	reps      *infReps    // how +inf is represented
	oround    *OffsetRounding
}

// bindCell binds the step variables of s to the cell at index values idx.
func (l *lowering) bindCell(s *dsl.State, idx []int) {
	if len(s.StepVars) == len(s.Dims) {
		l.env = dsl.BindDims(l.env, s.Dims, s.StepVars, idx)
	}
}

// dataShape is the input block shape of data array d ([1] for a scalar).
func dataShape(d *dsl.Data) []int {
	if len(d.Dims) == 0 {
		return []int{1}
	}
	shape := make([]int, len(d.Dims))
	for i, x := range d.Dims {
		shape[i] = x.Size()
	}
	return shape
}

// inputRange is the interval of the input units below end.
type inputRange struct {
	end    relu.Unit
	lo, hi float64
}

// setInputRange sets the interval of the n input units from first, which
// follow the units set before.
func (l *lowering) setInputRange(first relu.Unit, n int, lo, hi float64) {
	l.inputRanges = append(l.inputRanges, inputRange{first + relu.Unit(n), lo, hi})
}

// setRange sets the interval of hidden neuron u, the neuron after those
// set before.
func (l *lowering) setRange(u relu.Unit, lo, hi float64) {
	if int(u)-l.b.NumInputs() != len(l.ranges) {
		panic("compile: neuron intervals out of order")
	}
	if len(l.ranges) == cap(l.ranges) {
		// Doubling: append grows a large slice by a quarter, which copied
		// the intervals of a two-million-neuron count about ten times
		// over (a third of the cost model's refusal of a large knapsack).
		l.ranges = slices.Grow(l.ranges, max(1024, len(l.ranges)))
	}
	l.ranges = append(l.ranges, [2]float64{lo, hi})
}

// rangeOf returns the interval of unit u.
func (l *lowering) rangeOf(u relu.Unit) [2]float64 {
	if i := int(u) - l.b.NumInputs(); i >= 0 {
		return l.ranges[i]
	}
	for _, r := range l.inputRanges {
		if u < r.end {
			return [2]float64{r.lo, r.hi}
		}
	}
	panic(fmt.Sprintf("compile: unit %d has no interval", u))
}

// interval bounds a by interval arithmetic over the ranges of its units.
func (l *lowering) interval(a relu.Affine) (lo, hi float64) {
	lo, hi = a.Const, a.Const
	for _, t := range a.Terms {
		r := l.rangeOf(t.Unit)
		if t.Coef > 0 {
			lo += t.Coef * r[0]
			hi += t.Coef * r[1]
		} else {
			lo += t.Coef * r[1]
			hi += t.Coef * r[0]
		}
	}
	return lo, hi
}

func (l *lowering) val(a relu.Affine) value {
	if math.IsInf(a.Const, 0) || math.IsNaN(a.Const) {
		return constant(a.Const) // ±∞ absorbs every finite term
	}
	lo, hi := l.interval(a)
	return value{a, lo, hi}
}

// group returns the builder group for one rule application on a term.
func (l *lowering) group(t *dsl.Term, role, name, rule string) int {
	k := groupKey{t.Node, role, l.step}
	if g, ok := l.groups[k]; ok {
		return g
	}
	if l.step > 0 {
		name = fmt.Sprintf("step %d: %s", l.step, name)
	}
	g := l.b.Group(relu.GroupInfo{Name: name, Rule: rule, Term: t.Text, Pos: t.Pos().String()})
	l.groups[k] = g
	if l.groupTerm == nil {
		l.groupTerm = map[int]*dsl.Term{}
	}
	l.groupTerm[g] = t
	return g
}

// finiteAffine reports whether a's constant and coefficients are finite.
func finiteAffine(a relu.Affine) bool {
	if math.IsInf(a.Const, 0) || math.IsNaN(a.Const) {
		return false
	}
	for _, t := range a.Terms {
		if math.IsInf(t.Coef, 0) || math.IsNaN(t.Coef) {
			return false
		}
	}
	return true
}

// relu adds the neuron relu(a) and returns it as a value.
func (l *lowering) relu(group int, a relu.Affine) value {
	u := l.neuron(group, a)
	r := l.ranges[int(u)-l.b.NumInputs()]
	return value{relu.Var(u), r[0], r[1]}
}

// neuron adds relu(a) and returns its unit; the interval of a bounds it.
func (l *lowering) neuron(group int, a relu.Affine) relu.Unit {
	if !finiteAffine(a) && l.err == nil {
		if t := l.groupTerm[group]; t != nil {
			l.err = infiniteValue(t.Pos().String(), "a neuron of "+t.Text, a.Const)
		} else {
			l.err = fmt.Errorf("compile: a neuron would have a weight or bias that is not finite")
		}
	}
	u := l.b.ReLU(group, a)
	lo, hi := l.interval(a)
	l.setRange(u, math.Max(0, lo), math.Max(0, hi))
	return u
}

// term lowers t for the cell whose index values are idx.
func (l *lowering) term(t *dsl.Term, idx []int) (value, error) {
	switch t.Kind {
	case dsl.TConst:
		if l.reps != nil && l.reps.m != 0 && math.IsInf(t.Value, 1) {
			return constant(l.reps.m), nil
		}
		return constant(t.Value), nil
	case dsl.TInput:
		if l.inputVals != nil {
			return l.inputVals[t.Input.Index], nil
		}
		return l.val(relu.Var(l.inputUnits[t.Input.Index])), nil
	case dsl.TIndexVar:
		if t.Var != nil && t.Var.ID < len(l.env) {
			return constant(float64(l.env[t.Var.ID])), nil
		}
		return constant(float64(idx[t.Dim])), nil
	case dsl.TData:
		return l.dataRead(t)
	case dsl.TCmp:
		return l.compare(t, idx)
	case dsl.TIf:
		if t.Cond.Eval(l.env) != 0 {
			return l.term(t.Args[0], idx)
		}
		return l.term(t.Args[1], idx)
	case dsl.TReduce:
		return l.reduction(t, idx)
	case dsl.TRead:
		return l.read(t, idx)
	case dsl.TAdd:
		sum := relu.Constant(0)
		for _, arg := range t.Args {
			v, err := l.term(arg, idx)
			if err != nil {
				return value{}, err
			}
			sum = sum.Plus(v.a)
		}
		return l.val(sum), nil
	case dsl.TNeg:
		v, err := l.term(t.Args[0], idx)
		if err != nil {
			return value{}, err
		}
		return l.val(v.a.Scale(-1)), nil
	case dsl.TScale:
		v, err := l.term(t.Args[0], idx)
		if err != nil {
			return value{}, err
		}
		return l.val(v.a.Scale(t.Value)), nil
	case dsl.TMin, dsl.TMax:
		args := make([]value, 0, len(t.Args))
		for _, arg := range t.Args {
			v, err := l.term(arg, idx)
			if err != nil {
				return value{}, err
			}
			args = append(args, v)
		}
		return l.reduce(t, t.Kind == dsl.TMin, args), nil
	case dsl.TClamp:
		x, err := l.term(t.Args[0], idx)
		if err != nil {
			return value{}, err
		}
		return l.clamp(t, x, t.Args[1].Value, t.Args[2].Value), nil
	}
	panic(fmt.Sprintf("compile: unknown term kind %v", t.Kind))
}

// reduce lowers an n-ary min or max as a balanced tree of binary ones:
// depth ⌈log2 n⌉, at most n-1 neurons. Operands that are the constant
// standing for +inf are dropped from a min (they never win); a min of
// nothing is +inf.
func (l *lowering) reduce(t *dsl.Term, isMin bool, args []value) value {
	if isMin && l.reps != nil && l.reps.m != 0 {
		// Drop represented-inf constants when another operand is known to
		// be at most M anyway: then the min's value and its bound are the
		// same without them. (Otherwise one stays: it caps the min at M,
		// which the network ranges of compile/bigm.go count on.)
		var kept []value
		var inf *value
		capped := false
		for i, a := range args {
			if a.a.IsConst() && a.a.Const >= l.reps.m {
				if inf == nil || a.a.Const < inf.a.Const {
					inf = &args[i]
				}
				continue
			}
			kept = append(kept, a)
			capped = capped || a.hi <= l.reps.m
		}
		if inf != nil && (!capped || len(kept) == 0) {
			kept = append(kept, *inf)
		}
		args = kept
	}
	if len(args) == 0 {
		if isMin {
			return constant(l.reps.inf())
		}
		return constant(math.Inf(-1))
	}
	level := 0
	for len(args) > 1 {
		next := make([]value, 0, (len(args)+1)/2)
		for i := 0; i+1 < len(args); i += 2 {
			next = append(next, l.binary(t, isMin, level, args[i], args[i+1]))
		}
		if len(args)%2 == 1 {
			next = append(next, args[len(args)-1])
		}
		args = next
		level++
	}
	return args[0]
}

// binary lowers min(a, b) = a − relu(a − b) and max(a, b) = a + relu(b − a):
// one neuron, one layer. When the intervals already decide the result, no
// neuron is needed.
func (l *lowering) binary(t *dsl.Term, isMin bool, level int, a, b value) value {
	if l.smooth != nil {
		return l.smoothBinary(t, isMin, level, a, b)
	}
	switch {
	case isMin && a.hi <= b.lo, !isMin && a.lo >= b.hi:
		return a
	case isMin && b.hi <= a.lo, !isMin && b.lo >= a.hi:
		return b
	}
	name := "max"
	if isMin {
		name = "min"
	}
	rule := name
	if level > 0 {
		name = fmt.Sprintf("%s (tree level %d)", name, level+1)
	}
	g := l.group(t, fmt.Sprintf("%s/%d", name, level), name, rule)
	var out relu.Affine
	if isMin {
		out = a.a.Minus(l.relu(g, a.a.Minus(b.a)).a)
	} else {
		out = a.a.Plus(l.relu(g, b.a.Minus(a.a)).a)
	}
	lo, hi := math.Min(a.lo, b.lo), math.Min(a.hi, b.hi)
	if !isMin {
		lo, hi = math.Max(a.lo, b.lo), math.Max(a.hi, b.hi)
	}
	return value{out, lo, hi}
}

// clamp lowers clamp(x, lo, hi) = lo + relu(x − lo) − relu(x − hi): two
// neurons side by side, one layer; a side the interval of x already
// satisfies costs nothing.
func (l *lowering) clamp(t *dsl.Term, x value, lo, hi float64) value {
	return l.clampRole(t, "clamp", x, lo, hi)
}

// clampRole is clamp with its neuron groups named after role (a term may
// apply the rule more than once).
func (l *lowering) clampRole(t *dsl.Term, role string, x value, lo, hi float64) value {
	if x.hi <= lo {
		return constant(lo)
	}
	if x.lo >= hi {
		return constant(hi)
	}
	out := x.a
	if x.lo < lo {
		g := l.group(t, role+"-lo", role+" lower", role)
		out = relu.Constant(lo).Plus(l.relu(g, x.a.AddConst(-lo)).a)
	}
	if x.hi > hi {
		g := l.group(t, role+"-hi", role+" upper", role)
		out = out.Minus(l.relu(g, x.a.AddConst(-hi)).a)
	}
	return value{out, math.Max(x.lo, lo), math.Min(x.hi, hi)}
}

// read lowers a read of a state. Static indices read the state input (or a
// boundary constant); an index with an integer-input offset uses the
// selection gadget.
func (l *lowering) read(t *dsl.Term, idx []int) (value, error) {
	if l.round != nil && t.State == l.round.state {
		return l.roundedRead(t, idx[0])
	}
	static, dyn, dynDim, err := l.readIndex(t, idx, make([]int, len(t.Index)))
	if err != nil {
		return value{}, err
	}
	if dyn == nil {
		return l.staticRead(t, static)
	}
	return l.selectRead(t, static, dyn, dynDim)
}

// readIndex is the index of read t at the cell idx: static (written into
// the given slice of len(t.Index)), its values without the run-time
// offset, and dyn, the index with a run-time offset (in dimension dynDim),
// nil when there is none.
func (l *lowering) readIndex(t *dsl.Term, idx []int, static []int) (_ []int, dyn *dsl.IndexExpr, dynDim int, err error) {
	dynDim = -1
	for d, ix := range t.Index {
		if ix.Static != nil && !(l.round != nil && t.State == l.round.state) && (len(ix.Offsets) > 0 || !ix.Simple || len(l.env) > 0) {
			static[d] = ix.StaticValue(t.State.Dims[d], l.env)
			if len(ix.Offsets) > 0 {
				if l.inputVals != nil {
					// Unrolled with some inputs fixed: a fixed offset is a constant.
					for _, o := range ix.Offsets {
						var iv value
						if o.Term.Kind == dsl.TInput {
							iv = l.inputVals[o.Term.Input.Index]
						}
						if o.Term.Kind != dsl.TInput || !iv.a.IsConst() {
							return nil, nil, -1, fmt.Errorf("%s: read %s is offset by a run-time input; the smooth scheme needs it fixed at compile time (give the instance)", t.Pos(), t.Text)
						}
						static[d] += o.Coef * int(iv.a.Const)
					}
					continue
				}
				if dyn != nil {
					return nil, nil, -1, fmt.Errorf("%s: read %s has run-time offsets in more than one index; the selection gadget handles one (docs/dsl.md, Limits)", t.Pos(), t.Text)
				}
				dyn, dynDim = ix, d
			}
			continue
		}
		v := ix.Const
		if ix.HasVar {
			v += idx[ix.Dim]
		}
		if l.inputVals != nil {
			// Unrolled with some inputs fixed: a fixed offset is a constant.
			folded := true
			for _, in := range ix.Terms {
				iv := l.inputVals[in.Input.Index]
				if !iv.a.IsConst() {
					folded = false
					break
				}
				v += in.Coef * int(iv.a.Const)
			}
			if folded {
				static[d] = v
				continue
			}
			return nil, nil, -1, fmt.Errorf("%s: read %s is offset by a run-time input; the smooth scheme needs it fixed at compile time (give the instance)", t.Pos(), t.Text)
		}
		static[d] = v
		if len(ix.Terms) > 0 {
			if dyn != nil {
				return nil, nil, -1, fmt.Errorf("%s: read %s has input offsets in more than one index; the selection gadget handles one (docs/dsl.md, Limits)", t.Pos(), t.Text)
			}
			dyn, dynDim = ix, d
		}
	}
	return static, dyn, dynDim, nil
}

func (l *lowering) staticRead(t *dsl.Term, at []int) (value, error) {
	s := t.State
	if c := cellOf(s, at); c >= 0 {
		if l.cur != nil {
			return l.cur[s.Index][c], nil
		}
		return l.val(relu.Var(l.stateUnits[s.Index] + relu.Unit(c))), nil
	}
	if v, ok := s.BoundaryAtIndex(at); ok {
		return constant(l.reps.represent(v)), nil
	}
	return value{}, fmt.Errorf("%s: read %s at index %v lies outside %s and no boundary rule covers it", t.Pos(), t.Text, at, s.Name)
}

// selectRead lowers x[… + D + …] where D = Σ coef·u is an integer affine
// function of integer inputs with range Dlo..Dhi, and x has values in
// [lo, hi]. With M = hi − lo:
//
//	x[i + D] = lo + Σ_k relu( x[i + k] − lo − M·(relu(D − k) + relu(k − D)) )
//
// For integer D the indicator pair sums to |D − k|, which is 0 for k = D and
// at least 1 otherwise, so exactly the term k = D survives. Cost: one
// indicator pair per value of D (shared by all reads with the same offset),
// one neuron per (cell, k) except where x[i + k] is the constant lo.
// Depth: indicators one layer above the inputs, selection one above that.
func (l *lowering) selectRead(t *dsl.Term, at []int, dyn *dsl.IndexExpr, dim int) (value, error) {
	s := t.State
	lo, hi := l.selectSpan(s)
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return value{}, fmt.Errorf("%s: read %s has a run-time offset, so the selection gadget needs a finite value range for %s, but it is %g..%g", t.Pos(), t.Text, s.Name, lo, hi)
	}
	// D's affine function of the inputs, and its range.
	d, dlo, dhi, err := l.offsetAffine(dyn)
	if err != nil {
		return value{}, err
	}
	key := affineKey(d)
	if l.indicator[key] == nil { // the indicators below, all made
		n := 2 * (int64(dhi-dlo) + 1)
		l.b.Expect(n, n*int64(len(d.Terms)))
	}
	ind := l.group(t, "indicator", "indicator "+offsetText(dyn), "offset-select")
	sel := l.group(t, "select", "select "+t.Text, "offset-select")
	m := hi - lo
	if math.IsInf(m, 0) {
		return value{}, fmt.Errorf("%s: read %s has a run-time offset, so the selection gadget weighs its indicators by the width of %s's range, but %g..%g is wider than the largest float64; narrow the declared range", t.Pos(), t.Text, s.Name, lo, hi)
	}
	// At most one term per value of D, but a cell near the boundary reads
	// few of them: a capped hint, so that an offset with ten million
	// values costs nothing up front.
	out := relu.Affine{Const: lo, Terms: make([]relu.Term, 0, min(int(dhi-dlo)+1, 1024))}
	outLo, outHi := math.Inf(1), math.Inf(-1)
	term := func(k int, x value) {
		outLo, outHi = math.Min(outLo, x.lo), math.Max(outHi, x.hi)
		if x.a.IsConst() && x.a.Const == lo {
			return // relu(lo − lo − …) is identically 0
		}
		if m == 0 {
			return
		}
		plus := l.indicatorUnit(ind, key, d, k, +1)
		minus := l.indicatorUnit(ind, key, d, k, -1)
		pre := relu.Affine{Const: x.a.Const - lo, Terms: append(append(make([]relu.Term, 0, len(x.a.Terms)+2), x.a.Terms...),
			relu.Term{Unit: plus, Coef: -m}, relu.Term{Unit: minus, Coef: -m})}
		// Each selection neuron is new, so the terms of the sum are
		// distinct units: append instead of merging.
		out.Terms = append(out.Terms, relu.Term{Unit: l.neuron(sel, pre), Coef: 1})
	}
	if row := l.indicator[key]; selectRuns && row != nil && row.lo == int(dlo) && len(row.units) == 2*(int(dhi-dlo)+1) {
		// Every indicator of D is made (by the first cell that read it):
		// visit the values of D by runs (selectRuns), in the same order.
		err := selectRunsOf(s, at, dim, int(dlo), int(dhi), func(k0, k1 int, boundary bool) error {
			if !boundary {
				for k := k0; k <= k1; k++ {
					src := append([]int(nil), at...)
					src[dim] += k
					x, err := l.staticRead(t, src)
					if err != nil {
						return err
					}
					term(k, x)
				}
				return nil
			}
			src := append([]int(nil), at...)
			src[dim] += k0
			x, err := l.staticRead(t, src) // the run's one value
			if err != nil {
				return err
			}
			for k := k0; k <= k1; k++ {
				term(k, x)
				if x.a.IsConst() && x.a.Const == lo || m == 0 {
					break // the rest of the run adds nothing either
				}
			}
			return nil
		})
		if err != nil {
			return value{}, err
		}
		return value{out, outLo, outHi}, nil
	}
	for k := int(dlo); k <= int(dhi); k++ {
		l.indicatorUnit(ind, key, d, k, +1)
		l.indicatorUnit(ind, key, d, k, -1)
		src := append([]int(nil), at...)
		src[dim] += k
		x, err := l.staticRead(t, src)
		if err != nil {
			return value{}, err
		}
		term(k, x)
	}
	return value{out, outLo, outHi}, nil
}

// selectSpan is the value range [lo, hi] the selection gadget assumes of
// state s: its values and its boundary values, as represented.
func (l *lowering) selectSpan(s *dsl.State) (lo, hi float64) {
	lo, hi = l.reps.stateRange(s)
	for _, b := range s.Boundaries {
		v := l.reps.represent(b.Value)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// selectRuns turns on the fast path of selectRead; tests turn it off to
// check that both build the same network.
var selectRuns = true

// selectRunsOf splits the offsets k in lo..hi of a read of s at index at
// + k in dimension dim into runs k0..k1, in increasing order: single
// offsets where the read is a cell of s (boundary false), and maximal
// runs where it is outside s and the same boundary rule gives its value,
// or none does (boundary true). A boundary rule compares one index with
// a constant, so its outcome changes only at the constant or next to it:
// a read outside the state takes O(boundary rules) runs, however many
// offsets, where selectRead's plain loop took one step per offset (for
// knapsack with pmax = 500,000 the cost model walked 10⁹ offsets before
// it reached the neuron limit).
func selectRunsOf(s *dsl.State, at []int, dim, lo, hi int, visit func(k0, k1 int, boundary bool) error) error {
	inside := true // the other dimensions' indices are in range
	for d, dm := range s.Dims {
		if d != dim && (at[d] < dm.Lo || at[d] > dm.Hi) {
			inside = false
		}
	}
	// Breakpoints in k: where the read enters or leaves the state's range
	// in dim, and where a boundary rule on dim may change its outcome.
	cuts := []int{lo, hi + 1}
	addCut := func(x int) { // x is an index of dim
		if k := x - at[dim]; k > lo && k <= hi {
			cuts = append(cuts, k)
		}
	}
	addCut(s.Dims[dim].Lo)
	addCut(s.Dims[dim].Hi + 1)
	for _, b := range s.Boundaries {
		if b.Dim == dim {
			addCut(b.Bound)
			addCut(b.Bound + 1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		k0, k1 := cuts[i], cuts[i+1]-1
		x := at[dim] + k0
		if inside && x >= s.Dims[dim].Lo && x <= s.Dims[dim].Hi {
			if err := visit(k0, k1, false); err != nil {
				return err
			}
			continue
		}
		if err := visit(k0, k1, true); err != nil {
			return err
		}
	}
	return nil
}

// indicatorRow holds the indicator neurons of one offset D:
// units[2(k−lo)] is relu(D − k), units[2(k−lo)+1] is relu(k − D), -1
// until made.
type indicatorRow struct {
	lo    int
	units []relu.Unit
}

// indicatorUnit returns relu(sign·(D − k)), made once per (D, k, sign).
func (l *lowering) indicatorUnit(group int, key string, d relu.Affine, k, sign int) relu.Unit {
	row := l.indicator[key]
	if row == nil {
		row = &indicatorRow{lo: k}
		l.indicator[key] = row
	}
	if k < row.lo {
		grown := make([]relu.Unit, 2*(row.lo-k), 2*(row.lo-k)+len(row.units))
		for i := range grown {
			grown[i] = -1
		}
		row.units, row.lo = append(grown, row.units...), k
	}
	for len(row.units) <= 2*(k-row.lo)+1 {
		row.units = append(row.units, -1)
	}
	at := 2 * (k - row.lo)
	if sign < 0 {
		at++
	}
	if u := row.units[at]; u >= 0 {
		return u
	}
	// sign·(D − k), in one allocation: the terms of D are distinct and
	// nonzero, and scaling by ±1 is exact. The constant is computed as
	// Affine.Scale does, 0 + sign·c, which turns −0 into 0.
	c := 0 + float64(sign)*(d.Const+(-float64(k)))
	a := relu.Affine{Const: c, Terms: make([]relu.Term, len(d.Terms))}
	for i, t := range d.Terms {
		a.Terms[i] = relu.Term{Unit: t.Unit, Coef: float64(sign) * t.Coef}
	}
	u := l.neuron(group, a)
	row.units[at] = u
	return u
}

func affineKey(a relu.Affine) string {
	ts := append([]relu.Term(nil), a.Terms...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Unit < ts[j].Unit })
	var b strings.Builder
	fmt.Fprintf(&b, "%g", a.Const)
	for _, t := range ts {
		fmt.Fprintf(&b, "%+g*u%d", t.Coef, t.Unit)
	}
	return b.String()
}

func offsetText(ix *dsl.IndexExpr) string {
	var parts []string
	if len(ix.Offsets) > 0 {
		for i, o := range ix.Offsets {
			switch {
			case o.Coef < 0:
				parts = append(parts, "-"+o.Term.Text)
			case i > 0:
				parts = append(parts, "+"+o.Term.Text)
			default:
				parts = append(parts, o.Term.Text)
			}
		}
		return strings.Join(parts, " ")
	}
	for _, t := range ix.Terms {
		if t.Coef < 0 {
			parts = append(parts, "-"+t.Input.Name)
		} else {
			parts = append(parts, t.Input.Name)
		}
	}
	return strings.Join(parts, " ")
}
