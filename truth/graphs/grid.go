package graphs

import (
	"fmt"
	"slices"
)

// This file holds the ground truth of three programs whose base cases
// are written as branches of one if (examples/gridpath.dp,
// examples/editdist.dp, examples/palindrome.dp): each has the literal
// table of its dynamic program and a brute force that shares no code
// with it.

// GridPath returns the least cost of a monotone path (steps down or
// right) from the top-left to the bottom-right cell of the cost grid c
// (rows of equal length, at least one cell), counting every cell visited,
// and the table of the dynamic program: table[i][j] is the least cost of
// a path from (0, 0) to (i, j).
func GridPath(c [][]int) (int, [][]int) {
	m, n := len(c), len(c[0])
	table := make([][]int, m)
	for i := range table {
		table[i] = make([]int, n)
		for j := range table[i] {
			switch {
			case i == 0 && j == 0:
				table[i][j] = c[0][0]
			case i == 0:
				table[i][j] = table[i][j-1] + c[i][j]
			case j == 0:
				table[i][j] = table[i-1][j] + c[i][j]
			default:
				table[i][j] = min(table[i-1][j], table[i][j-1]) + c[i][j]
			}
		}
	}
	return table[m-1][n-1], table
}

// MaxBruteForceGrid is the largest rows + columns GridPathBruteForce
// accepts: it tries all C(m+n−2, m−1) paths, at most C(18, 9) = 48620.
const MaxBruteForceGrid = 20

// GridPathBruteForce tries every monotone path as a bit string of its
// m+n−2 moves (1 = down) with m−1 ones.
func GridPathBruteForce(c [][]int) (int, error) {
	m, n := len(c), len(c[0])
	if m+n > MaxBruteForceGrid {
		return 0, fmt.Errorf("graphs: GridPathBruteForce: %d×%d grid, at most %d rows and columns together", m, n, MaxBruteForceGrid)
	}
	moves := m + n - 2
	best := -1
	for mask := 0; mask < 1<<moves; mask++ {
		downs := 0
		for b := range moves {
			downs += mask >> b & 1
		}
		if downs != m-1 {
			continue
		}
		i, j, cost := 0, 0, c[0][0]
		for b := range moves {
			if mask>>b&1 == 1 {
				i++
			} else {
				j++
			}
			cost += c[i][j]
		}
		if best < 0 || cost < best {
			best = cost
		}
	}
	return best, nil
}

// EditDistance returns the Levenshtein distance of x and y (insertions,
// deletions and substitutions of cost 1) and the Wagner–Fischer table:
// table[i][j] is the distance of the prefixes x[:i] and y[:j].
func EditDistance(x, y []int) (int, [][]int) {
	table := make([][]int, len(x)+1)
	for i := range table {
		table[i] = make([]int, len(y)+1)
		for j := range table[i] {
			switch {
			case i == 0:
				table[i][j] = j
			case j == 0:
				table[i][j] = i
			default:
				sub := 1
				if x[i-1] == y[j-1] {
					sub = 0
				}
				table[i][j] = min(table[i-1][j]+1, table[i][j-1]+1, table[i-1][j-1]+sub)
			}
		}
	}
	return table[len(x)][len(y)], table
}

// MaxBruteForceEdit is the longest sequence EditDistanceBruteForce
// accepts.
const MaxBruteForceEdit = 7

// EditDistanceBruteForce computes the distance by its definition on the
// first symbols, without a table: an empty sequence is as far as the
// other is long; otherwise equal first symbols are free, and else the
// cheapest of deleting x's, inserting y's or substituting costs 1 more.
// It takes time exponential in the lengths.
func EditDistanceBruteForce(x, y []int) (int, error) {
	if len(x) > MaxBruteForceEdit || len(y) > MaxBruteForceEdit {
		return 0, fmt.Errorf("graphs: EditDistanceBruteForce: lengths %d and %d, at most %d", len(x), len(y), MaxBruteForceEdit)
	}
	var dist func(x, y []int) int
	dist = func(x, y []int) int {
		switch {
		case len(x) == 0:
			return len(y)
		case len(y) == 0:
			return len(x)
		case x[0] == y[0]:
			return dist(x[1:], y[1:])
		}
		return 1 + min(dist(x[1:], y), dist(x, y[1:]), dist(x[1:], y[1:]))
	}
	return dist(x, y), nil
}

// LongestPalindromicSubsequence returns the length of a longest
// palindromic subsequence of s and the table of every interval:
// table[i][j] is that length for s[i..j] (0-based, inclusive), 0 for
// i > j. It shares no code with the interval dynamic program of
// examples/palindrome.dp: a subsequence of t is a palindrome exactly
// when it is common to t and t reversed, so each entry is the LCS of the
// interval and its reverse.
func LongestPalindromicSubsequence(s []int) (int, [][]int) {
	n := len(s)
	table := make([][]int, n)
	for i := range table {
		table[i] = make([]int, n)
		for j := i; j < n; j++ {
			t := s[i : j+1]
			r := slices.Clone(t)
			slices.Reverse(r)
			table[i][j], _ = LCS(t, r)
		}
	}
	if n == 0 {
		return 0, table
	}
	return table[0][n-1], table
}

// MaxBruteForcePalindrome is the longest sequence
// PalindromeBruteForce accepts: it tries all 2^16 subsequences.
const MaxBruteForcePalindrome = 16

// PalindromeBruteForce tries every subsequence of s.
func PalindromeBruteForce(s []int) (int, error) {
	if len(s) > MaxBruteForcePalindrome {
		return 0, fmt.Errorf("graphs: PalindromeBruteForce: %d symbols, at most %d", len(s), MaxBruteForcePalindrome)
	}
	best := 0
	sub := make([]int, 0, len(s))
	for mask := 0; mask < 1<<len(s); mask++ {
		sub = sub[:0]
		for i, x := range s {
			if mask>>i&1 == 1 {
				sub = append(sub, x)
			}
		}
		if len(sub) <= best {
			continue
		}
		r := slices.Clone(sub)
		slices.Reverse(r)
		if slices.Equal(sub, r) {
			best = len(sub)
		}
	}
	return best, nil
}

// RodCutting returns the best revenue from cutting a rod of length
// len(price) into pieces, a piece of length k selling at price[k−1], and
// the table of the dynamic program (CLRS Section 15.1, bottom-up):
// table[i] is the best revenue of a rod of length i.
func RodCutting(price []int) (int, []int) {
	table := make([]int, len(price)+1)
	for i := 1; i <= len(price); i++ {
		for k := 1; k <= i; k++ {
			table[i] = max(table[i], price[k-1]+table[i-k])
		}
	}
	return table[len(price)], table
}

// MaxBruteForceRod is the longest rod RodCuttingBruteForce accepts: it
// tries all 2^(n−1) ways to cut it.
const MaxBruteForceRod = 20

// RodCuttingBruteForce tries every set of cut positions (bit b of the
// mask cuts after length b + 1).
func RodCuttingBruteForce(price []int) (int, error) {
	n := len(price)
	if n > MaxBruteForceRod {
		return 0, fmt.Errorf("graphs: RodCuttingBruteForce: length %d, at most %d", n, MaxBruteForceRod)
	}
	if n == 0 {
		return 0, nil
	}
	best := 0
	for mask := 0; mask < 1<<(n-1); mask++ {
		revenue, start := 0, 0
		for b := 0; b < n; b++ {
			if b == n-1 || mask>>b&1 == 1 {
				revenue += price[b-start]
				start = b + 1
			}
		}
		best = max(best, revenue)
	}
	return best, nil
}
