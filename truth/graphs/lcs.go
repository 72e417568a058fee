package graphs

import (
	"fmt"
	"slices"
)

// Alphabet is the declared symbol range Lo..Hi of a sequence problem: the
// network compares symbols by integer equality, so it has to know which
// integers can occur.
type Alphabet struct{ Lo, Hi int }

// Check reports the first symbol of seq outside the alphabet, naming its
// position (0-based) and the sequence's name.
func (a Alphabet) Check(name string, seq []int) error {
	if a.Lo > a.Hi {
		return fmt.Errorf("graphs: empty alphabet %d..%d", a.Lo, a.Hi)
	}
	for i, s := range seq {
		if s < a.Lo || s > a.Hi {
			return fmt.Errorf("graphs: %s[%d] = %d is outside the alphabet %d..%d", name, i, s, a.Lo, a.Hi)
		}
	}
	return nil
}

// LCS returns the length of a longest common subsequence of x and y and
// the whole table of the dynamic program: table[i][j] is the LCS length of
// the prefixes x[:i] and y[:j], with table[0][·] = table[·][0] = 0 and
//
//	table[i][j] = table[i−1][j−1] + 1                  if x[i−1] = y[j−1]
//	table[i][j] = max(table[i−1][j], table[i][j−1])    otherwise,
//
// the recurrence of CLRS Section 15.4 whose cell the LCS network computes
// on an (m+1)×(n+1) grid.
func LCS(x, y []int) (int, [][]int) {
	table := make([][]int, len(x)+1)
	for i := range table {
		table[i] = make([]int, len(y)+1)
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			if x[i-1] == y[j-1] {
				table[i][j] = table[i-1][j-1] + 1
			} else {
				table[i][j] = max(table[i-1][j], table[i][j-1])
			}
		}
	}
	return table[len(x)][len(y)], table
}

// OneLCS reads one longest common subsequence off the table of LCS,
// walking back from the corner (a match when the symbols agree, else up
// when that keeps the length, else left).
func OneLCS(x, y []int, table [][]int) []int {
	i, j := len(x), len(y)
	out := make([]int, table[i][j])
	for k := len(out); k > 0; {
		switch {
		case x[i-1] == y[j-1]:
			k--
			out[k] = x[i-1]
			i, j = i-1, j-1
		case table[i-1][j] == table[i][j]:
			i--
		default:
			j--
		}
	}
	return out
}

// MaxBruteForceLCS is the longest shorter sequence LCSBruteForce accepts:
// it tries all 2^20 subsequences of it.
const MaxBruteForceLCS = 20

// LCSBruteForce finds every distinct longest common subsequence of x and
// y by trying every subsequence of the shorter one and checking it
// against the longer one greedily. It returns the length and the distinct
// longest subsequences in lexicographic order; with no common symbol that
// is 0 and the empty sequence.
func LCSBruteForce(x, y []int) (int, [][]int, error) {
	short, long := x, y
	if len(y) < len(x) {
		short, long = y, x
	}
	if len(short) > MaxBruteForceLCS {
		return 0, nil, fmt.Errorf("graphs: LCSBruteForce: shorter sequence has %d symbols, at most %d", len(short), MaxBruteForceLCS)
	}
	best := 0
	var found [][]int
	sub := make([]int, 0, len(short))
	for mask := 0; mask < 1<<len(short); mask++ {
		sub = sub[:0]
		for i, s := range short {
			if mask&(1<<i) != 0 {
				sub = append(sub, s)
			}
		}
		if len(sub) < best || !isSubsequence(sub, long) {
			continue
		}
		if len(sub) > best {
			best, found = len(sub), found[:0]
		}
		found = append(found, slices.Clone(sub))
	}
	slices.SortFunc(found, slices.Compare)
	return best, slices.CompactFunc(found, slices.Equal), nil
}

// isSubsequence reports whether sub can be obtained from seq by deleting
// symbols; matching each symbol at its first chance is optimal.
func isSubsequence(sub, seq []int) bool {
	k := 0
	for _, s := range seq {
		if k < len(sub) && sub[k] == s {
			k++
		}
	}
	return k == len(sub)
}

// IsCommonSubsequence reports whether sub is a subsequence of both x and y.
func IsCommonSubsequence(sub, x, y []int) bool {
	return isSubsequence(sub, x) && isSubsequence(sub, y)
}
