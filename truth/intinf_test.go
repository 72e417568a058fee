package truth_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/truth"
)

// adv3 M8: an int state whose range allows ±inf (docs/dsl.md, "Infinite
// values"; dsl.Check accepts it) was refused by the interpreter: "value
// -inf of int state L is not an integer".
func TestIntStateInfinite(t *testing.T) {
	src := `dp longest
input x int in 0..3
state f[i in 1..3] int in -inf..inf = if i == 1 then 0 else -inf
f[i <= 0] = -inf
step f[i] = max(f[i], f[i - 1] + x)
answer f[3]
`
	f, err := dsl.Parse("t.dp", []byte(src))
	require.NoError(t, err)
	m, err := dsl.Check(f, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		steps [][]float64
		want  float64
	}{
		{[][]float64{{2}}, math.Inf(-1)}, // f[3] not reached in one step
		{[][]float64{{2}, {3}}, 5},
	} {
		trace, err := truth.RunDP(m, tc.steps)
		require.NoError(t, err)
		got, err := trace.Answer()
		require.NoError(t, err)
		assert.Equal(t, tc.want, got.Float64(), "steps %v", tc.steps)
	}
}
