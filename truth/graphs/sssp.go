package graphs

import (
	"container/heap"
	"fmt"
	"math"
)

// BellmanFord computes the single-source shortest-path distances from
// source in the digraph on n vertices with the given arcs (parallel arcs
// and negative costs allowed). dist[v] is +Inf when v is unreachable and
// −Inf when a negative cycle reachable from source reaches v (there are
// walks to v of arbitrarily low cost); negCycle reports whether any
// negative cycle is reachable from source.
//
// It runs the textbook algorithm: n−1 rounds relaxing every arc (stopping
// early when a round changes nothing), then n more rounds in which a
// relaxable arc sets its head to −Inf, which spreads −Inf to everything a
// negative cycle reaches.
func BellmanFord(n int, edges []Edge, source int) (dist []float64, negCycle bool, err error) {
	if err := checkSource(n, source); err != nil {
		return nil, false, err
	}
	for i, e := range edges {
		if err := checkEdge(n, e); err != nil {
			return nil, false, fmt.Errorf("graphs: BellmanFord: arc %d: %w", i, err)
		}
	}
	dist = make([]float64, n)
	for v := range dist {
		dist[v] = math.Inf(1)
	}
	dist[source] = 0
	for range n - 1 {
		changed := false
		for _, e := range edges {
			if d := dist[e.From] + e.Cost; d < dist[e.To] {
				dist[e.To], changed = d, true
			}
		}
		if !changed {
			return dist, false, nil
		}
	}
	for range n {
		changed := false
		for _, e := range edges {
			if dist[e.From]+e.Cost < dist[e.To] {
				dist[e.To], changed, negCycle = math.Inf(-1), true, true
			}
		}
		if !changed {
			break
		}
	}
	return dist, negCycle, nil
}

// FindNegativeCycle returns the vertices of a negative cycle reachable
// from source, in arc order (cycle[i]→cycle[i+1], last→first), or nil
// when there is none. Of parallel arcs the cycle uses the cheapest, so
// CycleCost on the Graph of the same arcs gives its cost.
func FindNegativeCycle(n int, edges []Edge, source int) ([]int, error) {
	if err := checkSource(n, source); err != nil {
		return nil, err
	}
	for i, e := range edges {
		if err := checkEdge(n, e); err != nil {
			return nil, fmt.Errorf("graphs: FindNegativeCycle: arc %d: %w", i, err)
		}
	}
	dist := make([]float64, n)
	pred := make([]int, n)
	for v := range dist {
		dist[v], pred[v] = math.Inf(1), -1
	}
	dist[source] = 0
	last := -1
	// A vertex relaxed in round n lies on, or behind, a negative cycle:
	// without one, n−1 rounds settle every distance.
	for range n {
		last = -1
		for _, e := range edges {
			if d := dist[e.From] + e.Cost; d < dist[e.To] {
				dist[e.To], pred[e.To], last = d, e.From, e.To
			}
		}
		if last < 0 {
			return nil, nil
		}
	}
	// Walking n predecessors back from it lands on the cycle.
	v := last
	for range n {
		v = pred[v]
	}
	cycle := []int{v}
	for u := pred[v]; u != v; u = pred[u] {
		cycle = append(cycle, u)
	}
	for i, j := 0, len(cycle)-1; i < j; i, j = i+1, j-1 {
		cycle[i], cycle[j] = cycle[j], cycle[i]
	}
	return cycle, nil
}

// CycleCost is the cost of the closed walk cycle[0]→cycle[1]→…→cycle[0].
func CycleCost(g Graph, cycle []int) float64 {
	var cost float64
	for i, u := range cycle {
		cost += g.C[u][cycle[(i+1)%len(cycle)]]
	}
	return cost
}

// BellmanFordRows runs the recurrence of Hertrich & Skutella literally and
// keeps every row: f(0, source) = 0, f(0, v) = unreachable for v ≠ source,
// and for i = 1..steps
//
//	f(i, v) = min( f(i−1, v), min_u f(i−1, u) + C[u][v] ).
//
// f(i, v) is the cheapest walk to v with at most i arcs. With unreachable
// = +Inf and a graph without negative cycles, row n−1 holds the distances;
// row n differs from row n−1 exactly when a negative cycle is reachable.
// With a finite big-M (BigM, WithBigM) it is what a network computes with
// finite inputs, row by row.
func BellmanFordRows(g Graph, source, steps int, unreachable float64) ([][]float64, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := checkSource(g.N, source); err != nil {
		return nil, err
	}
	if steps < 0 {
		return nil, fmt.Errorf("graphs: BellmanFordRows: negative number of steps %d", steps)
	}
	rows := make([][]float64, steps+1)
	rows[0] = make([]float64, g.N)
	for v := range rows[0] {
		rows[0][v] = unreachable
	}
	rows[0][source] = 0
	for i := 1; i <= steps; i++ {
		prev, row := rows[i-1], make([]float64, g.N)
		for v := range g.N {
			best := prev[v]
			for u := range g.N {
				best = math.Min(best, prev[u]+g.C[u][v])
			}
			row[v] = best
		}
		rows[i] = row
	}
	return rows, nil
}

// Dijkstra computes the single-source distances of a graph without
// negative arcs (+Inf for unreachable vertices) with a binary heap. It
// reports a negative arc instead of returning a wrong answer.
func Dijkstra(g Graph, source int) ([]float64, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := checkSource(g.N, source); err != nil {
		return nil, err
	}
	for u, row := range g.C {
		for v, c := range row {
			if c < 0 {
				return nil, fmt.Errorf("graphs: Dijkstra: negative arc %d→%d (%v)", u, v, c)
			}
		}
	}
	dist := make([]float64, g.N)
	for v := range dist {
		dist[v] = math.Inf(1)
	}
	dist[source] = 0
	done := make([]bool, g.N)
	q := &queue{{source, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if done[it.v] {
			continue // a stale entry: v was settled at a lower distance
		}
		done[it.v] = true
		for w, c := range g.C[it.v] {
			if d := it.d + c; !done[w] && d < dist[w] {
				dist[w] = d
				heap.Push(q, item{w, d})
			}
		}
	}
	return dist, nil
}

type item struct {
	v int
	d float64
}

// queue is a min-heap of (vertex, tentative distance) with lazy deletion.
type queue []item

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].d < q[j].d }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

func checkSource(n, source int) error {
	if source < 0 || source >= n {
		return fmt.Errorf("graphs: source %d out of range 0..%d", source, n-1)
	}
	return nil
}
