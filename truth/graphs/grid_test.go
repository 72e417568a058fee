package graphs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tables agree with the brute forces on seeded random instances,
// and with hand-worked ones.
func TestGridPathAgreesWithBruteForce(t *testing.T) {
	got, table := GridPath([][]int{{1, 3, 1}, {1, 5, 1}, {4, 2, 1}})
	assert.Equal(t, 7, got, "the classic 3×3 grid: 1→3→1→1→1")
	assert.Equal(t, [][]int{{1, 4, 5}, {2, 7, 6}, {6, 8, 7}}, table)
	rng := NewRand(1)
	for k := range 500 {
		m, n := 1+rng.IntN(6), 1+rng.IntN(6)
		c := make([][]int, m)
		for i := range c {
			c[i] = RandomSequence(rng, n, Alphabet{Lo: 0, Hi: 9})
		}
		want, err := GridPathBruteForce(c)
		require.NoError(t, err)
		got, _ := GridPath(c)
		require.Equal(t, want, got, "instance %d: %v", k, c)
	}
	big := make([][]int, 11)
	for i := range big {
		big[i] = make([]int, 10)
	}
	_, err := GridPathBruteForce(big)
	assert.Error(t, err)
}

func TestEditDistanceAgreesWithBruteForce(t *testing.T) {
	// kitten → sitting is 3 (CLRS Problem 15-5; the textbook example).
	kitten := []int{'k', 'i', 't', 't', 'e', 'n'}
	sitting := []int{'s', 'i', 't', 't', 'i', 'n', 'g'}
	got, table := EditDistance(kitten, sitting)
	assert.Equal(t, 3, got)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, table[0])
	rng := NewRand(2)
	for k := range 500 {
		alpha := Alphabet{Lo: 1, Hi: 1 + rng.IntN(3)}
		x := RandomSequence(rng, rng.IntN(6), alpha)
		y := RandomSequence(rng, rng.IntN(6), alpha)
		want, err := EditDistanceBruteForce(x, y)
		require.NoError(t, err)
		got, _ := EditDistance(x, y)
		require.Equal(t, want, got, "instance %d: %v %v", k, x, y)
	}
	_, err := EditDistanceBruteForce(make([]int, MaxBruteForceEdit+1), nil)
	assert.Error(t, err)
}

func TestPalindromeAgreesWithBruteForce(t *testing.T) {
	// BBABCBCAB has the longest palindromic subsequence BABCBAB (7).
	got, table := LongestPalindromicSubsequence([]int{2, 2, 1, 2, 3, 2, 3, 1, 2})
	assert.Equal(t, 7, got)
	assert.Equal(t, 1, table[3][3])
	assert.Equal(t, 0, table[3][2], "an empty interval")
	rng := NewRand(3)
	for k := range 500 {
		s := RandomSequence(rng, rng.IntN(10), Alphabet{Lo: 1, Hi: 1 + rng.IntN(4)})
		want, err := PalindromeBruteForce(s)
		require.NoError(t, err)
		got, table := LongestPalindromicSubsequence(s)
		require.Equal(t, want, got, "instance %d: %v", k, s)
		for i := range s {
			for j := i; j < len(s); j++ {
				w, err := PalindromeBruteForce(s[i : j+1])
				require.NoError(t, err)
				require.Equal(t, w, table[i][j], "instance %d: %v, interval %d..%d", k, s, i, j)
			}
		}
	}
	_, err := PalindromeBruteForce(make([]int, MaxBruteForcePalindrome+1))
	assert.Error(t, err)
}

func TestRodCuttingAgreesWithBruteForce(t *testing.T) {
	// CLRS 3rd ed., Section 15.1: r1..r10 for the prices 1 5 8 9 10 17 17 20 24 30.
	got, table := RodCutting([]int{1, 5, 8, 9, 10, 17, 17, 20, 24, 30})
	assert.Equal(t, 30, got)
	assert.Equal(t, []int{0, 1, 5, 8, 10, 13, 17, 18, 22, 25, 30}, table)
	rng := NewRand(4)
	for k := range 500 {
		price := RandomSequence(rng, rng.IntN(10), Alphabet{Lo: 0, Hi: 30})
		want, err := RodCuttingBruteForce(price)
		require.NoError(t, err)
		got, _ := RodCutting(price)
		require.Equal(t, want, got, "instance %d: %v", k, price)
	}
	_, err := RodCuttingBruteForce(make([]int, MaxBruteForceRod+1))
	assert.Error(t, err)
}
