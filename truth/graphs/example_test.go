package graphs_test

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/truth/graphs"
)

// The Bellman–Ford rows of the recurrence f(i, v) = min(f(i−1, v),
// min_u f(i−1, u) + c_uv) on CLRS's Figure 24.4, from s.
func ExampleBellmanFordRows() {
	names := []string{"s", "t", "x", "y", "z"}
	edges := []graphs.Edge{{0, 1, 6}, {0, 3, 7}, {1, 2, 5}, {1, 3, 8}, {1, 4, -4},
		{2, 1, -2}, {3, 2, -3}, {3, 4, 9}, {4, 0, 2}, {4, 2, 7}}
	g, _ := graphs.FromEdges(len(names), edges)
	rows, _ := graphs.BellmanFordRows(g, 0, g.N-1, math.Inf(1))
	for i, row := range rows {
		fmt.Println(i, row)
	}
	dist, negCycle, _ := graphs.BellmanFord(g.N, edges, 0)
	fmt.Println(dist, negCycle)
	// Output:
	// 0 [0 +Inf +Inf +Inf +Inf]
	// 1 [0 6 +Inf 7 +Inf]
	// 2 [0 6 4 7 2]
	// 3 [0 2 4 7 2]
	// 4 [0 2 4 7 -2]
	// [0 2 4 7 -2] false
}

func ExampleLCS() {
	// CLRS Figure 15.8 with A, B, C, D as 0, 1, 2, 3.
	x := []int{0, 1, 2, 1, 3, 0, 1} // ABCBDAB
	y := []int{1, 3, 2, 0, 1, 0}    // BDCABA
	length, table := graphs.LCS(x, y)
	fmt.Println(length, graphs.OneLCS(x, y, table))
	// Output: 4 [1 2 1 0]
}

func ExampleHeldKarp() {
	c := [][]float64{
		{0, 1, 9, 4},
		{7, 0, 2, 9},
		{9, 8, 0, 3},
		{5, 9, 9, 0},
	}
	cost, tour, _ := graphs.HeldKarp(c, 1<<20)
	fmt.Println(cost, tour)
	_, _, err := graphs.HeldKarp(c, 100)
	fmt.Println(err)
	// Output:
	// 11 [0 1 2 3]
	// graphs: Held-Karp table exceeds the memory budget: 4 cities need 2^4·4·8 = 512 bytes, budget 100
}

// The length-indexed program: the least resource to reach each vertex
// with total length at most c, and the shortest path within a budget.
func ExampleLengthTable() {
	g := graphs.LengthGraph{N: 3, Arcs: []graphs.Arc{
		{From: 0, To: 2, Length: 5, Resource: 1},
		{From: 0, To: 1, Length: 1, Resource: 3},
		{From: 1, To: 2, Length: 1, Resource: 3},
	}}
	f, _ := graphs.LengthTable(g, 0, 5)
	for c, row := range f {
		fmt.Println(c, row)
	}
	c, _ := graphs.MinLength(f, 2, 2) // resource at most 2
	fmt.Println(c)
	// Output:
	// 0 [0 +Inf +Inf]
	// 1 [0 3 +Inf]
	// 2 [0 3 6]
	// 3 [0 3 6]
	// 4 [0 3 6]
	// 5 [0 3 1]
	// 5
}
