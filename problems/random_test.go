package problems

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// adv3 D5: verify knapsack.dp -set pmax=1 -random N panicked in
// instance.AppendixD, which needs pmax >= 2. For params its generator
// cannot draw for, RandomFor draws uniformly from the declared ranges,
// and says so in its name.
func TestRandomForEveryPmax(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	for _, tc := range []struct {
		pmax int64
		name string
	}{{1, "uniform"}, {2, "Appendix D"}, {20, "Appendix D"}} {
		m, err := dsl.Check(f, map[string]int64{"pmax": tc.pmax})
		require.NoError(t, err)
		gen, name := RandomFor(m, 5)
		assert.Equal(t, tc.name, name, "pmax=%d", tc.pmax)
		rng := instance.NewRand(uint64(tc.pmax))
		for range 20 {
			steps := gen(rng)
			require.NotEmpty(t, steps)
			for _, st := range steps {
				for i, in := range m.Inputs {
					assert.True(t, st[i] >= in.Lo && st[i] <= in.Hi, "pmax=%d: %s = %v outside %v..%v", tc.pmax, in.Name, st[i], in.Lo, in.Hi)
				}
			}
		}
	}
}
