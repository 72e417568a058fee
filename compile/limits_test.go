package compile_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
)

// A read shifted at run time in two indices is refused with the limit
// documented in docs/dsl.md, not lowered to a wrong network.
func TestTwoRunTimeOffsetsRefused(t *testing.T) {
	src := `dp two
param n int = 4
input a int in 1..n
input b int in 1..n
state f[x in 1..n, y in 1..n] int in 0..100 = 0
f[x <= 0] = 0
f[y <= 0] = 0
step f[x, y] = min(100, max(f[x, y], f[x - a, y - b] + 1))
answer f[n, n]
`
	f, err := dsl.Parse("two.dp", []byte(src))
	require.NoError(t, err)
	m, err := dsl.Check(f, nil)
	require.NoError(t, err)
	_, err = compile.Lower(m, compile.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than one index")
	assert.Contains(t, err.Error(), "docs/dsl.md, Limits")
	assert.Contains(t, err.Error(), "two.dp:8:")
}
