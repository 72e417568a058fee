package graphs

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
)

// LengthGraph is a digraph whose arcs have an integer length, the
// objective of the constrained shortest path problem and the index of its
// dynamic program, and a real resource, the constrained quantity. In the
// instances of Beasley & Christofides (ReadRCSP) the length is the arc
// cost and the resource the arc's resource use.
type LengthGraph struct {
	N    int
	Arcs []Arc
}

// Arc is one arc of a LengthGraph.
type Arc struct {
	From, To int
	Length   int
	Resource float64
}

// Validate reports an arc with an endpoint out of range, a negative
// length or a resource that is not a finite number.
func (g LengthGraph) Validate() error {
	if g.N < 0 {
		return fmt.Errorf("graphs: negative number of vertices %d", g.N)
	}
	for i, a := range g.Arcs {
		switch {
		case a.From < 0 || a.From >= g.N || a.To < 0 || a.To >= g.N:
			return fmt.Errorf("graphs: arc %d: %d→%d out of range 0..%d", i, a.From, a.To, g.N-1)
		case a.Length < 0:
			return fmt.Errorf("graphs: arc %d: %d→%d has negative length %d", i, a.From, a.To, a.Length)
		case math.IsNaN(a.Resource) || math.IsInf(a.Resource, 0):
			return fmt.Errorf("graphs: arc %d: %d→%d has resource %v", i, a.From, a.To, a.Resource)
		}
	}
	return nil
}

// ErrUnbounded reports a cycle of zero length and negative resource
// reachable from the source: then every table entry behind it is −∞.
var ErrUnbounded = errors.New("graphs: a zero-length cycle of negative resource is reachable")

// LengthTable runs the length-indexed dynamic program of the constrained
// shortest path problem for c = 0..maxLength:
//
//	f(c, v) = min( f(c−1, v), min_{u: ℓ_uv ≤ c} f(c − ℓ_uv, u) + r_uv ),
//
// with f(·, source) ≤ 0 for the empty walk and f(0, v) = +Inf otherwise:
// f(c, v) is the least resource of a walk from source to v of total
// length at most c (+Inf if there is none). This is the recurrence of
// Hertrich & Skutella for positive lengths. Arcs of length 0 are allowed
// too: within each layer c they are relaxed to a fixed point (at most N
// rounds), and a zero-length cycle of negative resource is ErrUnbounded.
// With non-negative resources the cheapest walk can always be taken to be
// a simple path.
func LengthTable(g LengthGraph, source, maxLength int) ([][]float64, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := checkSource(g.N, source); err != nil {
		return nil, err
	}
	if maxLength < 0 {
		return nil, fmt.Errorf("graphs: LengthTable: negative maximum length %d", maxLength)
	}
	var positive, zero []Arc
	for _, a := range g.Arcs {
		if a.Length == 0 {
			zero = append(zero, a)
		} else {
			positive = append(positive, a)
		}
	}
	f := make([][]float64, maxLength+1)
	for c := range f {
		row := make([]float64, g.N)
		for v := range row {
			row[v] = math.Inf(1)
			if c > 0 {
				row[v] = f[c-1][v]
			}
		}
		row[source] = math.Min(row[source], 0)
		for _, a := range positive {
			if a.Length <= c {
				row[a.To] = math.Min(row[a.To], f[c-a.Length][a.From]+a.Resource)
			}
		}
		if err := closeZeroLength(row, zero, g.N); err != nil {
			return nil, err
		}
		f[c] = row
	}
	return f, nil
}

// closeZeroLength relaxes the zero-length arcs until nothing changes:
// Bellman–Ford inside one layer of the table.
func closeZeroLength(row []float64, zero []Arc, n int) error {
	for round := 0; ; round++ {
		changed := false
		for _, a := range zero {
			if r := row[a.From] + a.Resource; r < row[a.To] {
				row[a.To], changed = r, true
			}
		}
		if !changed {
			return nil
		}
		if round >= n {
			return ErrUnbounded
		}
	}
}

// MinLength returns the least c with f(c, target) ≤ budget in a table of
// LengthTable: the optimum c* of the constrained shortest path problem
// "shortest path from source to target whose resource is at most budget".
// ok is false when no c ≤ maxLength of the table qualifies.
func MinLength(f [][]float64, target int, budget float64) (c int, ok bool) {
	for c, row := range f {
		if row[target] <= budget {
			return c, true
		}
	}
	return 0, false
}

// Label is one Pareto-optimal (length, resource) pair of walks to a vertex.
type Label struct {
	Length   int
	Resource float64
}

// ParetoLabels is the second method for the constrained shortest path
// problem, a label-setting algorithm (Desrochers & Soumis style): labels
// (length, resource) of walks from source are settled in lexicographic
// order from a heap, and a label dominated by one already settled at its
// vertex (no longer and no more resource) is dropped. labels[v] lists the
// settled labels of v by increasing length and strictly decreasing
// resource: the Pareto frontier of walks to v of length at most
// maxLength. f(c, v) of LengthTable is the resource of the last label of
// v with length ≤ c (TableFromLabels).
//
// Settling in that order is only right if no arc can make a label
// lexicographically smaller, so arcs of length 0 must have non-negative
// resource; that is reported as an error.
func ParetoLabels(g LengthGraph, source, maxLength int) ([][]Label, error) {
	labels, _, err := settleLabels(g, source, -1, math.Inf(1), maxLength)
	return labels, err
}

// ConstrainedPath solves the constrained shortest path problem by label
// setting: the shortest walk from source to target whose resource is at
// most budget, among walks of length at most maxLength, with the least
// resource among the shortest. It returns the walk as indices into
// g.Arcs (WalkLabel checks and sums it); ok is false when there is none.
func ConstrainedPath(g LengthGraph, source, target int, budget float64, maxLength int) (best Label, walk []int, ok bool, err error) {
	if err := checkSource(g.N, target); err != nil {
		return Label{}, nil, false, err
	}
	_, found, err := settleLabels(g, source, target, budget, maxLength)
	if err != nil || found == nil {
		return Label{}, nil, false, err
	}
	walk = []int{}
	for n := found; n.prev != nil; n = n.prev {
		walk = append(walk, n.arc)
	}
	for i, j := 0, len(walk)-1; i < j; i, j = i+1, j-1 {
		walk[i], walk[j] = walk[j], walk[i]
	}
	return found.Label, walk, true, nil
}

// labelNode is a label with its vertex, the label it extends and the
// index of the arc that extends it.
type labelNode struct {
	Label
	v, arc int
	prev   *labelNode
}

// settleLabels settles labels in lexicographic order. With target ≥ 0 it
// stops at the first label of target with resource ≤ budget and returns
// it; labels over the budget are pruned only when no arc has negative
// resource (otherwise a later arc could bring them back under it).
func settleLabels(g LengthGraph, source, target int, budget float64, maxLength int) ([][]Label, *labelNode, error) {
	if err := g.Validate(); err != nil {
		return nil, nil, err
	}
	if err := checkSource(g.N, source); err != nil {
		return nil, nil, err
	}
	if maxLength < 0 {
		return nil, nil, fmt.Errorf("graphs: label setting: negative maximum length %d", maxLength)
	}
	out := make([][]int, g.N)
	prune := true
	for i, a := range g.Arcs {
		if a.Length == 0 && a.Resource < 0 {
			return nil, nil, fmt.Errorf("graphs: label setting: arc %d: %d→%d has length 0 and negative resource %v", i, a.From, a.To, a.Resource)
		}
		prune = prune && a.Resource >= 0
		out[a.From] = append(out[a.From], i)
	}
	labels := make([][]Label, g.N)
	q := &labelQueue{{Label: Label{0, 0}, v: source, arc: -1}}
	for q.Len() > 0 {
		n := heap.Pop(q).(*labelNode)
		settled := labels[n.v]
		// Settled labels come in lexicographic order, so the last one has
		// the least resource of all: it dominates n iff its resource is
		// no larger.
		if len(settled) > 0 && settled[len(settled)-1].Resource <= n.Resource {
			continue
		}
		labels[n.v] = append(settled, n.Label)
		if n.v == target && n.Resource <= budget {
			return labels, n, nil
		}
		for _, i := range out[n.v] {
			a := g.Arcs[i]
			next := Label{n.Length + a.Length, n.Resource + a.Resource}
			if next.Length > maxLength || prune && next.Resource > budget {
				continue
			}
			heap.Push(q, &labelNode{Label: next, v: a.To, arc: i, prev: n})
		}
	}
	return labels, nil, nil
}

// TableFromLabels turns the Pareto labels of ParetoLabels into the table
// of LengthTable: f(c, v) = least resource of a label of v with length ≤ c.
func TableFromLabels(labels [][]Label, maxLength int) [][]float64 {
	f := make([][]float64, maxLength+1)
	for c := range f {
		f[c] = make([]float64, len(labels))
		for v, ls := range labels {
			f[c][v] = math.Inf(1)
			for _, l := range ls {
				if l.Length <= c {
					f[c][v] = l.Resource
				}
			}
		}
	}
	return f
}

// labelQueue is a min-heap of labels in lexicographic (length, resource)
// order.
type labelQueue []*labelNode

func (q labelQueue) Len() int { return len(q) }
func (q labelQueue) Less(i, j int) bool {
	if q[i].Length != q[j].Length {
		return q[i].Length < q[j].Length
	}
	return q[i].Resource < q[j].Resource
}
func (q labelQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *labelQueue) Push(x any)   { *q = append(*q, x.(*labelNode)) }
func (q *labelQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// RoundLengths returns a copy of g with every length ℓ replaced by ⌊ℓ/k⌋:
// the rounding behind the FPTAS for the constrained shortest path problem,
// which runs the length-indexed program on the rounded lengths. With
// non-negative resources, a walk that is shortest for the rounded lengths
// can be taken simple, so its true length exceeds the optimum by less
// than k per arc: at most OPT + k·(N−1).
func RoundLengths(g LengthGraph, k int) (LengthGraph, error) {
	if k < 1 {
		return LengthGraph{}, fmt.Errorf("graphs: RoundLengths: divisor %d, want ≥ 1", k)
	}
	h := LengthGraph{N: g.N, Arcs: append([]Arc(nil), g.Arcs...)}
	for i := range h.Arcs {
		h.Arcs[i].Length /= k
	}
	return h, nil
}

// WalkLabel checks that walk (indices into g.Arcs) is a walk from source
// and returns its end vertex, total length and total resource.
func WalkLabel(g LengthGraph, source int, walk []int) (end int, l Label, err error) {
	end = source
	for k, i := range walk {
		if i < 0 || i >= len(g.Arcs) {
			return 0, Label{}, fmt.Errorf("graphs: walk step %d: no arc %d", k, i)
		}
		a := g.Arcs[i]
		if a.From != end {
			return 0, Label{}, fmt.Errorf("graphs: walk step %d: arc %d leaves %d, not %d", k, i, a.From, end)
		}
		end, l.Length, l.Resource = a.To, l.Length+a.Length, l.Resource+a.Resource
	}
	return end, l, nil
}
