package graphs

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallDigraphs draws count digraphs of at most MaxBruteForceVertices−1
// vertices over a spread of densities, with costs that are non-negative,
// of mixed sign (so some have negative cycles), shifted by potentials
// (negative arcs, no negative cycle), split into components, or with
// self-loops. Costs are integers, so every method must agree exactly.
func smallDigraphs(count int, seed uint64) []Graph {
	rng := NewRand(seed)
	out := make([]Graph, count)
	for i := range out {
		spec := DigraphSpec{N: 1 + rng.IntN(MaxBruteForceVertices-1), Density: []float64{0.2, 0.4, 0.7, 1}[rng.IntN(4)]}
		switch i % 5 {
		case 0:
			spec.MinCost, spec.MaxCost = 0, 9
		case 1:
			spec.MinCost, spec.MaxCost = -4, 9
		case 2:
			spec.MinCost, spec.MaxCost, spec.Potential = 0, 9, 12
		case 3:
			spec.MinCost, spec.MaxCost, spec.Components = -2, 9, 2+rng.IntN(2)
		case 4:
			spec.MinCost, spec.MaxCost, spec.SelfLoops = -3, 9, true
		}
		out[i] = RandomDigraph(rng, spec)
	}
	return out
}

func TestSingleSourceAgreesWithBruteForce(t *testing.T) {
	var negatives, unreachable, minusInf int
	for i, g := range smallDigraphs(3000, 1) {
		source := i % g.N
		name := fmt.Sprintf("graph %d (n=%d, source %d): %v", i, g.N, source, g.C)
		want, wantNeg, err := BruteForceShortestPaths(g, source)
		require.NoError(t, err)

		dist, neg, err := BellmanFord(g.N, g.Edges(), source)
		require.NoError(t, err)
		require.Equal(t, wantNeg, neg, name)
		require.Equal(t, want, dist, name)

		rows, err := BellmanFordRows(g, source, g.N, math.Inf(1))
		require.NoError(t, err)
		require.Equal(t, neg, !equalFloats(rows[g.N-1], rows[g.N]), "%s: row n changes iff a negative cycle is reachable", name)

		cycle, err := FindNegativeCycle(g.N, g.Edges(), source)
		require.NoError(t, err)
		require.Equal(t, neg, cycle != nil, name)
		if neg {
			negatives++
			require.Less(t, CycleCost(g, cycle), 0.0, "%s: cycle %v", name, cycle)
			for k, v := range dist {
				if math.IsInf(v, -1) {
					minusInf++
				} else {
					// Vertices untouched by the cycle still have their
					// distance in row n−1.
					require.Equal(t, v, rows[g.N-1][k], "%s: vertex %d", name, k)
				}
			}
			continue
		}
		require.Equal(t, dist, rows[g.N-1], name)
		for _, v := range dist {
			if math.IsInf(v, 1) {
				unreachable++
			}
		}
		if nonNegative(g) {
			d, err := Dijkstra(g, source)
			require.NoError(t, err)
			require.Equal(t, dist, d, name)
		}
	}
	// The draws must exercise every case, or the agreement says little.
	assert.Greater(t, negatives, 100, "graphs with a reachable negative cycle")
	assert.Greater(t, minusInf, 100, "vertices at −Inf")
	assert.Greater(t, unreachable, 100, "unreachable vertices")
}

func TestBellmanFordRowsWithBigM(t *testing.T) {
	for i, g := range smallDigraphs(1000, 2) {
		source := i % g.N
		_, neg, err := BellmanFord(g.N, g.Edges(), source)
		require.NoError(t, err)
		if neg {
			continue // big-M decoding is promised for graphs without negative cycles
		}
		want, err := BellmanFordRows(g, source, g.N, math.Inf(1))
		require.NoError(t, err)
		m, threshold := BigM(g, g.N)
		got, err := BellmanFordRows(g.WithBigM(m), source, g.N, m)
		require.NoError(t, err)
		for step := range got {
			for v, x := range got[step] {
				if math.IsInf(want[step][v], 1) {
					require.GreaterOrEqual(t, x, threshold, "graph %d step %d vertex %d: unreachable decodes as unreachable", i, step, v)
				} else {
					require.Equal(t, want[step][v], x, "graph %d step %d vertex %d", i, step, v)
				}
			}
		}
	}
}

func TestAllPairsAgree(t *testing.T) {
	var negatives int
	for i, g := range smallDigraphs(2000, 3) {
		name := fmt.Sprintf("graph %d (n=%d): %v", i, g.N, g.C)
		want, wantNeg, err := BruteForceAllPairs(g)
		require.NoError(t, err)
		fw, negFW, err := FloydWarshall(g)
		require.NoError(t, err)
		sq, negSq, err := MinPlusSquaring(g)
		require.NoError(t, err)
		require.Equal(t, wantNeg, negFW, name)
		require.Equal(t, wantNeg, negSq, name)
		require.Equal(t, want, fw, "%s: FloydWarshall", name)
		require.Equal(t, want, sq, "%s: MinPlusSquaring", name)
		if wantNeg {
			negatives++
		}

		// L(2^j) by squaring is L(2^j) one arc at a time, and row s of
		// L(k) is Bellman–Ford from s after k steps.
		powers, err := MinPlusPowers(g)
		require.NoError(t, err)
		require.Len(t, powers, SquaringSteps(g.N)+1)
		slow, err := PathsUpTo(g, 1<<SquaringSteps(g.N))
		require.NoError(t, err)
		for j, p := range powers {
			require.Equal(t, slow[(1<<j)-1], p, "%s: L(%d)", name, 1<<j)
		}
		for s := range g.N {
			rows, err := BellmanFordRows(g, s, len(slow), math.Inf(1))
			require.NoError(t, err)
			for k := range slow {
				require.Equal(t, rows[k+1], slow[k][s], "%s: row %d of L(%d)", name, s, k+1)
			}
		}
	}
	assert.Greater(t, negatives, 100, "graphs with a negative cycle")
}

func TestSquaringSteps(t *testing.T) {
	for _, tt := range []struct{ n, want int }{{1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {200, 8}} {
		// 2^s must reach n (cycles of n arcs) and 2^(s−1) must not.
		assert.Equal(t, tt.want, SquaringSteps(tt.n), "n = %d", tt.n)
	}
}

func TestDijkstraRejectsNegativeArcs(t *testing.T) {
	g := NewGraph(3)
	g.C[0][1], g.C[1][2] = 2, -1
	_, err := Dijkstra(g, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "negative arc 1→2")
}

func TestShortestPathBadInput(t *testing.T) {
	g := NewGraph(2)
	_, _, err := BellmanFord(2, []Edge{{0, 1, 1}}, 2)
	assert.ErrorContains(t, err, "source 2 out of range 0..1")
	_, _, err = BellmanFord(2, []Edge{{0, 5, 1}}, 0)
	assert.ErrorContains(t, err, "arc 0: head 5 out of range")
	_, _, err = BellmanFord(2, []Edge{{0, 1, math.NaN()}}, 0)
	assert.ErrorContains(t, err, "cost NaN")
	g.C[1] = g.C[1][:1]
	_, _, err = FloydWarshall(g)
	assert.ErrorContains(t, err, "row 1 has 1 entries, want 2")
	_, _, err = BruteForceShortestPaths(NewGraph(MaxBruteForceVertices+1), 0)
	assert.ErrorContains(t, err, "at most 8")
}

func TestRandomDigraphPromises(t *testing.T) {
	rng := NewRand(4)
	var negativeArcs int
	for range 500 {
		spec := DigraphSpec{N: 1 + rng.IntN(7), Density: rng.Float64(), MinCost: 0, MaxCost: 20, Potential: 30}
		g := RandomDigraph(rng, spec)
		for v := range g.N {
			_, neg, err := BruteForceShortestPaths(g, v)
			require.NoError(t, err)
			require.False(t, neg, "potentials keep every cycle non-negative: %v", g.C)
		}
		for _, e := range g.Edges() {
			if e.Cost < 0 {
				negativeArcs++
			}
		}
	}
	assert.Greater(t, negativeArcs, 500, "potentials do make negative arcs")

	g := RandomDigraph(rng, DigraphSpec{N: 9, Density: 1, MaxCost: 5, Components: 3})
	for _, e := range g.Edges() {
		assert.Equal(t, e.From%3, e.To%3, "no arc between components: %v", e)
	}
	reach := reachability(g)
	assert.False(t, reach[0][1], "the components are disconnected")

	a := RandomDigraph(NewRand(7), DigraphSpec{N: 6, Density: 0.5, MinCost: -3, MaxCost: 3})
	b := RandomDigraph(NewRand(7), DigraphSpec{N: 6, Density: 0.5, MinCost: -3, MaxCost: 3})
	assert.Equal(t, a, b, "the same seed draws the same graph")

	assert.Error(t, DigraphSpec{N: 3, Density: 0.5, MinCost: -1, MaxCost: 3, Potential: 2}.Validate(), "potentials over negative costs promise nothing")
	assert.Panics(t, func() { RandomDigraph(rng, DigraphSpec{N: 3, Density: 2}) })
}

// randomRealGraph has costs with fractions: FloydWarshall and squaring add
// the same arcs in different orders, so they may differ in the last bits.
func randomRealGraph(rng *rand.Rand, n int) Graph {
	g := NewGraph(n)
	for u := range n {
		for v := range n {
			if u != v && rng.Float64() < 0.6 {
				g.C[u][v] = rng.Float64() * 10
			}
		}
	}
	return g
}

func TestAllPairsRealCosts(t *testing.T) {
	rng := NewRand(5)
	for range 200 {
		g := randomRealGraph(rng, 2+rng.IntN(20))
		fw, _, err := FloydWarshall(g)
		require.NoError(t, err)
		sq, _, err := MinPlusSquaring(g)
		require.NoError(t, err)
		for i := range fw {
			for j := range fw {
				if math.IsInf(fw[i][j], 1) {
					require.True(t, math.IsInf(sq[i][j], 1))
					continue
				}
				// A shortest path has at most 19 arcs, each in [0, 10):
				// sums below 200 carry a rounding error below 19 ulps of
				// 256, about 1e-12; 1e-9 leaves room and still catches any
				// wrong path (costs differ by far more).
				require.InDelta(t, fw[i][j], sq[i][j], 1e-9)
			}
		}
	}
}
