package dsl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSumChain checks the one-pass check of a chain of + and -: the
// arguments (sums flattened, a leading run of constants folded, the
// subtracted terms negated) and the interval.
func TestSumChain(t *testing.T) {
	const decls = `dp t
param n int = 4
state f[p in 1..n] real in 0..2 = 2
state h[p in 1..n] real in -100..100 = 0
`
	tests := []struct {
		body   string
		kind   TermKind
		args   []string // the arguments' kinds and texts
		lo, hi float64
	}{
		{"1 + 2 + f[p]", TAdd, []string{"const 1 + 2", "read f[p]"}, 3, 5},
		{"f[p] + 1 + 2", TAdd, []string{"read f[p]", "const 1", "const 2"}, 3, 5},
		{"f[p] - f[p] - 1", TAdd, []string{"read f[p]", "neg f[p] - f[p]", "const f[p] - f[p] - 1"}, -3, 1},
		{"(f[p] + 1) - (f[p] - 2) + f[p]", TAdd, []string{"read f[p]", "const 1", "neg (f[p] + 1) - (f[p] - 2)", "read f[p]"}, 1, 7},
		{"1 + 2 - 3", TConst, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			b := stepBody(t, decls, []string{"f", "h"}, "h", tt.body)
			assert.Equal(t, tt.kind, b.Kind)
			assert.Equal(t, tt.body, b.Text)
			var args []string
			for _, a := range b.Args {
				args = append(args, strings.ToLower(a.Kind.String())+" "+a.Text)
			}
			assert.Equal(t, tt.args, args)
			assert.Equal(t, tt.lo, b.Lo, "Lo")
			assert.Equal(t, tt.hi, b.Hi, "Hi")
		})
	}
}

// TestLongSumPos checks that a long chain's position and text are its
// first term's and its whole source, as the parser records them.
func TestLongSumPos(t *testing.T) {
	const n = 5000
	body := strings.TrimSuffix(strings.Repeat("f[p] + ", n), " + ")
	src := fmt.Sprintf("dp t\nstate f[p in 1..2] real in 0..10000 = 0\nstep f[p] = clamp(%s, 0, 10000)\n", body)
	f, err := Parse("sum.dp", []byte(src))
	require.NoError(t, err)
	x := f.Steps[0].Body.(*Call).Args[0]
	assert.Equal(t, "sum.dp:3:19", x.Pos().String())
	assert.Equal(t, body, f.Text(x))
	m, err := Check(f, nil)
	require.NoError(t, err)
	sum := m.States[0].Body.Args[0]
	assert.Len(t, sum.Args, n)
	assert.Equal(t, float64(n*10000), sum.Hi)
}
