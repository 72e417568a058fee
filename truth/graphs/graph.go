package graphs

import (
	"fmt"
	"math"
)

// Graph is a weighted digraph on the vertices 0..N−1 as a dense cost
// matrix: C[u][v] is the cost of the arc u→v, math.Inf(1) when there is no
// such arc. C[v][v] is a self-loop, usually absent (+Inf): shortest-path
// solvers treat a negative self-loop as a negative cycle, and the TSP
// solvers ignore the diagonal. Costs are finite reals or +Inf; NaN and −Inf
// are rejected by Validate.
//
// The dense form is what the networks of Hertrich & Skutella read (one
// input per ordered pair); Edges and FromEdges convert to and from arc
// lists, which BellmanFord takes.
type Graph struct {
	N int
	C [][]float64
}

// Edge is one arc of a digraph.
type Edge struct {
	From, To int
	Cost     float64
}

// NewGraph returns the graph on n vertices without arcs.
func NewGraph(n int) Graph {
	g := Graph{N: n, C: make([][]float64, n)}
	inf := math.Inf(1)
	for u := range n {
		g.C[u] = make([]float64, n)
		for v := range n {
			g.C[u][v] = inf
		}
	}
	return g
}

// FromEdges builds the graph on n vertices with the given arcs; of
// parallel arcs it keeps the cheapest, as every shortest-path problem
// would. It reports an endpoint out of range and a cost that is NaN or
// −Inf, naming the arc.
func FromEdges(n int, edges []Edge) (Graph, error) {
	if n < 0 {
		return Graph{}, fmt.Errorf("graphs: negative number of vertices %d", n)
	}
	g := NewGraph(n)
	for i, e := range edges {
		if err := checkEdge(n, e); err != nil {
			return Graph{}, fmt.Errorf("graphs: arc %d: %w", i, err)
		}
		g.C[e.From][e.To] = math.Min(g.C[e.From][e.To], e.Cost)
	}
	return g, nil
}

func checkEdge(n int, e Edge) error {
	switch {
	case e.From < 0 || e.From >= n:
		return fmt.Errorf("tail %d out of range 0..%d", e.From, n-1)
	case e.To < 0 || e.To >= n:
		return fmt.Errorf("head %d out of range 0..%d", e.To, n-1)
	case math.IsNaN(e.Cost) || math.IsInf(e.Cost, -1):
		return fmt.Errorf("%d→%d: cost %v", e.From, e.To, e.Cost)
	}
	return nil
}

// Validate reports a matrix that is not N×N or holds NaN or −Inf.
func (g Graph) Validate() error {
	if g.N < 0 || len(g.C) != g.N {
		return fmt.Errorf("graphs: %d rows for %d vertices", len(g.C), g.N)
	}
	for u, row := range g.C {
		if len(row) != g.N {
			return fmt.Errorf("graphs: row %d has %d entries, want %d", u, len(row), g.N)
		}
		for v, c := range row {
			if math.IsNaN(c) || math.IsInf(c, -1) {
				return fmt.Errorf("graphs: cost %d→%d is %v", u, v, c)
			}
		}
	}
	return nil
}

// Edges lists the finite entries of the matrix as arcs, row by row.
func (g Graph) Edges() []Edge {
	var edges []Edge
	for u, row := range g.C {
		for v, c := range row {
			if !math.IsInf(c, 1) {
				edges = append(edges, Edge{u, v, c})
			}
		}
	}
	return edges
}

// Clone returns a deep copy.
func (g Graph) Clone() Graph {
	h := Graph{N: g.N, C: make([][]float64, len(g.C))}
	for u, row := range g.C {
		h.C[u] = append([]float64(nil), row...)
	}
	return h
}

// WithBigM returns a copy whose missing arcs cost m instead of +Inf: the
// form a network with finite inputs reads. BigM says how large m must be.
func (g Graph) WithBigM(m float64) Graph {
	h := g.Clone()
	for _, row := range h.C {
		for v, c := range row {
			if math.IsInf(c, 1) {
				row[v] = m
			}
		}
	}
	return h
}

// BigM returns a finite stand-in m for "no arc" and a threshold t for
// recurrences over walks of at most maxArcs arcs (Bellman-Ford rows,
// min-plus powers) run with m in place of +Inf, both for the arcs
// (WithBigM) and for the unreachable start values. Every value of such a
// recurrence that is the cost of a real walk is below t, and every value
// that used m at least once is at least t, so "value ≥ t" decodes to
// unreachable. With A the largest |cost| of an arc: a real walk costs at
// most maxArcs·A < t = maxArcs·A + 1, and a walk through m costs at least
// m − maxArcs·A = t for m = 2·maxArcs·A + 1.
func BigM(g Graph, maxArcs int) (m, threshold float64) {
	var a float64
	for _, row := range g.C {
		for _, c := range row {
			if !math.IsInf(c, 1) {
				a = math.Max(a, math.Abs(c))
			}
		}
	}
	k := float64(max(maxArcs, 1))
	return 2*k*a + 1, k*a + 1
}
