package verify_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
)

// NonEmptyReductions: programs whose reductions the checker once took for
// possibly empty (a filter k != i, a domain {1..4} - {i}) check, and the
// exact network, the smoothed graph and the exact interpreter agree on
// them.
func TestNonEmptyReductions(t *testing.T) {
	for name, src := range map[string]string{
		"filter": `dp v1
data w[i in 1..4] int in 0..5
state f[i in 1..4] int in 0..10 = 0
steps 3
step f[i] = max(k in 1..4 where k != i: min(w[k] + f[k], 10))
answer f[1] + f[4]
`,
		"difference": `dp v2
data w[i in 1..4] int in 0..5
state f[i in 1..4] real in 0..10 = 0
steps 3
step f[i] = min(k in {1..4} - {i}: min(w[k] + 0.5 * f[k], 10))
answer f[2]
`,
	} {
		t.Run(name, func(t *testing.T) {
			f, err := dsl.Parse(name+".dp", []byte(src))
			require.NoError(t, err)
			m, err := dsl.Check(f, nil)
			require.NoError(t, err)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			rep := &verify.Report{}
			require.NoError(t, verify.DataRandom(rep, net, "cell", bothTypes, 20, 1))
			assert.Equal(t, 20, rep.Rows[0].Cases)
			assert.Zero(t, rep.Mismatches, "%v", rep.Failures)

			opt := compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 1}
			c, what, err := verify.SmoothRandom(m, opt, 5, 1, 3, verify.SmoothLimit{}, nil)
			require.NoError(t, err)
			assert.Equal(t, 5, c.Cases)
			assert.NoError(t, c.Err(what))
		})
	}
}
