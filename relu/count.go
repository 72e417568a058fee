package relu

import (
	"fmt"
	"sort"
)

// A counting Builder runs the very code that builds a graph but keeps no
// weight: per hidden neuron it records only its group (4 bytes), and per
// group what its neurons read (from which input blocks and groups, how
// many entries, row lengths). Since every group of an aligned graph sits
// on one layer (AlignGroups), the layer of a group is the longest chain
// of groups that feed it, and that is all the layout of the built graph
// depends on: Shape returns exactly Graph.Shape of the graph Build would
// have returned.

// Limit bounds what a counting Builder adds: hidden neurons, and a budget
// on NeuronCost per hidden neuron plus EntryCost per weight entry (say,
// bytes of memory). A field ≤ 0 sets no bound.
type Limit struct {
	Neurons                       int64
	NeuronCost, EntryCost, Budget int64
}

// over reports whether neurons hidden neurons with entries weight
// entries pass l, and whether by the budget.
func (l Limit) over(neurons, entries int64) (over, budget bool) {
	if l.Neurons > 0 && neurons > l.Neurons {
		return true, false
	}
	if l.Budget > 0 && l.NeuronCost*neurons+l.EntryCost*entries > l.Budget {
		return true, true
	}
	return false, false
}

// LimitError is the value a counting Builder panics with when a neuron
// would pass its Limit. The caller recovers it (see CatchLimit).
type LimitError struct {
	Limit Limit
	// Neurons and Entries are the hidden neurons and weight entries that
	// pass the limit: those added, plus those Expect announced.
	Neurons, Entries int64
	Budget           bool // the budget, not the neuron count, was passed
}

func (e *LimitError) Error() string {
	if e.Budget {
		return fmt.Sprintf("relu: %d hidden neurons and %d weight entries cost more than %d", e.Neurons, e.Entries, e.Limit.Budget)
	}
	return fmt.Sprintf("relu: more than %d hidden neurons", e.Limit.Neurons)
}

// NewCounter returns a counting Builder: Input, Group, ReLU, Neuron,
// Output, OutputGroups, AppendOutput and AlignGroups work as on a
// Builder, Build panics, and Shape measures the graph. ReLU and Neuron
// (and Expect) panic with a *LimitError once the neurons added pass
// limit, so that a graph far too large is refused after a walk no longer
// than the limit; CatchLimit recovers it.
func NewCounter(limit Limit) *Builder {
	return &Builder{count: &counter{limit: limit, lastRun: -1}}
}

// CatchLimit runs f, which adds neurons to a counting Builder, and
// returns the *LimitError it panics with, if any; other panics go on.
func CatchLimit(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*LimitError)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	return f()
}

type counter struct {
	limit   Limit
	groupOf []int32 // per hidden neuron
	tally   []groupTally
	outs    []outTally
	entries int64
	weights int64
	aligned bool
	runs    int // output groups of the built graph
	lastRun int // builder group of the last output neuron
}

// groupTally is what the neurons of one group (or output block) read.
type groupTally struct {
	n      int64
	bias   bool
	inputs []int64 // weight entries per input block (nil until one is read)
	from   []groupCount
	fromAt map[int32]int // index of a group in from, once from is long
	rows   rowTally
}

// groupCount is how many weight entries read a group.
type groupCount struct {
	group int32
	n     int64
}

// addFrom counts n entries reading group g. Most groups read few groups:
// a short list, indexed by a map once it grows.
func (t *groupTally) addFrom(g int32, n int64) {
	if t.fromAt == nil {
		for i := range t.from {
			if t.from[i].group == g {
				t.from[i].n += n
				return
			}
		}
		if len(t.from) == 8 {
			t.fromAt = make(map[int32]int, 16)
			for i, f := range t.from {
				t.fromAt[f.group] = i
			}
		}
	} else if i, ok := t.fromAt[g]; ok {
		t.from[i].n += n
		return
	}
	if t.fromAt != nil {
		t.fromAt[g] = len(t.from)
	}
	t.from = append(t.from, groupCount{g, n})
}

// outTally is what the neurons of one output block read.
type outTally struct {
	groupTally
	ordered   bool
	last      int
	numGroups int
	groups    []GroupInfo
}

// inputBlock returns the input block holding unit u < numInputs.
func (b *Builder) inputBlock(u Unit) int {
	return sort.Search(len(b.inputs), func(i int) bool { return b.inputs[i].Start+b.inputs[i].Len > int(u) })
}

// read tallies the entries of a into t.
func (c *counter) read(b *Builder, t *groupTally, a Affine) {
	ones := true
	run, runN := int32(-1), int64(0) // consecutive entries reading one group
	for _, term := range a.Terms {
		if term.Coef != 0 {
			c.weights++
		}
		ones = ones && term.Coef == 1
		if int(term.Unit) < b.numInputs {
			if t.inputs == nil {
				t.inputs = make([]int64, len(b.inputs))
			}
			t.inputs[b.inputBlock(term.Unit)]++
			continue
		}
		g := c.groupOf[int(term.Unit)-b.numInputs]
		if g != run {
			if runN > 0 {
				t.addFrom(run, runN)
			}
			run, runN = g, 0
		}
		runN++
	}
	if runN > 0 {
		t.addFrom(run, runN)
	}
	c.entries += int64(len(a.Terms))
	t.n++
	t.bias = t.bias || a.Const != 0
	t.rows.add(len(a.Terms), ones)
}

// check panics when neurons and entries more than those added pass the
// limit.
func (c *counter) check(neurons, entries int64) {
	n, e := int64(len(c.groupOf))+neurons, c.entries+entries
	if over, budget := c.limit.over(n, e); over {
		panic(&LimitError{Limit: c.limit, Neurons: n, Entries: e, Budget: budget})
	}
}

func (c *counter) neuron(b *Builder, group int, a Affine) Unit {
	c.check(1, int64(len(a.Terms)))
	for len(c.tally) < len(b.groups) {
		c.tally = append(c.tally, groupTally{})
	}
	c.read(b, &c.tally[group], a)
	c.groupOf = append(c.groupOf, int32(group))
	return Unit(b.numInputs + len(c.groupOf) - 1)
}

func (c *counter) output(b *Builder, name string, shape []int, group int, a Affine, start bool) {
	if start {
		c.outs = append(c.outs, outTally{ordered: true})
		b.outputs = append(b.outputs, outBlock{block: Block{Name: name, Shape: append([]int(nil), shape...)}})
	}
	o := &c.outs[len(c.outs)-1]
	b.outputs[len(b.outputs)-1].block.Len++
	c.read(b, &o.groupTally, a)
	k := rowClass(len(a.Terms))
	o.ordered = o.ordered && (o.n == 1 || k >= o.last)
	o.last = k
	// Build merges consecutive output neurons of one group into one
	// Graph.Groups entry, across blocks too.
	if group != c.lastRun || o.n == 1 {
		if group != c.lastRun {
			c.runs++
		}
		if o.numGroups < MaxTargetGroups {
			o.groups = append(o.groups, b.groups[group])
		}
		o.numGroups++
	}
	c.lastRun = group
}

// Shape returns the shape of the graph a counting Builder describes: the
// Graph.Shape of the graph Build would return. It fails when there are no
// outputs, and when the groups are not aligned (AlignGroups was not
// called, or could not align groups whose neurons feed each other).
func (b *Builder) Shape() (Shape, error) {
	c := b.count
	if c == nil {
		panic("relu: Shape of a Builder that is not counting")
	}
	if len(b.outputs) == 0 {
		return Shape{}, fmt.Errorf("relu: graph has no outputs")
	}
	s := Shape{Entries: c.entries, Weights: c.weights, Groups: c.runs}
	for _, in := range b.inputs {
		s.Inputs = append(s.Inputs, in.Len)
	}
	for _, o := range b.outputs {
		s.Outputs = append(s.Outputs, o.block.Len)
	}
	for len(c.tally) < len(b.groups) {
		c.tally = append(c.tally, groupTally{})
	}
	if len(c.groupOf) > 0 && !c.aligned {
		return Shape{}, fmt.Errorf("relu: a counting Builder measures aligned graphs only; call AlignGroups")
	}
	layer, err := c.groupLayers()
	if err != nil {
		return Shape{}, err
	}
	depth := int32(0)
	for g, l := range layer {
		if c.tally[g].n > 0 {
			depth = max(depth, l)
			s.Groups++
		}
	}
	nin := len(b.inputs)
	s.Widths = make([]int64, depth)
	hidden := make([]struct {
		Target
		rows rowTally
		srcs sourceTally
	}, depth)
	for l := range hidden {
		hidden[l].srcs = sourceTally{}
	}
	for g := range b.groups { // group id order is the built order within a layer
		t := &c.tally[g]
		if t.n == 0 {
			continue
		}
		h := &hidden[layer[g]-1]
		h.Width += t.n
		h.Bias = h.Bias || t.bias
		h.rows.merge(t.rows)
		for i, n := range t.inputs {
			if n > 0 {
				h.srcs[i] += n
			}
		}
		if h.NumGroups < MaxTargetGroups {
			h.Groups = append(h.Groups, b.groups[g])
		}
		h.NumGroups++
	}
	for to := range b.groups {
		for _, f := range c.tally[to].from {
			hidden[layer[to]-1].srcs[nin+int(layer[f.group])-1] += f.n
		}
	}
	for l := range hidden {
		h := &hidden[l]
		s.Widths[l] = h.Width
		h.Rows, h.Sources = h.rows.classes(), h.srcs.uses()
		s.Targets = append(s.Targets, h.Target)
	}
	if depth == 0 {
		s.Widths = nil
	}
	for _, o := range c.outs {
		srcs := sourceTally{}
		for i, n := range o.inputs {
			if n > 0 {
				srcs[i] += n
			}
		}
		for _, f := range o.from {
			srcs[nin+int(layer[f.group])-1] += f.n
		}
		s.Targets = append(s.Targets, Target{
			Width: o.n, Sources: srcs.uses(), Rows: o.rows.classes(), Bias: o.bias,
			Ordered: o.ordered, NumGroups: o.numGroups, Groups: o.groups,
		})
	}
	return s, nil
}

// groupLayers returns the layer of every group with neurons: 1 for a
// group that reads only inputs, else one above the deepest group it
// reads, as AlignGroups places them.
func (c *counter) groupLayers() ([]int32, error) {
	n := len(c.tally)
	indeg := make([]int, n)
	succ := make([][]int32, n)
	for to, t := range c.tally {
		for _, f := range t.from {
			succ[f.group] = append(succ[f.group], int32(to))
			indeg[to]++
		}
	}
	layer := make([]int32, n)
	var queue []int32
	for g := range n {
		if indeg[g] == 0 {
			queue = append(queue, int32(g))
		}
	}
	done := 0
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		done++
		layer[g] = 1
		for _, f := range c.tally[g].from {
			layer[g] = max(layer[g], layer[f.group]+1)
		}
		for _, s := range succ[g] {
			if indeg[s]--; indeg[s] == 0 {
				queue = append(queue, s)
			}
		}
	}
	if done < n {
		return nil, fmt.Errorf("relu: groups feed each other, so AlignGroups leaves the layers as placed; a counting Builder cannot measure that graph")
	}
	return layer, nil
}
