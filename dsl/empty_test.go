package dsl

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReduceEmptiness checks that a min or max over a domain that is
// never empty, however its filter or set difference is written, keeps
// the range of its body, and that one empty for some cell adds -inf (max)
// or inf (min).
func TestReduceEmptiness(t *testing.T) {
	const decls = `dp t
param n int = 4
state f[p in 1..n] real in 0..2 = 0
state h[p in 1..n] real in -inf..2 or inf = 0
`
	negInf := math.Inf(-1)
	tests := []struct {
		body   string
		lo     float64
		mayInf bool
	}{
		// Never empty: {1..n} without one or two elements, n = 4.
		{"max(k in 1..n where k != 2: f[k])", 0, false},
		{"max(k in 1..n where k != p: f[k])", 0, false},
		{"max(k in {1..n} - {p}: f[k])", 0, false},
		{"min(k in 1..n where k != p: f[k])", 0, false},
		{"min(k in {1..n} - {p}: f[k])", 0, false},
		{"max(k in 1..n where k != p and k != n + 1 - p: f[k])", 0, false},
		{"max(k in 1..p where k >= p - 1: f[k])", 0, false},
		// Never empty on the cells that reach it (the enclosing if).
		{"if p > 1 then max(k in 1..p - 1: f[k]) else 0", 0, false},
		{"max(j in 2..n: max(k in 1..j where k != j: f[k]))", 0, false},
		{"max(j in 1..n where j > 1: max(k in 1..j where k != j: f[k]))", 0, false},
		// Empty for some cell.
		{"max(k in 1..p - 1: f[k])", negInf, false},
		{"min(k in 1..p - 1: f[k])", 0, true},
		{"max(k in 1..n where k == p and k != 2: f[k])", negInf, false},
		{"min(k in {1..n} - {p, 2, 3, 4}: f[k])", 0, true},
		{"max(j in 1..n: max(k in 1..j where k != j: f[k]))", negInf, false},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			b := stepBody(t, decls, []string{"f", "h"}, "h", tt.body)
			assert.Equal(t, tt.lo, b.Lo, "Lo")
			assert.Equal(t, 2.0, b.Hi, "Hi")
			assert.Equal(t, tt.mayInf, b.MayInf, "MayInf")
		})
	}
}

// TestReduceEmptinessErrors checks the messages that name the reduction
// that may be empty and a cell where it is, and the conservative answer
// when there are too many cells to enumerate.
func TestReduceEmptinessErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"issue example, really empty", `dp a
state f[i in 1..3] real in 0..10 = 0
steps 1
step f[i] = max(k in 1..3 where k != 2 and k != i and k != 4 - i: f[k])
answer f[1]
`, "4:13: step 1 of f is in -inf..0, outside its declared range 0..10; clamp it with clamp(...) or widen the declaration; max(k in 1..3 where k != 2 and k != i and k != 4 - i: f[k]) at 4:13 may be empty (a max of nothing is -inf), e.g. for i = 1"},
		{"min without or inf", `dp a
state f[i in 1..3, j in 1..3] int in 0..10 = 0
step f[i, j] = min(k in i..j: f[k, k])
answer f[1, 1]
`, "3:16: the step of f may be inf (it ranges over 0..10 or inf), but f is not declared or inf; write 0..10 or inf, or clamp it; min(k in i..j: f[k, k]) at 3:16 may be empty (a min of nothing is inf), e.g. for i = 2, j = 1"},
		{"subsets, empty where v is S's only element", `dp hk
state g[S in subsets(1..3), v in 1..3] int in 0..9 = 0
step g[S, v] = if v notin S then 0 else min(u in S - {v}: g[S - {v}, u])
answer g[{1..3}, 1]
`, "3:16: the step of g may be inf (it ranges over 0..9 or inf), but g is not declared or inf; write 0..9 or inf, or clamp it; min(u in S - {v}: g[S - {v}, u]) at 3:41 may be empty (a min of nothing is inf), e.g. for S = {1}, v = 1"},
		{"the outer reduction's filter", `dp a
state f[i in 1..3] real in 0..10 = 0
step f[i] = max(j in 1..3 where j != 2: max(k in 1..3 where k != j and k != 2 and k != i: f[k]))
answer f[1]
`, "3:13: step value range [-inf, 10] of f is not inside its declared range [0, 10]; clamp it with clamp(...) or widen the declaration; max(k in 1..3 where k != j and k != 2 and k != i: f[k]) at 3:41 may be empty (a max of nothing is -inf), e.g. for i = 3, j = 1"},
		{"too many cells", `dp a
state f[i in 1..70000] real in 0..10 = 0
step f[i] = max(k in 1..3 where k != i: f[k])
answer f[1]
`, "3:13: step value range [-inf, 10] of f is not inside its declared range [0, 10]; clamp it with clamp(...) or widen the declaration; max(k in 1..3 where k != i: f[k]) at 3:13 may be empty (a max of nothing is -inf): too many cells to decide it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("", []byte(tt.src))
			require.NoError(t, err)
			_, err = Check(f, nil)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// TestShorten checks that quoted expressions are cut to about 80
// characters.
func TestShorten(t *testing.T) {
	long := "f[i]" + strings.Repeat(" + f[i]", 1000)
	s := Shorten(long)
	assert.True(t, strings.HasSuffix(s, "…"))
	assert.Equal(t, long[:maxShown], strings.TrimSuffix(s, "…"))
	assert.Equal(t, "a + b", Shorten("a +\n   b"))
	assert.Equal(t, fmt.Sprint(strings.Repeat("x", maxShown)), Shorten(strings.Repeat("x", maxShown)))
}
