package graphs

import (
	"fmt"
	"math"
)

// MaxBruteForceVertices is the most vertices the brute-force shortest-path
// solvers accept: they enumerate every simple path and every simple cycle,
// which on a complete digraph of 8 vertices is about 10^5 of each.
const MaxBruteForceVertices = 8

// BruteForceShortestPaths is the slowest and most obviously correct
// single-source solver: it enumerates every simple path from source and
// every simple cycle. dist[v] is the cheapest simple path to v (+Inf if
// none), or −Inf when v is reachable from a negative cycle that is itself
// reachable from source; negCycle reports such a cycle. The answers mean
// exactly what BellmanFord's mean.
func BruteForceShortestPaths(g Graph, source int) (dist []float64, negCycle bool, err error) {
	if err := g.Validate(); err != nil {
		return nil, false, err
	}
	if g.N > MaxBruteForceVertices {
		return nil, false, fmt.Errorf("graphs: BruteForceShortestPaths: %d vertices, at most %d", g.N, MaxBruteForceVertices)
	}
	if err := checkSource(g.N, source); err != nil {
		return nil, false, err
	}
	dist = make([]float64, g.N)
	for v := range dist {
		dist[v] = math.Inf(1)
	}
	onPath := make([]bool, g.N)
	var walk func(v int, cost float64)
	walk = func(v int, cost float64) {
		dist[v] = math.Min(dist[v], cost)
		onPath[v] = true
		for w, c := range g.C[v] {
			if !onPath[w] && !math.IsInf(c, 1) {
				walk(w, cost+c)
			}
		}
		onPath[v] = false
	}
	walk(source, 0)

	reach := reachability(g)
	onNegative := negativeCycleVertices(g)
	for k := range g.N {
		if !onNegative[k] || !reach[source][k] {
			continue
		}
		negCycle = true
		for v := range g.N {
			if reach[k][v] {
				dist[v] = math.Inf(-1)
			}
		}
	}
	return dist, negCycle, nil
}

// BruteForceAllPairs runs BruteForceShortestPaths from every vertex: the
// brute-force counterpart of FloydWarshall and MinPlusSquaring.
func BruteForceAllPairs(g Graph) (d [][]float64, negCycle bool, err error) {
	d = make([][]float64, g.N)
	for s := range g.N {
		row, neg, err := BruteForceShortestPaths(g, s)
		if err != nil {
			return nil, false, err
		}
		d[s], negCycle = row, negCycle || neg
	}
	return d, negCycle, nil
}

// negativeCycleVertices marks the vertices of every simple cycle of
// negative cost, enumerating each cycle once from its smallest vertex.
func negativeCycleVertices(g Graph) []bool {
	marked := make([]bool, g.N)
	onPath := make([]bool, g.N)
	var path []int
	var extend func(root, v int, cost float64)
	extend = func(root, v int, cost float64) {
		if c := g.C[v][root]; !math.IsInf(c, 1) && cost+c < 0 {
			for _, u := range path {
				marked[u] = true
			}
		}
		for w := root + 1; w < g.N; w++ {
			if c := g.C[v][w]; !onPath[w] && !math.IsInf(c, 1) {
				onPath[w] = true
				path = append(path, w)
				extend(root, w, cost+c)
				path = path[:len(path)-1]
				onPath[w] = false
			}
		}
	}
	for root := range g.N {
		path = append(path[:0], root)
		onPath[root] = true
		extend(root, root, 0)
		onPath[root] = false
	}
	return marked
}

// reachability returns reach[u][v]: v can be reached from u by zero or
// more arcs.
func reachability(g Graph) [][]bool {
	reach := make([][]bool, g.N)
	for u := range g.N {
		reach[u] = make([]bool, g.N)
		stack := []int{u}
		reach[u][u] = true
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for w, c := range g.C[v] {
				if !reach[u][w] && !math.IsInf(c, 1) {
					reach[u][w] = true
					stack = append(stack, w)
				}
			}
		}
	}
	return reach
}
