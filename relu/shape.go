package relu

import (
	"math"
	"math/bits"
	"sort"
)

// Shape is a graph without its weights: the layer widths and, per layer,
// how many weights its neurons read from where. It is what a cost model
// needs to predict the sizes of a network, of its evaluation and of its
// ONNX layouts exactly. Graph.Shape computes it from a built graph; a
// counting Builder (NewCounter) computes the same Shape without storing a
// single weight, so a graph can be measured before it is built.
type Shape struct {
	Inputs  []int   // input block lengths
	Widths  []int64 // hidden layer widths: Widths[l-1] is layer l; nil without hidden layers
	Outputs []int   // output block lengths
	Entries int64   // weight entries (Graph.Src), zero weights included
	Weights int64   // nonzero weights
	Groups  int     // entries of Graph.Groups
	// Targets are the hidden layers 1..Depth-1 in order, then one per
	// output block: the tensors an ONNX layout computes.
	Targets []Target
}

// Target is one hidden layer or one output block of a Shape.
type Target struct {
	Width int64
	// Sources lists, by ascending source, how many weight entries of the
	// target read each source: input block i is source i, hidden layer l
	// is source len(Shape.Inputs)+l-1.
	Sources []SourceUse
	// Rows groups the neurons by their number of weight entries k, rounded
	// up to a power of two, by ascending Terms. A neuron without entries
	// counts as one entry of weight 0 (as the structured ONNX layout pads
	// it).
	Rows []RowClass
	// Bias reports whether some neuron has a nonzero bias.
	Bias bool
	// Ordered reports, for an output block, whether the row classes never
	// decrease along its neurons (always false for hidden layers).
	Ordered bool
	// NumGroups counts the groups (Graph.Groups) that hold neurons of the
	// target; Groups describes the first MaxTargetGroups of them.
	NumGroups int
	Groups    []GroupInfo
}

// MaxTargetGroups is how many groups a Target describes.
const MaxTargetGroups = 41

// SourceUse is how many weight entries of a target read one source.
type SourceUse struct {
	Source int
	Terms  int64
}

// RowClass describes the neurons of a target whose number of weight
// entries k lies in (Terms/2, Terms].
type RowClass struct {
	Terms    int   // a power of two
	N        int64 // neurons
	Min, Max int   // the least and the largest k
	Ones     bool  // every weight entry of these neurons is exactly 1
}

// Depth is the number of affine layers (hidden layers plus the output
// layer), as Graph.Depth.
func (s *Shape) Depth() int {
	if len(s.Outputs) == 0 && len(s.Widths) == 0 {
		return 0
	}
	return len(s.Widths) + 1
}

// Hidden is the number of hidden neurons.
func (s *Shape) Hidden() int64 {
	var n int64
	for _, w := range s.Widths {
		n += w
	}
	return n
}

// NumInputs is the number of input units.
func (s *Shape) NumInputs() int64 { return sumInts(s.Inputs) }

// NumOutputs is the number of output neurons.
func (s *Shape) NumOutputs() int64 { return sumInts(s.Outputs) }

func sumInts(xs []int) int64 {
	var n int64
	for _, x := range xs {
		n += int64(x)
	}
	return n
}

// rowClass returns the class index (log2 of RowClass.Terms) of a row
// with k entries, as the structured layout buckets it.
func rowClass(k int) int {
	if k <= 1 {
		return 0
	}
	return bits.Len(uint(k - 1))
}

// rowTally accumulates RowClasses indexed by class.
type rowTally []RowClass

func (t *rowTally) add(k int, ones bool) {
	if k == 0 {
		k, ones = 1, false // padded with one zero-weight entry
	}
	c := rowClass(k)
	for len(*t) <= c {
		*t = append(*t, RowClass{Terms: 1 << len(*t)})
	}
	r := &(*t)[c]
	if r.N == 0 {
		r.Min, r.Max, r.Ones = k, k, ones
	} else {
		r.Min, r.Max, r.Ones = min(r.Min, k), max(r.Max, k), r.Ones && ones
	}
	r.N++
}

func (t *rowTally) merge(o rowTally) {
	for len(*t) < len(o) {
		*t = append(*t, RowClass{Terms: 1 << len(*t)})
	}
	for c, r := range o {
		if r.N == 0 {
			continue
		}
		m := &(*t)[c]
		if m.N == 0 {
			*m = r
			continue
		}
		m.N += r.N
		m.Min, m.Max, m.Ones = min(m.Min, r.Min), max(m.Max, r.Max), m.Ones && r.Ones
	}
}

// classes returns the nonempty classes in ascending order.
func (t rowTally) classes() []RowClass {
	var out []RowClass
	for _, r := range t {
		if r.N > 0 {
			out = append(out, r)
		}
	}
	return out
}

// sourceTally accumulates SourceUses by source.
type sourceTally map[int]int64

func (t sourceTally) uses() []SourceUse {
	out := make([]SourceUse, 0, len(t))
	for s, n := range t {
		out = append(out, SourceUse{s, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

// Shape measures g (see Shape).
func (g *Graph) Shape() Shape {
	s := Shape{Groups: len(g.Groups)}
	for _, b := range g.Inputs {
		s.Inputs = append(s.Inputs, b.Len)
	}
	for _, b := range g.Outputs {
		s.Outputs = append(s.Outputs, b.Len)
	}
	depth := g.Depth()
	for _, w := range g.W {
		if w != 0 {
			s.Weights++
		}
	}
	s.Entries = int64(len(g.Src))
	inBlock := make([]int32, g.NumInputs)
	for i, b := range g.Inputs {
		for u := b.Start; u < b.Start+b.Len; u++ {
			inBlock[u] = int32(i)
		}
	}
	source := func(u Unit) int {
		if int(u) < g.NumInputs {
			return int(inBlock[u])
		}
		return len(g.Inputs) + int(g.Layer[int(u)-g.NumInputs]) - 1
	}
	target := func(lo, hi int, output bool) Target {
		t := Target{Width: int64(hi - lo), Ordered: output}
		var rows rowTally
		srcs := sourceTally{}
		last := -1
		for j := lo; j < hi; j++ {
			ones := true
			for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
				srcs[source(g.Src[r])]++
				ones = ones && g.W[r] == 1
			}
			k := g.RowStart[j+1] - g.RowStart[j]
			rows.add(k, ones)
			c := rowClass(k)
			t.Ordered = t.Ordered && c >= last
			last = c
			t.Bias = t.Bias || g.Bias[j] != 0
		}
		t.Rows, t.Sources = rows.classes(), srcs.uses()
		for _, gr := range g.Groups {
			if gr.Start < hi && gr.Start+gr.Len > lo {
				if t.NumGroups < MaxTargetGroups {
					t.Groups = append(t.Groups, GroupInfo{Name: gr.Name, Rule: gr.Rule, Term: gr.Term, Pos: gr.Pos})
				}
				t.NumGroups++
			}
		}
		return t
	}
	j := 0
	for l := 1; l < depth; l++ {
		lo := j
		for j < len(g.Layer) && int(g.Layer[j]) == l {
			j++
		}
		s.Widths = append(s.Widths, int64(j-lo))
		s.Targets = append(s.Targets, target(lo, j, false))
	}
	for _, b := range g.Outputs {
		s.Targets = append(s.Targets, target(b.Start, b.Start+b.Len, true))
	}
	return s
}

// DenseParams is the number of parameters of the dense ONNX layout of a
// graph of this shape, the one count that export, the cost model and
// Stats (dp2nn widths) use: for every target, a sourceLen × width matrix
// per source it reads (a target reading nothing reads the first nonempty
// input block through zeros, to get the batch dimension), plus one bias
// per neuron. It saturates at math.MaxInt64.
func (s *Shape) DenseParams() int64 {
	fallback := 0
	for i, n := range s.Inputs {
		if n > 0 {
			fallback = i
			break
		}
	}
	sourceLen := func(src int) int64 {
		if src < len(s.Inputs) {
			return int64(s.Inputs[src])
		}
		return s.Widths[src-len(s.Inputs)]
	}
	var n int64
	add := func(x int64) {
		if n > math.MaxInt64-x {
			n = math.MaxInt64
		} else {
			n += x
		}
	}
	mul := func(a, b int64) int64 {
		if a != 0 && b > math.MaxInt64/a {
			return math.MaxInt64
		}
		return a * b
	}
	for _, t := range s.Targets {
		if len(t.Sources) == 0 && len(s.Inputs) > 0 {
			add(mul(sourceLen(fallback), t.Width))
		}
		for _, u := range t.Sources {
			add(mul(sourceLen(u.Source), t.Width))
		}
		add(t.Width)
	}
	return n
}
