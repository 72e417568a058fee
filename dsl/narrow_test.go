package dsl

import (
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
		// Still refused: the else branch of p == 2 has p = 1.
		{"if p == 2 then w[p - 1] else w[p - 1]", "index p - 1 of dimension 1 of data w ranges over 0..3, outside 1..4", 0, 0},
		// Sets are not read: both branches keep 1..4.
		{"if p in {2, 3} then w[p - 1] else 0", "index p - 1 of dimension 1 of data w ranges over 0..3, outside 1..4", 0, 0},
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
