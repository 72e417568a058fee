package dsl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseExtensionExpressions checks precedence and shape of if,
// conditions, reductions, brackets and sets.
func TestParseExtensionExpressions(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"if a == b then 1 else 2", "(if (== a b) 1 2)"},
		{"if a then x + 1 else y * 2", "(if a (+ x 1) (* y 2))"},
		{"if a < b then 0 else if c then 1 else 2", "(if (< a b) 0 (if c 1 2))"},
		{"1 + if c then 2 else 3 + 4", "(+ 1 (if c 2 (+ 3 4)))"},
		{"if a == 1 or b != 2 and not c in S then 0 else 1", "(if (or (== a 1) (and (!= b 2) (not (in c S)))) 0 1)"},
		{"if (a or b) and c notin S - {v} then 0 else 1", "(if (and (paren (or a b)) (notin c (- S ({} v)))) 0 1)"},
		{"if S == {v} then 0 else 1", "(if (== S ({} v)) 0 1)"},
		{"min(k in 1..n: f[k])", "(min k (.. 1 n) (f[] k))"},
		{"max(k in i + 1..j - 1 where k != 3: f[k] + 1)", "(max k (.. (+ i 1) (- j 1)) (!= k 3) (+ (f[] k) 1))"},
		{"min(u in S - {v}: f[S - {v}, u])", "(min u (- S ({} v)) (f[] (- S ({} v)) u))"},
		{"min(a, b)", "(min a b)"},
		{"min(k, 1)", "(min k 1)"},
		{"[x[i] == y[j]]", "([==] (x[] i) (y[] j))"},
		{"f[i - 1] + [a <= b + 1]", "(+ (f[] (- i 1)) ([<=] a (+ b 1)))"},
		{"f[{1..n - 1}, v]", "(f[] ({..} 1 (- n 1)) v)"},
		{"f[{}, {1, 2, 3}]", "(f[] ({}) ({} 1 2 3))"},
		{"ceil_log2(n - 1)", "(ceil_log2 (- n 1))"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f, err := Parse("t.dp", []byte("dp t\nanswer "+tt.src+"\n"))
			require.NoError(t, err)
			require.NotNil(t, f.Answer)
			assert.Equal(t, tt.want, sexpr(f.Answer.Value))
			assert.Equal(t, tt.src, f.Text(f.Answer.Value))
		})
	}
}

// TestParseExtensionDecls checks the new declarations and their positions.
func TestParseExtensionDecls(t *testing.T) {
	src := `dp x
data c[u in 1..n, v in 1..n] int in 0..9 or inf
data R real in 0..1
state f[S in subsets(1..n), v in 1..n] int in 0..9 or inf = if v in S then 0 else inf
f[v == 0] = inf
steps 1 + ceil_log2(n)
require fixpoint "a \"quoted\" \\ message"
step f[S, v] = f[S, v]
answer f
`
	f, err := Parse("x.dp", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Data, 2)
	assert.True(t, f.Data[0].OrInf)
	assert.Len(t, f.Data[0].Dims, 2)
	assert.Equal(t, "data c[u in 1..n, v in 1..n] int in 0..9 or inf", f.Text(f.Data[0]))
	assert.Empty(t, f.Data[1].Dims)
	assert.False(t, f.Data[1].OrInf)
	assert.Equal(t, Real, f.Data[1].Type)

	st := f.States[0]
	assert.True(t, st.OrInf)
	sd, ok := st.Dims[0].Range.Lo.(*SubsetsDim)
	require.True(t, ok)
	assert.Nil(t, st.Dims[0].Range.Hi)
	assert.Equal(t, "subsets(1..n)", f.Text(sd))
	_, ok = st.Init.(*If)
	assert.True(t, ok)

	require.NotNil(t, f.StepCount)
	assert.Equal(t, "steps 1 + ceil_log2(n)", f.Text(f.StepCount))
	require.Len(t, f.Requires, 1)
	r := f.Requires[0]
	assert.Equal(t, "fixpoint", r.What.Name)
	assert.Equal(t, `a "quoted" \ message`, r.Msg)
	assert.Equal(t, `require fixpoint "a \"quoted\" \\ message"`, f.Text(r))
	assert.Equal(t, Pos{File: "x.dp", Offset: r.MsgPos.Offset, Line: 7, Col: 18}, r.MsgPos)

	require.NotNil(t, f.Answer)
	assert.Equal(t, AnswerState, f.Answer.Kind)
	assert.Equal(t, "answer f", f.Text(f.Answer))
}
