package relu

import (
	"fmt"
	"sort"
)

// GroupInfo describes a group of neurons made by one rule application.
type GroupInfo struct {
	Name, Rule, Term, Pos string
}

// Builder assembles a Graph neuron by neuron. Layers are assigned as soon
// as possible: a hidden neuron sits one layer above its deepest source, and
// all outputs sit on one final layer above every hidden neuron.
type Builder struct {
	inputs    []Block
	numInputs int
	groups    []GroupInfo
	hidden    []pending
	outputs   []outBlock
	layer     []int32 // per neuron (hidden only)
	maxLayer  int32
	doc       string
	inputDone bool
	count     *counter // counting Builder (NewCounter), else nil
}

type pending struct {
	group int
	a     Affine
	act   Activation
}

type outBlock struct {
	block  Block
	groups []int // per neuron
	aff    []Affine
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{} }

// SetDoc sets the Doc text of the graph.
func (b *Builder) SetDoc(doc string) { b.doc = doc }

// Input declares an input block. All inputs must be declared before the
// first neuron. It returns the block's units in row-major order.
func (b *Builder) Input(name string, shape ...int) []Unit {
	first := b.InputBlock(name, shape...)
	us := make([]Unit, b.numInputs-int(first))
	for i := range us {
		us[i] = first + Unit(i)
	}
	return us
}

// InputBlock is Input returning only the block's first unit: its units
// are the next ones in row-major order. A lowering of a state with
// millions of cells keeps no slice of them.
func (b *Builder) InputBlock(name string, shape ...int) Unit {
	if b.inputDone {
		panic("relu: Input after the first neuron")
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	first := b.numInputs
	b.inputs = append(b.inputs, Block{Name: name, Shape: append([]int(nil), shape...), Start: first, Len: n})
	b.numInputs += n
	return Unit(first)
}

// NumInputs is the number of input units declared so far.
func (b *Builder) NumInputs() int { return b.numInputs }

// Counts reports whether b is a counting Builder (NewCounter).
func (b *Builder) Counts() bool { return b.count != nil }

// Expect declares that at least neurons more hidden neurons with at
// least entries weight entries will be added. A counting Builder panics
// with its *LimitError at once when they would pass its limit, so that a
// rule whose cost is known before it runs (an n-valued selection gadget
// makes 2n indicator neurons) is refused before it runs; a Builder
// ignores it.
func (b *Builder) Expect(neurons, entries int64) {
	if b.count != nil {
		b.count.check(neurons, entries)
	}
}

// Group registers a neuron group and returns its id for ReLU and Output.
// Neurons of one id that land on different layers are split into one
// group per layer in the built graph.
func (b *Builder) Group(info GroupInfo) int {
	b.groups = append(b.groups, info)
	return len(b.groups) - 1
}

// ReLU adds the hidden neuron relu(a) to group and returns its unit.
func (b *Builder) ReLU(group int, a Affine) Unit { return b.Neuron(group, ReLU, a) }

// Neuron adds the hidden neuron act(a) to group and returns its unit; act
// is ReLU or one of the smoothed ReLUs.
func (b *Builder) Neuron(group int, act Activation, a Affine) Unit {
	if !act.Hidden() {
		panic(fmt.Sprintf("relu: %v is not a hidden activation", act))
	}
	b.inputDone = true
	b.check(group, a)
	if b.count != nil {
		return b.count.neuron(b, group, a)
	}
	l := int32(1)
	for _, t := range a.Terms {
		if lt := b.Layer(t.Unit) + 1; int32(lt) > l {
			l = int32(lt)
		}
	}
	b.hidden = append(b.hidden, pending{group, a, act})
	b.layer = append(b.layer, l)
	if l > b.maxLayer {
		b.maxLayer = l
	}
	return Unit(b.numInputs + len(b.hidden) - 1)
}

// check panics when a names a unit that does not exist yet or group was not
// registered: both are bugs of the caller, not of the user's program.
func (b *Builder) check(group int, a Affine) {
	if group < 0 || group >= len(b.groups) {
		panic(fmt.Sprintf("relu: unknown group %d", group))
	}
	n := b.numInputs + b.NumHidden()
	for _, t := range a.Terms {
		if t.Unit < 0 || int(t.Unit) >= n {
			panic(fmt.Sprintf("relu: affine reads unit %d, only %d exist", t.Unit, n))
		}
	}
}

// Layer returns the layer of u: 0 for inputs.
func (b *Builder) Layer(u Unit) int {
	if int(u) < b.numInputs {
		return 0
	}
	return int(b.layer[int(u)-b.numInputs])
}

// NumHidden is the number of hidden neurons added so far.
func (b *Builder) NumHidden() int {
	if b.count != nil {
		return len(b.count.groupOf)
	}
	return len(b.hidden)
}

// Output declares an output block whose values are the affine functions
// outs (identity neurons on the last layer).
func (b *Builder) Output(name string, shape []int, group int, outs []Affine) {
	groups := make([]int, len(outs))
	for i := range groups {
		groups[i] = group
	}
	b.OutputGroups(name, shape, groups, outs)
}

// OutputGroups is Output with one group per output neuron, for blocks whose
// neurons come from several rule applications.
func (b *Builder) OutputGroups(name string, shape []int, groups []int, outs []Affine) {
	if len(groups) != len(outs) {
		panic(fmt.Sprintf("relu: output %q has %d groups for %d neurons", name, len(groups), len(outs)))
	}
	b.inputDone = true
	for i, a := range outs {
		b.check(groups[i], a)
	}
	if b.count != nil {
		for i, a := range outs {
			b.count.output(b, name, shape, groups[i], a, i == 0)
		}
		return
	}
	b.outputs = append(b.outputs, outBlock{Block{Name: name, Shape: append([]int(nil), shape...), Len: len(outs)}, append([]int(nil), groups...), outs})
}

// AppendOutput adds one neuron to the output block name: a new block of
// the given shape when the last block has another name, else the next
// neuron of the last block. A program's lowering streams its outputs this
// way, so that a counting Builder never holds them.
func (b *Builder) AppendOutput(name string, shape []int, group int, a Affine) {
	b.inputDone = true
	b.check(group, a)
	start := len(b.outputs) == 0 || b.outputs[len(b.outputs)-1].block.Name != name
	if b.count != nil {
		b.count.output(b, name, shape, group, a, start)
		return
	}
	if start {
		b.outputs = append(b.outputs, outBlock{block: Block{Name: name, Shape: append([]int(nil), shape...)}})
	}
	o := &b.outputs[len(b.outputs)-1]
	o.block.Len++
	o.groups = append(o.groups, group)
	o.aff = append(o.aff, a)
}

// Build orders the neurons by layer (then by group, then by creation) and
// returns the graph. It fails when the graph has no outputs.
func (b *Builder) Build() (*Graph, error) {
	if b.count != nil {
		panic("relu: Build on a counting Builder; use Shape")
	}
	if len(b.outputs) == 0 {
		return nil, fmt.Errorf("relu: graph has no outputs")
	}
	nh := len(b.hidden)
	order := make([]int, nh)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, c := order[i], order[j]
		if b.layer[a] != b.layer[c] {
			return b.layer[a] < b.layer[c]
		}
		return b.hidden[a].group < b.hidden[c].group
	})
	newIdx := make([]int, nh)
	for k, old := range order {
		newIdx[old] = k
	}
	remap := func(u Unit) Unit {
		if int(u) < b.numInputs {
			return u
		}
		return Unit(b.numInputs + newIdx[int(u)-b.numInputs])
	}
	nout := 0
	for _, o := range b.outputs {
		nout += len(o.aff)
	}
	g := &Graph{
		NumInputs: b.numInputs,
		Inputs:    append([]Block(nil), b.inputs...),
		Doc:       b.doc,
		Bias:      make([]float64, 0, nh+nout),
		Act:       make([]Activation, 0, nh+nout),
		Layer:     make([]int32, 0, nh+nout),
		RowStart:  make([]int, 1, nh+nout+1),
	}
	var gid []int // builder group id of each entry of g.Groups
	addNeuron := func(a Affine, act Activation, layer int32, group int) {
		g.Bias = append(g.Bias, a.Const)
		g.Act = append(g.Act, act)
		g.Layer = append(g.Layer, layer)
		for _, t := range a.Terms {
			g.Src = append(g.Src, remap(t.Unit))
			g.W = append(g.W, t.Coef)
		}
		g.RowStart = append(g.RowStart, len(g.Src))
		j := len(g.Bias) - 1
		if n := len(g.Groups); n > 0 && g.Groups[n-1].Layer == int(layer) && gid[n-1] == group {
			g.Groups[n-1].Len++
			return
		}
		info := b.groups[group]
		g.Groups = append(g.Groups, Group{Name: info.Name, Rule: info.Rule, Term: info.Term, Pos: info.Pos, Layer: int(layer), Start: j, Len: 1})
		gid = append(gid, group)
	}
	for _, old := range order {
		h := b.hidden[old]
		addNeuron(h.a, h.act, b.layer[old], h.group)
	}
	last := b.maxLayer + 1
	for _, o := range b.outputs {
		blk := o.block
		blk.Start = len(g.Bias)
		for i, a := range o.aff {
			addNeuron(a, Identity, last, o.groups[i])
		}
		g.Outputs = append(g.Outputs, blk)
	}
	if err := g.Validate(); err != nil {
		// A weight or bias that is not finite (a rule fed a range past
		// the largest float64), or a broken invariant: an error, never a
		// graph that would compute NaN, nor a panic.
		return nil, err
	}
	return g, nil
}
