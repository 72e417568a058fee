package graphs

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteLengthTable enumerates every walk from source of length at most
// maxLength and returns the least resource per (c, v) as LengthTable
// does. Inside a stretch of zero-length arcs no vertex repeats: with no
// negative zero-length cycle (RandomLengthGraph's promise) repeating one
// never helps, and it keeps the enumeration finite.
func bruteLengthTable(g LengthGraph, source, maxLength int) [][]float64 {
	exact := make([][]float64, maxLength+1)
	for c := range exact {
		exact[c] = make([]float64, g.N)
		for v := range exact[c] {
			exact[c][v] = math.Inf(1)
		}
	}
	var walk func(v, length int, res float64, zeroSeen map[int]bool)
	walk = func(v, length int, res float64, zeroSeen map[int]bool) {
		exact[length][v] = math.Min(exact[length][v], res)
		for _, a := range g.Arcs {
			if a.From != v || length+a.Length > maxLength {
				continue
			}
			seen := map[int]bool{a.To: true}
			if a.Length == 0 {
				if zeroSeen[a.To] {
					continue
				}
				for u := range zeroSeen {
					seen[u] = true
				}
			}
			walk(a.To, length+a.Length, res+a.Resource, seen)
		}
	}
	walk(source, 0, 0, map[int]bool{source: true})
	for c := 1; c <= maxLength; c++ {
		for v := range g.N {
			exact[c][v] = math.Min(exact[c][v], exact[c-1][v])
		}
	}
	return exact
}

func TestConstrainedAgreesWithBruteForce(t *testing.T) {
	rng := NewRand(11)
	var feasible, infeasible, zeroArcs int
	for i := range 1500 {
		spec := LengthGraphSpec{N: 1 + rng.IntN(5), Density: 0.5, MinLength: 0, MaxLength: 3, MinResource: 0, MaxResource: 6}
		if i%3 == 1 {
			// Positive lengths, resources of both signs: the table is over
			// walks, which may loop to gain resource.
			spec.MinLength, spec.MinResource = 1, -3
		}
		g := RandomLengthGraph(rng, spec)
		for _, a := range g.Arcs {
			if a.Length == 0 {
				zeroArcs++
			}
		}
		source, maxLength := rng.IntN(g.N), 1+rng.IntN(5)
		name := fmt.Sprintf("graph %d source %d maxLength %d: %+v", i, source, maxLength, g)

		want := bruteLengthTable(g, source, maxLength)
		f, err := LengthTable(g, source, maxLength)
		require.NoError(t, err, name)
		require.Equal(t, want, f, "%s: LengthTable", name)
		labels, err := ParetoLabels(g, source, maxLength)
		require.NoError(t, err, name)
		require.Equal(t, want, TableFromLabels(labels, maxLength), "%s: label setting", name)

		target := rng.IntN(g.N)
		budget := float64(rng.IntN(13)) / 2
		c, ok := MinLength(f, target, budget)
		best, walk, okLS, err := ConstrainedPath(g, source, target, budget, maxLength)
		require.NoError(t, err, name)
		require.Equal(t, ok, okLS, "%s: target %d budget %v", name, target, budget)
		if !ok {
			infeasible++
			continue
		}
		feasible++
		require.Equal(t, c, best.Length, "%s: target %d budget %v", name, target, budget)
		require.Equal(t, f[c][target], best.Resource, "%s: least resource at the optimum", name)
		end, sum, err := WalkLabel(g, source, walk)
		require.NoError(t, err, name)
		require.Equal(t, target, end, name)
		require.Equal(t, best, sum, name)
	}
	assert.Greater(t, feasible, 300)
	assert.Greater(t, infeasible, 100)
	assert.Greater(t, zeroArcs, 300, "zero-length arcs are exercised")
}

func TestLengthTableUnbounded(t *testing.T) {
	g := LengthGraph{N: 3, Arcs: []Arc{{0, 1, 1, 2}, {1, 2, 0, -1}, {2, 1, 0, 0.5}}}
	_, err := LengthTable(g, 0, 3)
	require.ErrorIs(t, err, ErrUnbounded, "1 → 2 → 1 has length 0 and resource −0.5")
	_, err = ParetoLabels(g, 0, 3)
	assert.ErrorContains(t, err, "length 0 and negative resource")

	// The same cycle behind an unreachable vertex is harmless.
	g.Arcs[0] = Arc{1, 0, 1, 2}
	f, err := LengthTable(g, 0, 3)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, math.Inf(1), math.Inf(1)}, f[3])
}

func TestLengthTableBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		g    LengthGraph
		want string
	}{
		{"head out of range", LengthGraph{N: 2, Arcs: []Arc{{0, 2, 1, 0}}}, "arc 0: 0→2 out of range 0..1"},
		{"negative length", LengthGraph{N: 2, Arcs: []Arc{{0, 1, -1, 0}}}, "negative length -1"},
		{"NaN resource", LengthGraph{N: 2, Arcs: []Arc{{0, 1, 1, math.NaN()}}}, "resource NaN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LengthTable(tt.g, 0, 3)
			assert.ErrorContains(t, err, tt.want)
			_, err = ParetoLabels(tt.g, 0, 3)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, err := LengthTable(LengthGraph{N: 2}, 0, -1)
	assert.ErrorContains(t, err, "negative maximum length")
}

func TestRoundLengthsGuarantee(t *testing.T) {
	rng := NewRand(12)
	var rounded int
	for i := range 500 {
		g := RandomLengthGraph(rng, LengthGraphSpec{N: 2 + rng.IntN(6), Density: 0.5, MinLength: 1, MaxLength: 40, MinResource: 0, MaxResource: 10})
		source, target, budget := 0, g.N-1, float64(rng.IntN(30))
		maxLength := 40 * g.N
		opt, _, ok, err := ConstrainedPath(g, source, target, budget, maxLength)
		require.NoError(t, err)
		if !ok {
			continue
		}
		for _, k := range []int{1, 3, 10} {
			h, err := RoundLengths(g, k)
			require.NoError(t, err)
			_, walk, ok, err := ConstrainedPath(h, source, target, budget, maxLength)
			require.NoError(t, err)
			require.True(t, ok, "rounding keeps every walk and its resource")
			// The walk is read on the original lengths: same arcs.
			_, truth, err := WalkLabel(g, source, walk)
			require.NoError(t, err)
			require.LessOrEqual(t, truth.Resource, budget)
			require.GreaterOrEqual(t, truth.Length, opt.Length, "graph %d: nothing beats the optimum", i)
			require.LessOrEqual(t, truth.Length, opt.Length+k*(g.N-1), "graph %d k %d: the FPTAS bound OPT + k·(n−1)", i, k)
			if truth.Length > opt.Length {
				rounded++
			}
		}
	}
	assert.Positive(t, rounded, "rounding sometimes does lose length, so the bound is exercised")
	_, err := RoundLengths(LengthGraph{}, 0)
	assert.Error(t, err)
}
