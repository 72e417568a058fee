package graphs

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeldKarpAgreesWithBruteForce(t *testing.T) {
	rng := NewRand(21)
	var noTour int
	for i := range 1500 {
		n := 1 + rng.IntN(MaxBruteForceCities)
		c := RandomATSP(rng, n, []int{3, 100}[i%2])
		if i%4 == 3 {
			// Forbidden arcs: some instances have no tour at all.
			for range n {
				c[rng.IntN(n)][rng.IntN(n)] = math.Inf(1)
			}
		}
		name := fmt.Sprintf("instance %d: %v", i, c)
		want, wantTour, err := TSPBruteForce(c)
		require.NoError(t, err)
		got, tour, err := HeldKarp(c, hkBudget)
		require.NoError(t, err)
		require.Equal(t, want, got, name)
		if math.IsInf(want, 1) {
			noTour++
			require.Nil(t, tour, name)
			require.Nil(t, wantTour, name)
			continue
		}
		cost, err := TourCost(c, tour)
		require.NoError(t, err, name)
		require.Equal(t, got, cost, "%s: tour %v", name, tour)
		require.Equal(t, 0, tour[0], name)
	}
	assert.Greater(t, noTour, 20, "instances without a tour are exercised")
}

// TestHeldKarpStates checks every entry f(S, v) of the table against the
// cheapest of all orders of S that end at v.
func TestHeldKarpStates(t *testing.T) {
	rng := NewRand(22)
	for range 30 {
		n := 2 + rng.IntN(6)
		c := RandomATSP(rng, n, 50)
		table, err := HeldKarpStates(c, hkBudget)
		require.NoError(t, err)
		for set := uint64(1); set < 1<<(n-1); set++ {
			var cities []int
			for v := 1; v < n; v++ {
				if set&(1<<(v-1)) != 0 {
					cities = append(cities, v)
				}
			}
			best := map[int]float64{}
			permute(cities, func(order []int) {
				cost, prev := 0.0, 0
				for _, v := range order {
					cost, prev = cost+c[prev][v], v
				}
				if b, ok := best[prev]; !ok || cost < b {
					best[prev] = cost
				}
			})
			for v := 1; v < n; v++ {
				want, ok := best[v]
				if !ok {
					want = math.Inf(1)
				}
				require.Equal(t, want, table.At(set, v), "n %d set %b city %d", n, set, v)
			}
		}
	}
}

// permute calls visit with every order of xs (Heap's algorithm).
func permute(xs []int, visit func([]int)) {
	xs = slices.Clone(xs)
	var gen func(k int)
	gen = func(k int) {
		if k <= 1 {
			visit(xs)
			return
		}
		for i := range k - 1 {
			gen(k - 1)
			if k%2 == 0 {
				xs[i], xs[k-1] = xs[k-1], xs[i]
			} else {
				xs[0], xs[k-1] = xs[k-1], xs[0]
			}
		}
		gen(k - 1)
	}
	gen(len(xs))
}

func TestTSPBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    [][]float64
		want string
	}{
		{"no cities", nil, "no cities"},
		{"ragged", [][]float64{{0, 1}, {1}}, "row 1 has 1 entries, want 2"},
		{"NaN", [][]float64{{0, math.NaN()}, {1, 0}}, "cost 0→1 is NaN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := HeldKarp(tt.c, hkBudget)
			assert.ErrorContains(t, err, tt.want)
			_, _, err = TSPBruteForce(tt.c)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, _, err := TSPBruteForce(RandomATSP(NewRand(1), MaxBruteForceCities+1, 5))
	assert.ErrorContains(t, err, "at most 9")
	_, err = TourCost([][]float64{{0, 1}, {1, 0}}, []int{1, 1})
	assert.ErrorContains(t, err, "not a permutation")
}

func TestLCSAgreesWithBruteForce(t *testing.T) {
	rng := NewRand(31)
	var empty int
	for i := range 3000 {
		a := Alphabet{-1, rng.IntN(5)}
		x := RandomSequence(rng, rng.IntN(11), a)
		y := RandomSequence(rng, rng.IntN(13), a)
		require.NoError(t, a.Check("x", x))
		want, all, err := LCSBruteForce(x, y)
		require.NoError(t, err)
		got, table := LCS(x, y)
		require.Equal(t, want, got, "pair %d: %v %v", i, x, y)
		one := OneLCS(x, y, table)
		require.Contains(t, all, one, "pair %d: OneLCS gives a longest common subsequence", i)
		for k := range all {
			require.True(t, IsCommonSubsequence(all[k], x, y))
			if k > 0 {
				require.Negative(t, slices.Compare(all[k-1], all[k]), "distinct and sorted")
			}
		}
		if got == 0 {
			empty++
		}
		// Every cell is the LCS of two prefixes, as a network reads it.
		if i%10 == 0 {
			for p := range table {
				for q := range table[p] {
					l, _, err := LCSBruteForce(x[:p], y[:q])
					require.NoError(t, err)
					require.Equal(t, l, table[p][q], "pair %d cell (%d, %d)", i, p, q)
				}
			}
		}
	}
	assert.Greater(t, empty, 50, "pairs without a common symbol are exercised")
}

func TestAlphabetCheck(t *testing.T) {
	assert.NoError(t, Alphabet{0, 3}.Check("x", []int{0, 3, 2}))
	assert.EqualError(t, Alphabet{0, 3}.Check("y", []int{0, 4}), "graphs: y[1] = 4 is outside the alphabet 0..3")
	assert.ErrorContains(t, Alphabet{2, 1}.Check("x", nil), "empty alphabet")
	_, _, err := LCSBruteForce(make([]int, 21), make([]int, 22))
	assert.ErrorContains(t, err, "at most 20")
}
