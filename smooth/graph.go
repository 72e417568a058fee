package smooth

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
)

// This file builds a Graph: a DSL program bound to one instance, as a DAG
// of nodes in dependency order. Every node is a smoothed max or min over
// its options (or a single option), every option an affine function of
// earlier nodes and of the parameters θ. graphrun.go evaluates it.

// Mode says how the steps of a program become the nodes of a Graph.
type Mode int

const (
	// Once: the cells read one another without a cycle, so every cell is
	// a node evaluated once, after the cells it reads; the steps line only
	// bounds the depth (NewGraph refuses a program whose steps are fewer
	// than its cells need). LCS, edit distance, Held-Karp, constrained
	// shortest path.
	Once Mode = iota + 1
	// Layered: some cell reads itself or a cycle of cells (Bellman-Ford,
	// APSP, every program with per-step inputs), so the step is the
	// layer: cell c after step t is node (t, c), and reads the layer
	// before.
	Layered
)

func (m Mode) String() string {
	switch m {
	case Once:
		return "once"
	case Layered:
		return "layered"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParamKind says what a block of parameters is.
type ParamKind int

const (
	// DataParam: the values of a data array read as a number (not only in
	// comparisons or indices), row-major.
	DataParam ParamKind = iota + 1
	// InputParam: a per-step input read as a number, one value per step.
	InputParam
	// CellParam: a bias added to every cell of a state each time the cell
	// is computed, 0 in the instance. Its marginal is the expected number
	// of times the cell is used: for LCS and edit distance the soft
	// alignment matrix.
	CellParam
)

func (k ParamKind) String() string {
	switch k {
	case DataParam:
		return "data"
	case InputParam:
		return "input"
	case CellParam:
		return "cell"
	}
	return fmt.Sprintf("ParamKind(%d)", int(k))
}

// ParamBlock is one array of parameters: θ[Start : Start+Len].
type ParamBlock struct {
	Name  string
	Kind  ParamKind
	Shape []int // sizes of the dimensions (InputParam: the steps)
	Lo    []int // the lowest index value of each dimension
	Start int
	Len   int
	// Fixed lists the entries (offsets in the block) that are not
	// parameters: infinite data values (a missing arc), which are
	// constants of the graph and have marginal 0.
	Fixed []int
}

// Graph is a program bound to one instance as a DAG of smoothed nodes.
// Build it with NewGraph; Forward evaluates it at any θ (the instance's
// values are Theta).
type Graph struct {
	Program string
	Mode    Mode
	Layers  int // Layered: the steps unrolled; Once: the longest chain of cells
	// Params are the parameter blocks: data and inputs read as numbers,
	// then one CellParam block per state. Theta holds their values in the
	// instance (cell biases 0).
	Params []ParamBlock
	Theta  []float64
	// Outputs name the answer's values: one for "answer EXPR", every cell
	// of the state for "answer STATE" and for the searches (whose index
	// has no gradient: the smooth scheme outputs the searched state).
	Outputs []string
	// Search is the answer's text when the program's answer is a search
	// and the outputs are the searched state.
	Search string

	np int // len(Theta); vals[np] is always 0 (the bias of non-cell nodes)

	sign      []float64 // per node: +1 max, −1 min (min_Ω(x) = −max_Ω(−x))
	optStart  []int32   // options of node k: optStart[k] .. optStart[k+1]
	optConst  []float64
	termStart []int32 // terms of option o: termStart[o] .. termStart[o+1]
	termSrc   []int32 // index into vals: θ (< np), zero slot np, node k at np+1+k
	termCoef  []float64
	bias      []int32 // per node: vals index of its bias
	outNode   []int32 // per output: its node
	maxOpts   int
	mag       magnitude // the bound on every value (graphmag.go)
	checks    []check
	scaledOK  bool // Shannon may run in scaled form (graphscaled.go)
	// compact is the compact layout (graphcompact.go) when every node
	// fits it, else nil; ctab its options' constants.
	compact []cnode
	ctab    []float64
	cused   []uint32
	cflip   bool // every node of ≥ 2 options is a min: the scaled form holds e^{−v/γ}
	// cperm is the compact layout's order of the nodes when it is not
	// theirs (graphcompact.go, levelOrder): compact[p] is node cperm[p],
	// whose value slot in a compact run is np+1+p; cpos is its inverse.
	cperm, cpos []int32
	// cruns are the compact layout's runs of nodes, ctup each node's
	// tuple of option constants: ctv their values, ctc their ctab indices
	// (graphruns.go).
	cruns []crun
	ctup  []uint16
	ctv   [][3]float64
	ctc   [][3]uint16
	// cowner is per parameter the position of the compact node whose
	// bias it is alone, or −1; nil when there are none (graphruns.go).
	cowner []int32
}

// check is a dropped clamp: c + Σ coef·vals[src] must lie in lo..hi in
// the hard evaluation.
type check struct {
	c      float64
	src    []int32
	coef   []float64
	lo, hi float64
	where  string
}

// Nodes is the number of nodes, Options the number of options (the
// terms of the smoothed maxima).
func (g *Graph) Nodes() int   { return len(g.sign) }
func (g *Graph) Options() int { return len(g.optConst) }

// Terms is the number of affine terms over all options.
func (g *Graph) Terms() int { return len(g.termSrc) }

// Param returns the block named name, or nil.
func (g *Graph) Param(name string, kind ParamKind) *ParamBlock {
	for i := range g.Params {
		if g.Params[i].Name == name && g.Params[i].Kind == kind {
			return &g.Params[i]
		}
	}
	return nil
}

// GraphLimits bound the graphs NewGraph builds.
type GraphLimits struct {
	// MaxTerms bounds the predicted number of affine terms (about 45
	// bytes each with their options, nodes and compact layout: 44.9 on
	// LCS 1000 × 1000); 0 means DefaultMaxTerms.
	MaxTerms int
	// MaxBytes bounds the predicted bytes of the graph and of one
	// evaluation of it (Forward and Marginals: GraphBytes); 0 means no
	// bound beyond MaxTerms. NewGraph refuses past it before it
	// allocates anything that grows with the instance.
	MaxBytes int64
}

// DefaultMaxTerms is NewGraph's bound on the predicted terms: 2^26,
// about 2.8 GiB.
const DefaultMaxTerms = 1 << 26

// NewGraph binds the checked program m to one instance: data holds the
// values of m.Data (row-major, in declaration order), steps the per-step
// inputs (nil for a program with a steps line). Structure that depends
// on the instance (reads at data or input offsets, Iverson brackets,
// infinite data) is fixed here; the numbers read as numbers are θ.
//
// Bad programs and instances come back as errors naming what and where:
// a comparison of state values, a clamp that binds on the instance (the
// smoothed scheme drops clamps, so one that changes an exact value is
// refused), a steps line shorter than the cells' dependency chain, a
// predicted size beyond lim.
func NewGraph(m *dsl.Model, data, steps [][]float64, lim GraphLimits) (*Graph, error) {
	g, _, err := newGraph(m, data, steps, lim)
	return g, err
}

// newGraph is NewGraph, also returning the builder (its predictions).
func newGraph(m *dsl.Model, data, steps [][]float64, lim GraphLimits) (*Graph, *builder, error) {
	b, err := newBuilder(m, data, steps, lim)
	if err != nil {
		return nil, nil, err
	}
	if err := b.build(); err != nil {
		return nil, nil, err
	}
	if err := b.checkClamps(); err != nil {
		return nil, nil, err
	}
	b.g.magnitudes()
	b.g.scaledOK = b.g.scaledEligible()
	b.g.compactLayout()
	return b.g, b, nil
}

// Term references of a cell's proto nodes.
const (
	refParam = iota // θ index (or the zero slot np for a constant)
	refCell         // a global cell index
	refLocal        // a proto node of the same cell
)

type pterm struct {
	kind uint8
	ref  int32
	coef float64
}

type popt struct {
	c     float64
	terms []pterm
}

// pnode is a node of a cell before the cells are ordered.
type pnode struct {
	sign float64 // 0: a single affine option (no smoothing)
	opts []popt
	n    int // options before infinite ones were dropped
}

type builder struct {
	m      *dsl.Model
	data   [][]float64
	steps  [][]float64
	lim    GraphLimits
	g      *Graph
	base   []int // global cell index of each state's first cell
	ncells int
	struc  map[any]bool // *dsl.Data / *dsl.Input read in comparisons or indices
	dataAt []int        // θ start of each data array, −1 if structural
	inAt   []int        // θ start of each input block, −1 if structural
	biasAt []int        // θ start of each state's biases
	env    dsl.Env
	step   int // the step being lowered (inputs), −1 for none
	cell   int // the global cell being lowered, −1 for the answer
	nodes  []pnode
	clamps []clampPending // of the cell being lowered
	terms  float64        // predicted terms (predict)
	bytes  float64        // the last prediction of bytes (checkBytes)
}

// clampPending is a clamp the smoothed scheme drops: its argument arg
// (refs of the cell being lowered) must lie within lo..hi in the hard
// evaluation of the instance.
type clampPending struct {
	arg    lin
	lo, hi float64
	text   string
	pos    string
}

func newBuilder(m *dsl.Model, data, steps [][]float64, lim GraphLimits) (*builder, error) {
	if lim.MaxTerms <= 0 {
		lim.MaxTerms = DefaultMaxTerms
	}
	if len(data) != len(m.Data) {
		return nil, fmt.Errorf("smooth: %s has %d data arrays, got %d", m.Name, len(m.Data), len(data))
	}
	for i, d := range m.Data {
		if len(data[i]) != d.Cells() {
			return nil, fmt.Errorf("smooth: data %s has %d values, got %d", d.Name, d.Cells(), len(data[i]))
		}
		for j, v := range data[i] {
			if math.IsNaN(v) || math.IsInf(v, -1) || (math.IsInf(v, 1) && !d.MayInf) {
				return nil, fmt.Errorf("smooth: data %s: value %v is not allowed (%s)", cellName(d.Name, d.Dims, j), v, d.Decl.Pos())
			}
		}
	}
	if m.Steps > 0 && len(steps) > 0 {
		return nil, fmt.Errorf("smooth: %s runs its %d steps (its steps line) and takes no per-step inputs", m.Name, m.Steps)
	}
	if m.Steps == 0 && len(m.Inputs) > 0 && len(steps) == 0 {
		return nil, fmt.Errorf("smooth: %s takes per-step inputs and got no steps", m.Name)
	}
	for t, in := range steps {
		if len(in) != len(m.Inputs) {
			return nil, fmt.Errorf("smooth: step %d has %d inputs, want %d", t+1, len(in), len(m.Inputs))
		}
		for i, v := range in {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("smooth: step %d: input %s = %v is not a finite number", t+1, m.Inputs[i].Name, v)
			}
		}
	}
	if m.Answer == nil {
		return nil, fmt.Errorf("smooth: %s has no answer line; the smooth scheme outputs the answer's value", m.Name)
	}
	b := &builder{m: m, data: data, steps: steps, lim: lim, g: &Graph{Program: m.Name}, struc: map[any]bool{}, step: -1}
	for _, s := range m.States {
		b.base = append(b.base, b.ncells)
		b.ncells += s.Cells()
	}
	if err := b.predict(); err != nil {
		return nil, err
	}
	b.findStructural()
	b.layout()
	return b, nil
}

// predict refuses, before anything is allocated, a graph whose terms
// would exceed the limit: per cell, the terms of its body with every
// reduction over its whole declared domain, times the layers of a
// program with per-step inputs (a program with a steps line is checked
// again once its cells are lowered, when it turns out to be layered).
func (b *builder) predict() error {
	layers := max(len(b.steps), 1)
	total := 0.0
	for _, s := range b.m.States {
		total += float64(s.Cells()) * termBound(s.Body) * float64(layers)
	}
	b.terms = total
	if total > float64(b.lim.MaxTerms) {
		return fmt.Errorf("smooth: %s would need about %.3g terms (%d layers of cells), more than the limit %d; use smaller params",
			b.m.Name, total, layers, b.lim.MaxTerms)
	}
	return b.checkBytes(lowerBytes(total, b.m.Steps == 0), total)
}

func termBound(t *dsl.Term) float64 {
	if t == nil {
		return 0
	}
	switch t.Kind {
	case dsl.TRead, dsl.TData, dsl.TInput:
		return 1
	case dsl.TReduce:
		return float64(t.Var.Hi-t.Var.Lo+1) * termBound(t.Args[0])
	case dsl.TIf:
		return max(termBound(t.Args[0]), termBound(t.Args[1]))
	}
	s := 0.0
	for _, a := range t.Args {
		s += termBound(a)
	}
	return max(s, 1)
}

// findStructural marks the data and inputs read in comparisons or in
// indices: the structure of the graph depends on them, so they are no
// parameters.
func (b *builder) findStructural() {
	var walk func(t *dsl.Term, inCmp bool)
	mark := func(t *dsl.Term) {
		switch t.Kind {
		case dsl.TData:
			b.struc[t.Data] = true
		case dsl.TInput:
			b.struc[t.Input] = true
		}
	}
	walk = func(t *dsl.Term, inCmp bool) {
		if t == nil {
			return
		}
		if inCmp {
			mark(t)
		}
		for _, ix := range t.Index {
			for _, off := range ix.Offsets {
				mark(off.Term)
				walk(off.Term, true)
			}
			for _, in := range ix.Terms {
				b.struc[in.Input] = true
			}
		}
		for _, a := range t.Args {
			walk(a, inCmp || t.Kind == dsl.TCmp)
		}
	}
	for _, s := range b.m.States {
		walk(s.Body, false)
	}
	if a := b.m.Answer; a != nil {
		walk(a.Value, false)
		walk(a.LHS, false)
		walk(a.RHS, false)
	}
}

// layout places the parameter blocks in θ.
func (b *builder) layout() {
	g := b.g
	add := func(blk ParamBlock, vals []float64) int {
		blk.Start = len(g.Theta)
		blk.Len = len(vals)
		for i, v := range vals {
			if math.IsInf(v, 0) {
				blk.Fixed = append(blk.Fixed, i)
				v = 0
			}
			g.Theta = append(g.Theta, v)
		}
		g.Params = append(g.Params, blk)
		return blk.Start
	}
	for i, d := range b.m.Data {
		b.dataAt = append(b.dataAt, -1)
		if !b.struc[d] && b.used(d) {
			shape, lo := dimsShape(d.Dims)
			b.dataAt[i] = add(ParamBlock{Name: d.Name, Kind: DataParam, Shape: shape, Lo: lo}, b.data[i])
		}
	}
	for i, in := range b.m.Inputs {
		b.inAt = append(b.inAt, -1)
		if !b.struc[in] && len(b.steps) > 0 {
			vals := make([]float64, len(b.steps))
			for t := range b.steps {
				vals[t] = b.steps[t][i]
			}
			b.inAt[i] = add(ParamBlock{Name: in.Name, Kind: InputParam, Shape: []int{len(b.steps)}, Lo: []int{1}}, vals)
		}
	}
	for _, s := range b.m.States {
		shape, lo := dimsShape(s.Dims)
		b.biasAt = append(b.biasAt, add(ParamBlock{Name: s.Name, Kind: CellParam, Shape: shape, Lo: lo}, make([]float64, s.Cells())))
	}
	g.np = len(g.Theta)
}

// used says whether data d is read anywhere (as a number).
func (b *builder) used(d *dsl.Data) bool {
	found := false
	var walk func(t *dsl.Term)
	walk = func(t *dsl.Term) {
		if t == nil || found {
			return
		}
		if t.Kind == dsl.TData && t.Data == d {
			found = true
		}
		for _, a := range t.Args {
			walk(a)
		}
	}
	for _, s := range b.m.States {
		walk(s.Body)
	}
	walk(b.m.Answer.Value)
	return found
}

func dimsShape(dims []dsl.Dim) (shape, lo []int) {
	for _, d := range dims {
		shape = append(shape, d.Size())
		lo = append(lo, d.Lo)
	}
	return shape, lo
}

// cellName names cell c (row-major) of an array with dims.
func cellName(name string, dims []dsl.Dim, c int) string {
	if len(dims) == 0 {
		return name
	}
	idx := cellIdx(dims, c)
	parts := make([]string, len(idx))
	for d, i := range idx {
		if dims[d].Set {
			var el []string
			mask := int64(i) << uint(dims[d].ElemLo)
			for e := 0; e < 63; e++ {
				if mask>>uint(e)&1 == 1 {
					el = append(el, strconv.Itoa(e))
				}
			}
			parts[d] = "{" + strings.Join(el, ", ") + "}"
			continue
		}
		parts[d] = strconv.Itoa(i)
	}
	return name + "[" + strings.Join(parts, ", ") + "]"
}

// cellIdx returns the index values of cell c (row-major) of dims.
func cellIdx(dims []dsl.Dim, c int) []int {
	idx := make([]int, len(dims))
	for d := len(dims) - 1; d >= 0; d-- {
		idx[d] = dims[d].Lo + c%dims[d].Size()
		c /= dims[d].Size()
	}
	return idx
}

// cellOf returns the row-major cell of idx, or −1 when an index is out of
// its range.
func cellOf(dims []dsl.Dim, idx []int) int {
	c := 0
	for d, i := range idx {
		if i < dims[d].Lo || i > dims[d].Hi {
			return -1
		}
		c = c*dims[d].Size() + i - dims[d].Lo
	}
	return c
}

// stateOf returns the state and cell of a global cell index.
func (b *builder) stateOf(gc int) (int, int) {
	si := len(b.base) - 1
	for b.base[si] > gc {
		si--
	}
	return si, gc - b.base[si]
}

func (b *builder) cellText(gc int) string {
	si, c := b.stateOf(gc)
	s := b.m.States[si]
	return cellName(s.Name, s.Dims, c)
}

// lin is an affine function: c + Σ terms.
type lin = popt

func constLin(v float64) lin { return lin{c: v} }

func (a lin) scaled(k float64) lin {
	out := lin{c: mulInf(k, a.c)}
	for _, t := range a.terms {
		t.coef *= k
		out.terms = append(out.terms, t)
	}
	return out
}

// mulInf is k·v with 0·∞ = 0 (a zero coefficient drops the term).
func mulInf(k, v float64) float64 {
	if k == 0 || v == 0 {
		return 0
	}
	return k * v
}

// lowerCell lowers the body of global cell gc at step t into proto nodes;
// the last is the cell's value.
func (b *builder) lowerCell(gc, t int) ([]pnode, error) {
	si, c := b.stateOf(gc)
	s := b.m.States[si]
	idx := cellIdx(s.Dims, c)
	b.env = dsl.BindDims(b.env[:0], s.Dims, s.StepVars, idx)
	for len(b.env) < b.m.NumVars {
		b.env = append(b.env, 0)
	}
	b.step, b.cell, b.nodes, b.clamps = t, gc, nil, nil
	if err := b.top(s.Body, cellName(s.Name, s.Dims, c)); err != nil {
		return nil, err
	}
	return b.nodes, nil
}

// top lowers a cell's or the answer's term into a final proto node.
func (b *builder) top(t *dsl.Term, where string) error {
	t = b.resolveIf(t)
	if t.Kind == dsl.TClamp {
		if err := b.top(t.Args[0], where); err != nil {
			return err
		}
		b.noteClamp(t, lin{terms: []pterm{{kind: refLocal, ref: int32(len(b.nodes) - 1), coef: 1}}})
		return nil
	}
	var err error
	if k, ok := b.choice(t); ok {
		_, err = b.choiceNode(t, k)
	} else {
		var a lin
		a, err = b.lower(t)
		if err == nil {
			b.nodes = append(b.nodes, b.single(a))
		}
	}
	if err != nil {
		return fmt.Errorf("smooth: %s: %v", where, err)
	}
	return nil
}

// single is a node of one affine option; infinite when a is.
func (b *builder) single(a lin) pnode {
	return pnode{opts: []popt{a}, n: 1}
}

// resolveIf picks the branch of static ifs (and drops clamps, noting a
// check) at the top of t.
func (b *builder) resolveIf(t *dsl.Term) *dsl.Term {
	for t.Kind == dsl.TIf {
		if t.Cond.Eval(b.env) != 0 {
			t = t.Args[0]
		} else {
			t = t.Args[1]
		}
	}
	return t
}

// choice says whether t is a min or max (a call or a reduction) and
// which: +1 max, −1 min.
func (b *builder) choice(t *dsl.Term) (float64, bool) {
	switch {
	case t.Kind == dsl.TMax, t.Kind == dsl.TReduce && t.Reduce == dsl.TMax:
		return 1, true
	case t.Kind == dsl.TMin, t.Kind == dsl.TReduce && t.Reduce == dsl.TMin:
		return -1, true
	}
	return 0, false
}

// choiceNode appends the node of the min or max t (its options flattened
// through nested mins or maxes of the same kind and static ifs) and
// returns its local index.
func (b *builder) choiceNode(t *dsl.Term, sign float64) (int, error) {
	var opts []popt
	n := 0
	absorb := false // an option infinite in the winning direction
	var collect func(t *dsl.Term) error
	collect = func(t *dsl.Term) error {
		t = b.resolveIf(t)
		if k, ok := b.choice(t); ok && k == sign {
			if t.Kind == dsl.TReduce {
				return b.eachReduce(t, func() error { return collect(t.Args[0]) })
			}
			for _, a := range t.Args {
				if err := collect(a); err != nil {
					return err
				}
			}
			return nil
		}
		a, err := b.lower(t)
		if err != nil {
			return err
		}
		n++
		switch {
		case math.IsInf(a.c, 0) && a.c*sign < 0: // neutral: never chosen
		case math.IsInf(a.c, 0):
			absorb = true
		default:
			opts = append(opts, a)
		}
		return nil
	}
	if err := collect(t); err != nil {
		return 0, err
	}
	node := pnode{sign: sign, opts: opts, n: n}
	switch {
	case absorb:
		node = pnode{opts: []popt{constLin(sign * math.Inf(1))}, n: 1}
	case len(opts) == 0:
		node = pnode{opts: []popt{constLin(-sign * math.Inf(1))}, n: 1}
	case len(opts) == 1 && len(opts[0].terms) == 0:
		node = pnode{opts: opts, n: n}
	}
	b.nodes = append(b.nodes, node)
	return len(b.nodes) - 1, nil
}

// eachReduce calls f with the reduction variable of t bound to each value
// of its domain that passes the filter.
func (b *builder) eachReduce(t *dsl.Term, f func() error) error {
	v := t.Var
	saved := b.env[v.ID]
	defer func() { b.env[v.ID] = saved }()
	try := func(x int64) error {
		b.env[v.ID] = x
		if t.Filter != nil && t.Filter.Eval(b.env) == 0 {
			return nil
		}
		return f()
	}
	if t.Domain.Kind == dsl.SRange {
		lo, hi := t.Domain.Args[0].Eval(b.env), t.Domain.Args[1].Eval(b.env)
		for x := lo; x <= hi; x++ {
			if err := try(x); err != nil {
				return err
			}
		}
		return nil
	}
	mask := t.Domain.Eval(b.env)
	for x := range int64(63) {
		if mask>>uint(x)&1 == 1 {
			if err := try(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// lower turns t into an affine function of nodes and θ; a min or max
// inside becomes a node of its own.
func (b *builder) lower(t *dsl.Term) (lin, error) {
	t = b.resolveIf(t)
	switch t.Kind {
	case dsl.TConst:
		return constLin(t.Value), nil
	case dsl.TIndexVar:
		return constLin(float64(b.env[t.Var.ID])), nil
	case dsl.TInput:
		if b.step < 0 {
			return lin{}, fmt.Errorf("input %s read outside a step", t.Input.Name)
		}
		v := b.steps[b.step][t.Input.Index]
		if at := b.inAt[t.Input.Index]; at >= 0 {
			return lin{terms: []pterm{{kind: refParam, ref: int32(at + b.step), coef: 1}}}, nil
		}
		return constLin(v), nil
	case dsl.TData:
		c, err := b.dataCell(t)
		if err != nil {
			return lin{}, err
		}
		v := b.data[t.Data.Index][c]
		if at := b.dataAt[t.Data.Index]; at >= 0 && !math.IsInf(v, 0) {
			return lin{terms: []pterm{{kind: refParam, ref: int32(at + c), coef: 1}}}, nil
		}
		return constLin(v), nil
	case dsl.TCmp:
		l, err := b.hardScalar(t.Args[0])
		if err != nil {
			return lin{}, err
		}
		r, err := b.hardScalar(t.Args[1])
		if err != nil {
			return lin{}, err
		}
		if t.Op.Holds(l, r) {
			return constLin(1), nil
		}
		return constLin(0), nil
	case dsl.TRead:
		return b.read(t)
	case dsl.TAdd:
		var out lin
		for _, a := range t.Args {
			x, err := b.lower(a)
			if err != nil {
				return lin{}, err
			}
			s := out.c + x.c
			if math.IsNaN(s) {
				return lin{}, fmt.Errorf("inf − inf in %s (%s)", t.Text, t.Pos())
			}
			out.c = s
			out.terms = append(out.terms, x.terms...)
		}
		if math.IsInf(out.c, 0) {
			out.terms = nil
		}
		return out, nil
	case dsl.TNeg:
		x, err := b.lower(t.Args[0])
		return x.scaled(-1), err
	case dsl.TScale:
		x, err := b.lower(t.Args[0])
		return x.scaled(t.Value), err
	case dsl.TClamp:
		a, err := b.lower(t.Args[0])
		if err == nil {
			b.noteClamp(t, a)
		}
		return a, err
	case dsl.TMin, dsl.TMax, dsl.TReduce:
		k, _ := b.choice(t)
		i, err := b.choiceNode(t, k)
		if err != nil {
			return lin{}, err
		}
		nd := b.nodes[i]
		if len(nd.opts) == 1 && len(nd.opts[0].terms) == 0 { // a constant
			return constLin(nd.opts[0].c), nil
		}
		return lin{terms: []pterm{{kind: refLocal, ref: int32(i), coef: 1}}}, nil
	}
	return lin{}, fmt.Errorf("%s (%s) has no smoothed form", t.Text, t.Pos())
}

// hardScalar evaluates an integer term of a comparison: data, inputs,
// index variables and arithmetic; state values have no smoothed
// comparison.
func (b *builder) hardScalar(t *dsl.Term) (float64, error) {
	switch t.Kind {
	case dsl.TConst:
		return t.Value, nil
	case dsl.TIndexVar:
		return float64(b.env[t.Var.ID]), nil
	case dsl.TInput:
		if b.step < 0 {
			return 0, fmt.Errorf("input %s read outside a step", t.Input.Name)
		}
		return b.steps[b.step][t.Input.Index], nil
	case dsl.TData:
		c, err := b.dataCell(t)
		if err != nil {
			return 0, err
		}
		return b.data[t.Data.Index][c], nil
	case dsl.TIf:
		return b.hardScalar(b.resolveIf(t))
	case dsl.TAdd:
		s := 0.0
		for _, a := range t.Args {
			v, err := b.hardScalar(a)
			if err != nil {
				return 0, err
			}
			s += v
		}
		return s, nil
	case dsl.TNeg:
		v, err := b.hardScalar(t.Args[0])
		return -v, err
	case dsl.TScale:
		v, err := b.hardScalar(t.Args[0])
		return t.Value * v, err
	}
	return 0, fmt.Errorf("the comparison reads %s (%s), a value the smoothed scheme has no comparison for (only data, inputs and index variables can be compared)", t.Text, t.Pos())
}

// dataCell is the row-major cell a data read reads.
func (b *builder) dataCell(t *dsl.Term) (int, error) {
	d := t.Data
	idx := make([]int, len(t.Index))
	for k, ix := range t.Index {
		idx[k] = ix.StaticValue(d.Dims[k], b.env)
	}
	c := cellOf(d.Dims, idx)
	if c < 0 {
		return 0, fmt.Errorf("%s (%s) reads data %s outside its range at %v", t.Text, t.Pos(), d.Name, idx)
	}
	return c, nil
}

// read lowers a state read: a cell, or a boundary constant.
func (b *builder) read(t *dsl.Term) (lin, error) {
	s := t.State
	idx := make([]int, len(t.Index))
	for d, ix := range t.Index {
		i := int64(ix.StaticValue(s.Dims[d], b.env))
		for _, off := range ix.Offsets {
			v, err := b.hardScalar(off.Term)
			if err != nil {
				return lin{}, err
			}
			i += int64(off.Coef) * int64(v)
		}
		idx[d] = int(i)
	}
	if c := cellOf(s.Dims, idx); c >= 0 {
		return lin{terms: []pterm{{kind: refCell, ref: int32(b.base[s.Index] + c), coef: 1}}}, nil
	}
	v, ok := s.BoundaryAtIndex(idx)
	if !ok {
		return lin{}, fmt.Errorf("%s (%s) reads %s at %v, outside its range, and no boundary rule covers it", t.Text, t.Pos(), s.Name, idx)
	}
	return constLin(v), nil
}

// noteClamp records a clamp of the affine value a, which the smoothed
// scheme drops; checkClamps refuses the instance if it binds in the hard
// evaluation.
func (b *builder) noteClamp(t *dsl.Term, a lin) {
	b.clamps = append(b.clamps, clampPending{arg: a, lo: t.Args[1].Value, hi: t.Args[2].Value, text: t.Text, pos: t.Pos().String()})
}
