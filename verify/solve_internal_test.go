package verify

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// A program whose choices run through a second state gets its answer and
// a clear note instead of items; a selection that does not reach the
// answer is a mismatch, never printed as the items.
func TestSolveItems(t *testing.T) {
	path, err := repo.RepoPath("testdata/lowdim/f3_l-d_kp_4_20.txt")
	require.NoError(t, err)
	inst, err := instance.ReadInstanceFile(path)
	require.NoError(t, err)

	for _, c := range []struct {
		program string
		items   bool
	}{{"examples/knapsack_int.dp", true}, {"testdata/programs/twostate.dp", false}} {
		f, err := repo.ReadProgram(c.program)
		require.NoError(t, err)
		params, notes, err := instance.Params(f, inst, nil)
		require.NoError(t, err)
		m, err := repo.Program(c.program, params)
		require.NoError(t, err)
		steps, err := instance.Bind(m, inst)
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{})
		require.NoError(t, err)
		r, err := Solve(net, inst, steps, engine.Float64, notes)
		require.NoError(t, err, c.program)
		if c.items {
			assert.NotEmpty(t, r.Taken, c.program)
			assert.Contains(t, r.Check, "the taken steps alone reach 35")
			assert.Empty(t, r.Items)

			// Drop one taken step: the rest no longer reaches 35.
			taken := make([]bool, len(steps))
			for _, s := range r.Taken[1:] {
				taken[s-1] = true
			}
			_, err = reachesAnswer(m, steps, taken, compile.Answer{Kind: m.Answer.Kind, Found: true, Index: 35, Value: 35})
			var mm *MismatchError
			require.True(t, errors.As(err, &mm), "%v", err)
			assert.Contains(t, err.Error(), "not the answer 35")
		} else {
			assert.Empty(t, r.Taken, c.program)
			assert.Contains(t, r.Items, "cannot be recovered for this program")
			assert.Contains(t, r.Items, "this program has 2")
		}
	}
}
