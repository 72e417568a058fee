package dsl

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each branch of an if is checked with the index ranges its condition
// leaves: reads that only the cells taking a branch make must be in range
// for those cells, not for all. Conditions the rule cannot read (sets)
// leave the ranges whole, and a branch no cell takes is dropped.
func TestCheckNarrowing(t *testing.T) {
	const decls = `dp t
param n int = 4
data w[i in 1..n] int in 1..3
state y[p in 1..n] int in 0..10 = 0
`
	tests := []struct {
		body string
		err  string // "" when the body checks
		kind TermKind
		lo   float64
	}{
		{"if p == 1 then 0 else w[p - 1]", "", TIf, 0},
		{"if p > 1 then w[p - 1] else 0", "", TIf, 0},
		{"if 1 < p then w[p - 1] else 0", "", TIf, 0},
		{"if not (p == 1) then w[p - 1] else 0", "", TIf, 0},
		{"if p != 1 then w[p - 1] else 0", "", TIf, 0},
		{"if p == 1 or p == 2 then 0 else w[p - 2]", "", TIf, 0},
		{"if p >= 2 and p <= 3 then w[p + 1] else 0", "", TIf, 0},
		{"if p < 2 or p > 3 then 0 else w[p + 1] + w[p - 1]", "", TIf, 0},
		{"if p == n then 0 else w[p + 1]", "", TIf, 0},
		// The index variable's own range narrows too: p - 1 in 1..3.
		{"if p == 1 then 5 else p - 1", "", TIf, 1},
		// A branch no cell takes is dropped.
		{"if p >= 1 then w[p] else w[0]", "", TData, 1},
		{"if p > n then w[0] else 3", "", TConst, 3},
		// Still refused: the else branch of p == 2 has p = 1 (and
		// p in 3..4, where the read is in range).
		{"if p == 2 then w[p - 1] else w[p - 1]", "index p - 1 of dimension 1 of data w ranges over 0..0, outside 1..4; data has no boundary lines, so its reads must stay in range (on the cells with p = 1)", 0, 0},
		// p != 2 in the middle of the range is two boxes.
		{"if p != 2 then w[p] else w[p - 1]", "", TIf, 1},
		// Memberships of a constant set are read.
		{"if p in {2, 3} then w[p - 1] else 0", "", TIf, 0},
		{"if p notin {1} then w[p - 1] else 0", "", TIf, 0},
		{"if 2 * p + 1 in {5, 7, 9} then w[p - 1] else 0", "", TIf, 0},
		// An index variable's value ranges over the hull of its boxes.
		{"if p == 2 or p == 3 then p else 2", "", TIf, 2},
		// A set that varies is not: both branches keep 1..4.
		{"if 2 in {p, 3} then w[p - 1] else 0", "index p - 1 of dimension 1 of data w ranges over 0..3, outside 1..4", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			src := decls + "step y[p] = " + tt.body + "\n"
			f, err := Parse("t.dp", []byte(src))
			require.NoError(t, err)
			m, err := Check(f, nil)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			b := m.States[0].Body
			assert.Equal(t, tt.kind, b.Kind)
			assert.Equal(t, tt.lo, b.Lo)
		})
	}
}

// The evaluation of a narrowed body takes, for every cell, the branch the
// checker checked: the reads it evaluates are in range.
func TestNarrowedBodyEvaluates(t *testing.T) {
	src := `dp t
param n int = 4
data w[i in 1..n] int in 1..3
state y[p in 1..n] int in 0..10 = 0
step y[p] = if p == 1 then 0 else w[p - 1] + w[n + 1 - p]
`
	f, err := Parse("t.dp", []byte(src))
	require.NoError(t, err)
	m, err := Check(f, nil)
	require.NoError(t, err)
	body := m.States[0].Body
	require.Equal(t, TIf, body.Kind)
	env := make(Env, m.NumVars)
	for p := 1; p <= 4; p++ {
		env[m.States[0].StepVars[0].ID] = int64(p)
		taken := body.Args[1]
		if body.Cond.Eval(env) != 0 {
			taken = body.Args[0]
		}
		if p == 1 {
			assert.Equal(t, TConst, taken.Kind)
			continue
		}
		for _, r := range []*Term{taken.Args[0], taken.Args[1]} {
			i := r.Index[0].Static.Eval(env)
			assert.True(t, i >= 1 && i <= 4, "p = %d reads w[%d]", p, i)
		}
	}
}

// The path condition of a branch is a union of boxes: the negation of a
// conjunction is a disjunction, and and distributes over it. Each read
// must be in range on every box; comparisons of two variables narrow by
// interval propagation.
func TestCheckNarrowingUnion(t *testing.T) {
	const decls = `dp t
param n int = 4
data x[i in 1..n, j in 1..n] int in 0..9
state g[i in 1..n, j in 1..n] int in 0..1000 = 0
`
	tests := []struct {
		name, body string
		err        string // "" when the body checks
	}{
		{"grid path", `clamp(if i == 1 and j == 1 then x[1, 1]
	else if i == 1 then g[1, j - 1] + x[1, j]
	else if j == 1 then g[i - 1, 1] + x[i, 1]
	else min(g[i - 1, j], g[i, j - 1]) + x[i, j], 0, 1000)`, ""},
		{"grid path, data reads", `if i == 1 and j == 1 then 0
	else if i == 1 then x[1, j - 1]
	else if j == 1 then x[i - 1, 1]
	else x[i - 1, j - 1]`, ""},
		// The then branch of an or is two boxes, and the ifs inside
		// narrow each.
		{"or, then nested", `if i == 1 or j == 1 then
		(if i == 1 and j == 1 then 0 else if i == 1 then x[1, j - 1] else x[i - 1, 1])
	else x[i - 1, j - 1]`, ""},
		{"not of and", `if not (i > 1 and j > 1) then 0 else x[i - 1, j - 1]`, ""},
		{"i != j in the middle", `if i != 2 and j != 3 then 0 else if i == 2 then x[i - 1, j] else x[i, j - 2]`, ""},
		// Comparisons of two variables: i < j leaves i in 1..3, j in 2..4.
		{"i < j", `if i < j then x[i + 1, j - 1] else 0`, ""},
		{"j > i", `if j > i then x[i + 1, j - 1] else 0`, ""},
		{"i == j", `if i == j then x[i, j] else 0`, ""},
		{"i + j <= 3", `if i + j <= 3 then x[i + 2, j + 2] else 0`, ""},
		// Refused: the second branch covers i = 1, j = 1 too.
		{"wrong guard", `if i == 1 and j == 2 then x[1, 1]
	else if i == 1 then g[1, j - 1] + x[1, j]
	else x[i, j]`, "read g[1, j - 1] can reach index 0 in dimension 2, outside the index range 1..4 of g, and no boundary line covers it; add a line like g[j <= 0] = VALUE (on the cells with i = 1, j = 1)"},
		{"wrong data guard", `if i == 1 and j == 2 then 0 else if i == 1 then x[1, j - 1] else 0`,
			"index j - 1 of dimension 2 of data x ranges over 0..0, outside 1..4; data has no boundary lines, so its reads must stay in range (on the cells with i = 1, j = 1)"},
		// Interval propagation is not exact for two variables, but it
		// is sound: i == j leaves i, j in 1..4, and i + 1 may be 5.
		{"i == j refused off the diagonal", `if i == j then x[i + 1, j] else 0`,
			"index i + 1 of dimension 1 of data x ranges over 2..5, outside 1..4"},
		// i != j is the boxes of i < j and i > j: on the first, i - j + 1
		// is at most 0.
		{"i != j", `if i != j then x[i - j + 1, 1] else 0`,
			"index i - j + 1 of dimension 1 of data x ranges over -2..0, outside 1..4; data has no boundary lines, so its reads must stay in range (on the cells with i in 1..3, j in 2..4, i - j <= -1)"},
		// A comparison of two variables is also kept as a difference
		// bound, which bounds their difference exactly.
		{"j - i under i < j", `if i < j then x[j - i, 1] else 0`, ""},
		{"i - j under i >= j + 1", `if i >= j + 1 then x[i - j, j] else 0`, ""},
		{"j - i + 1 under i <= j", `if i <= j then x[j - i + 1, 1] else 0`, ""},
		{"i == j", `if i == j then x[i - j + 1, i] else 0`, ""},
		{"i != j both ways", `if i != j then x[i - j + 4, 1] + x[j - i + 4, 1] else 0`, "index i - j + 4 of dimension 1 of data x ranges over 5..7, outside 1..4"},
		{"two bounds", `if i < j and j <= i + 2 then x[j - i + 2, 1] else 0`, ""},
		{"contradiction", `if i < j and j < i then x[0, 0] else 0`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := decls + "step g[i, j] = " + tt.body + "\n"
			f, err := Parse("t.dp", []byte(src))
			require.NoError(t, err)
			_, err = Check(f, nil)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
		})
	}
}

// Past maxBoxes boxes a region becomes its hull: sound, but a read in
// range on every box may then be refused. (i == 1 or j == 1) without the
// odd i in 3..2k+1 is about k boxes; x[i + j - 1, 1] is in range on each
// (i = 1 or j = 1), not on their hull.
func TestCheckNarrowingCap(t *testing.T) {
	src := func(k int) string {
		var conds []string
		for e := 3; e <= 2*k+1; e += 2 {
			conds = append(conds, fmt.Sprintf("i != %d", e))
		}
		return fmt.Sprintf(`dp t
param n int = 200
data x[i in 1..n, j in 1..1] int in 0..9
state g[i in 1..n, j in 1..n] int in 0..9 = 0
step g[i, j] = if (i == 1 or j == 1) and %s then x[i + j - 1, 1] else 0
`, strings.Join(conds, " and "))
	}
	for _, tt := range []struct {
		k  int
		ok bool
	}{{10, true}, {maxBoxes - 4, true}, {maxBoxes, false}, {90, false}} {
		f, err := Parse("t.dp", []byte(src(tt.k)))
		require.NoError(t, err)
		_, err = Check(f, nil)
		if tt.ok {
			assert.NoError(t, err, "k = %d", tt.k)
			continue
		}
		require.Error(t, err, "k = %d", tt.k)
		assert.Contains(t, err.Error(), "index i + j - 1 of dimension 1 of data x ranges over", "k = %d", tt.k)
	}
}

// A reduction's body is read only for the values of its variable in the
// cell's domain that pass the filter: it is checked on those cells, with
// the domain's ends as bounds (difference bounds when they are another
// variable plus a constant).
func TestCheckNarrowingReductions(t *testing.T) {
	const decls = `dp t
param n int = 5
data price[k in 1..n] int in 0..9
data x[i in 1..n, j in 1..n] int in 0..9
state r[i in 0..n] int in 0..45 = 0
state f[i in 1..n, j in 1..n] int in 0..45 = 0
steps n
`
	tests := []struct {
		name, steps string
		err         string
	}{
		// Rod cutting: k <= i, so i - k >= 0.
		{"rod cutting", `step r[i] = if i == 0 then 0 else clamp(max(k in 1..i: price[k] + r[i - k]), 0, 45)
step f[i, j] = 0`, ""},
		// k <= i - 1: i - k in 1..5 (and the domain 0..-1 of i = 0 is
		// empty).
		{"k below i", `step r[i] = clamp(max(k in 0..i - 1: r[i - k - 1] + x[i - k, 1]), 0, 45)
step f[i, j] = 0`, ""},
		{"k up to i", `step r[i] = clamp(max(k in 0..i: r[i - k] + x[i - k, 1]), 0, 45)
step f[i, j] = 0`, "index i - k of dimension 1 of data x ranges over 0..5, outside 1..5"},
		// An interval split: i <= k < j.
		{"interval split", `step r[i] = 0
step f[i, j] = if i < j then clamp(min(k in i..j - 1: f[i, k] + f[k + 1, j] + x[k - i + 1, j - k]), 0, 45) else 0`, ""},
		{"filter narrows", `step r[i] = 0
step f[i, j] = clamp(min(k in 1..n where k < j: x[j - k, k]), 0, 45)`, ""},
		{"filter narrows by a constant", `step r[i] = clamp(max(k in 0..n where k != 0: price[k]), 0, 45)
step f[i, j] = 0`, ""},
		{"constant set", `step r[i] = max(k in {2, 4}: price[k] + price[k - 1])
step f[i, j] = 0`, ""},
		{"still refused", `step r[i] = 0
step f[i, j] = min(k in 1..n: x[j - k + 1, 1])`, "index j - k + 1 of dimension 1 of data x ranges over -3..5, outside 1..5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("t.dp", []byte(decls+tt.steps+"\n"))
			require.NoError(t, err)
			_, err = Check(f, nil)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
		})
	}
}

// Difference bounds over three or more variables are closed (all-pairs
// shortest paths over the bounds and the ranges): i < j and j < l give
// l − i >= 2, so a read that needs it is accepted, where bounds combined
// pairwise left l − i in −4..4 and refused it. Every program of the first
// half was refused before; the second half reads one cell out of range
// and must still be refused, by a message at the index of the read.
func TestCheckNarrowingClosure(t *testing.T) {
	const decls = `dp t
param n int = 6
data x[d in 1..n] int in 0..9
data z[d in 2..n - 1] int in 0..9
state h[i in 1..n, j in 1..n, l in 1..n] int in 0..20 = 0
state t[i in 1..n, j in 1..n] int in 0..20 or inf = 0
`
	tests := []struct {
		name, steps string
		at, err     string // the index the error points at and its message; "" when the program checks
	}{
		{"chain", `step h[i, j, l] = if i < j and j < l then x[l - i - 1] else 0
step t[i, j] = 0`, "", ""},
		{"chain with gaps", `step h[i, j, l] = if i + 2 <= j and j < l then x[l - i - 2] else 0
step t[i, j] = 0`, "", ""},
		{"equalities", `step h[i, j, l] = if i == j and j == l then x[l - i + 1] + x[i - l + 1] else 0
step t[i, j] = 0`, "", ""},
		{"chain into a state", `step h[i, j, l] = if i < j and j < l then h[i, j, l - i - 1] else 0
step t[i, j] = 0`, "", ""},
		// l - j + i is at least (l - j) + i = 1 + 1, at most (i - j) + l
		// = -1 + 6: each end is a split into a difference and a term.
		{"mixed signs", `step h[i, j, l] = if i < j and j < l then z[l - j + i] else 0
step t[i, j] = 0`, "", ""},
		{"a cycle is no cell", `step h[i, j, l] = if i < j and j < l and l < i then x[0] else 0
step t[i, j] = 0`, "", ""},
		{"domain", `step h[i, j, l] = 0
step t[i, j] = min(k in i + 1..j - 1: x[j - i - 1])`, "", ""},
		{"filter", `step h[i, j, l] = 0
step t[i, j] = min(k in 1..n where i < k and k < j: x[j - i - 1])`, "", ""},
		{"nested domains", `step h[i, j, l] = 0
step t[i, j] = min(k in i + 1..j - 1: min(m in k + 1..j - 1: x[m - i - 1] + x[j - k - 1]))`, "", ""},
		{"domain in a branch", `step h[i, j, l] = if i < l then clamp(min(k in i..l - 1 where k > i: x[l - i - 1]), 0, 20) else 0
step t[i, j] = 0`, "", ""},

		{"chain, one short", `step h[i, j, l] = if i < j and j < l then x[l - i - 2] else 0
step t[i, j] = 0`, "l - i - 2", "index l - i - 2 of dimension 1 of data x ranges over 0..3, outside 1..6"},
		{"mixed signs, one over", `step h[i, j, l] = if i < j and j < l then z[l - j + i + 1] else 0
step t[i, j] = 0`, "l - j + i + 1", "index l - j + i + 1 of dimension 1 of data z ranges over 3..6, outside 2..5"},
		{"mixed signs, one under", `step h[i, j, l] = if i < j and j < l then z[l - j + i - 1] else 0
step t[i, j] = 0`, "l - j + i - 1", "index l - j + i - 1 of dimension 1 of data z ranges over 1..4, outside 2..5"},
		{"chain with <=", `step h[i, j, l] = if i < j and j <= l then x[l - i - 1] else 0
step t[i, j] = 0`, "l - i - 1", "index l - i - 1 of dimension 1 of data x ranges over 0..4, outside 1..6"},
		{"chain into a state, one short", `step h[i, j, l] = if i < j and j < l then h[i, j, l - i - 2] else 0
step t[i, j] = 0`, "l - i - 2", "read h[i, j, l - i - 2] can reach index 0 in dimension 3, outside the index range 1..6 of h, and no boundary line covers it"},
		{"filter with <=", `step h[i, j, l] = 0
step t[i, j] = min(k in 1..n where i < k and k <= j: x[j - i - 1])`, "j - i - 1", "index j - i - 1 of dimension 1 of data x ranges over 0..4, outside 1..6"},
		{"nested domains, one short", `step h[i, j, l] = 0
step t[i, j] = min(k in i + 1..j - 1: min(m in k..j - 1: x[m - i - 1] + x[j - k - 1]))`, "j - k - 1", "index j - k - 1 of dimension 1 of data x ranges over 0..3, outside 1..6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := decls + tt.steps + "\n"
			f, err := Parse("t.dp", []byte(src))
			require.NoError(t, err)
			_, err = Check(f, nil)
			if tt.err == "" {
				require.NoError(t, err)
				if strings.Contains(tt.name, "cycle") {
					// With n = 200, rounds of pairwise propagation
					// narrowed the ranges by one each, and stopped
					// before they were empty.
					_, err = Check(f, map[string]int64{"n": 200})
					require.NoError(t, err)
				}
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), positionOf(t, src, tt.at)+": "+tt.err)
		})
	}
}

// positionOf is "t.dp:LINE:COL" of the first text in src after its
// declarations (a step line).
func positionOf(t *testing.T, src, text string) string {
	lines := strings.Split(src, "\n")
	for n, line := range lines {
		if col := strings.Index(line, text); col >= 0 && strings.HasPrefix(line, "step") {
			return fmt.Sprintf("t.dp:%d:%d", n+1, col+1)
		}
	}
	t.Fatalf("%q is not in a step of\n%s", text, src)
	return ""
}

// A closed box is exact: on random conjunctions of bounds v <= c, v >= c
// and a·v − a·w <= c over two to four variables in small ranges, the
// box holds a cell exactly when some cell satisfies them all, and its
// ranges, difference bounds (maxDiff) and the range of random indices
// (formRange, coefficients −2..2) are those of the satisfying cells,
// enumerated. The hull of two boxes has the largest of their bounds.
func TestBoxCloseAgreesWithBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for trial := range 30000 {
		nv := 2 + rng.IntN(3)
		vars := make([]*Var, nv)
		for k := range vars {
			lo := rng.IntN(4)
			vars[k] = &Var{Name: string(rune('a' + k)), ID: k, Lo: lo, Hi: lo + rng.IntN(5)}
		}
		// draw returns a box of random bounds and its cells, or ok false
		// when constrain found none.
		draw := func() (box, [][]int, bool) {
			var forms []linear
			b, ok := box{}, true
			for range 1 + rng.IntN(6) {
				l := linear{coef: map[*Var]int64{}, konst: int64(rng.IntN(9) - 4)}
				v := vars[rng.IntN(nv)]
				if w := vars[rng.IntN(nv)]; w != v && rng.IntN(3) > 0 {
					a := int64(1 + rng.IntN(2))
					l.coef[v], l.coef[w] = a, -a
				} else {
					l.coef[v] = int64(2*rng.IntN(2) - 1)
				}
				forms = append(forms, l)
				if ok {
					out := constrain(b, l)
					if ok = len(out) == 1; ok {
						b = out[0]
					}
				}
			}
			cells := cellsOf(vars, forms)
			require.Equal(t, len(cells) > 0, ok, "trial %d: %v", trial, forms)
			return b, cells, ok
		}
		b, cells, ok := draw()
		if !ok {
			continue
		}
		for _, v := range vars {
			lo, hi := cellSpan(cells, func(c []int) int { return c[v.ID] })
			blo, bhi := b.bounds(v)
			require.Equal(t, [2]int{lo, hi}, [2]int{blo, bhi}, "trial %d: the range of %s on %v", trial, v.Name, b)
			for _, w := range vars {
				if w != v {
					_, hi := cellSpan(cells, func(c []int) int { return c[v.ID] - c[w.ID] })
					require.Equal(t, hi, b.maxDiff(v, w), "trial %d: the largest %s − %s on %v", trial, v.Name, w.Name, b)
				}
			}
		}
		for range 5 {
			coef := map[*Var]int64{}
			for _, v := range vars {
				coef[v] = int64(rng.IntN(5) - 2)
			}
			lo, hi := cellSpan(cells, func(c []int) int {
				s := 0
				for v, k := range coef {
					s += int(k) * c[v.ID]
				}
				return s
			})
			flo, fhi := b.formRange(coef, 0)
			require.Equal(t, [2]float64{float64(lo), float64(hi)}, [2]float64{flo, fhi}, "trial %d: the range of %s on %v", trial, formText(vars, coef), b)
		}
		b2, cells2, ok := draw()
		if !ok {
			continue
		}
		h := hullOf([]box{b, b2})
		require.True(t, b.within(h) && b2.within(h), "trial %d: %v and %v, hull %v", trial, b, b2, h)
		all := append(cells, cells2...)
		for _, v := range vars {
			for _, w := range vars {
				if w != v {
					_, hi := cellSpan(all, func(c []int) int { return c[v.ID] - c[w.ID] })
					require.Equal(t, hi, h.maxDiff(v, w), "trial %d: the largest %s − %s on the hull of %v and %v", trial, v.Name, w.Name, b, b2)
				}
			}
		}
	}
}

// cellsOf enumerates the cells (values of vars, by ID, in their
// declared ranges) where every form is at most 0.
func cellsOf(vars []*Var, forms []linear) [][]int {
	var cells [][]int
	cell := make([]int, len(vars))
	var walk func(k int)
	walk = func(k int) {
		if k == len(vars) {
			for _, l := range forms {
				s := l.konst
				for v, c := range l.coef {
					s += c * int64(cell[v.ID])
				}
				if s > 0 {
					return
				}
			}
			cells = append(cells, slices.Clone(cell))
			return
		}
		for x := vars[k].Lo; x <= vars[k].Hi; x++ {
			cell[k] = x
			walk(k + 1)
		}
	}
	walk(0)
	return cells
}

// cellSpan is the least and largest of f over cells (not empty).
func cellSpan(cells [][]int, f func([]int) int) (lo, hi int) {
	lo, hi = f(cells[0]), f(cells[0])
	for _, c := range cells[1:] {
		lo, hi = min(lo, f(c)), max(hi, f(c))
	}
	return lo, hi
}

// With other forms too (sums, coefficients −3..3 over every variable,
// narrowed by interval propagation) a box keeps every cell that satisfies
// its constraints, and is empty only when none does; the range of an
// index with coefficients beyond maxUnits (−12..12, split greedily)
// holds every value the index takes on those cells.
func TestBoxSoundOnOtherForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 9))
	for trial := range 20000 {
		nv := 2 + rng.IntN(3)
		vars := make([]*Var, nv)
		for k := range vars {
			lo := rng.IntN(4) - 2
			vars[k] = &Var{Name: string(rune('a' + k)), ID: k, Lo: lo, Hi: lo + rng.IntN(5)}
		}
		var forms []linear
		b, ok := box{}, true
		for range 1 + rng.IntN(5) {
			l := linear{coef: map[*Var]int64{}, konst: int64(rng.IntN(13) - 6)}
			if rng.IntN(2) == 0 {
				v, w := vars[rng.IntN(nv)], vars[rng.IntN(nv)]
				if v == w {
					continue
				}
				l.coef[v], l.coef[w] = 1, -1
			} else {
				for _, v := range vars {
					if c := int64(rng.IntN(7) - 3); c != 0 {
						l.coef[v] = c
					}
				}
			}
			forms = append(forms, l)
			if ok {
				out := constrain(b, l)
				if ok = len(out) == 1; ok {
					b = out[0]
				}
			}
		}
		cells := cellsOf(vars, forms)
		if !ok {
			var text []string
			for _, l := range forms {
				text = append(text, formText(vars, l.coef)+fmt.Sprintf(" %+d <= 0", l.konst))
			}
			require.Empty(t, cells, "trial %d: %s is empty, but cells satisfy it", trial, strings.Join(text, " and "))
			continue
		}
		for _, c := range cells {
			for _, v := range vars {
				lo, hi := b.bounds(v)
				require.True(t, c[v.ID] >= lo && c[v.ID] <= hi, "trial %d: cell %v is outside %v", trial, c, b)
			}
			for _, d := range b.diffs {
				require.LessOrEqual(t, c[d.v.ID]-c[d.w.ID], d.c, "trial %d: cell %v is outside %v", trial, c, b)
			}
		}
		if len(cells) == 0 {
			continue
		}
		for range 3 {
			coef := map[*Var]int64{}
			for _, v := range vars {
				coef[v] = int64(rng.IntN(25) - 12)
			}
			lo, hi := cellSpan(cells, func(c []int) int {
				s := 0
				for v, k := range coef {
					s += int(k) * c[v.ID]
				}
				return s
			})
			flo, fhi := b.formRange(coef, 0)
			require.True(t, flo <= float64(lo) && fhi >= float64(hi), "trial %d: %s on %v is %d..%d, beyond %g..%g", trial, formText(vars, coef), b, lo, hi, flo, fhi)
		}
	}
}

// formText writes Σ coef·v over vars: "+1·a -2·b".
func formText(vars []*Var, coef map[*Var]int64) string {
	var terms []string
	for _, v := range vars {
		if c := coef[v]; c != 0 {
			terms = append(terms, fmt.Sprintf("%+d·%s", c, v.Name))
		}
	}
	return strings.Join(terms, " ")
}
