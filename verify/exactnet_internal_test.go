package verify

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// Solve compares a per-step program's value answer with the exact
// interpreter: a network that computes another value, or NaN, is a
// mismatch (exit 1), never an answer printed with exit 0. The network is
// made wrong here by changing its initial state, which the interpreter
// does not share.
func TestSolveComparesValueAnswer(t *testing.T) {
	const src = `dp best
input theta real in -1000..1000
state v[c in 1..1] real in -1000..1000 = 0
step v[c] = max(v[c], theta)
answer v[1]
`
	for _, c := range []struct {
		name     string
		init     float64
		mismatch string // "" when Solve agrees
		check    string
	}{
		{"right", 0, "", "the answer equals the exact interpreter's 2"},
		{"wrong value", 5, "the network answers 5, the exact interpreter 2", ""},
		{"NaN", math.NaN(), "the network answers NaN, the exact interpreter 2", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := repo.Source("t.dp", src, nil)
			require.NoError(t, err)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			net.Init["v"][0] = c.init
			steps := [][]float64{{1.5}, {2}, {-3}}
			r, err := Solve(net, &instance.Instance{Source: "x.json"}, steps, engine.Float64, nil)
			if c.mismatch == "" {
				require.NoError(t, err)
				assert.Equal(t, c.check, r.Check)
				return
			}
			var mm *MismatchError
			require.True(t, errors.As(err, &mm), "%v", err)
			assert.Contains(t, err.Error(), c.mismatch)
		})
	}
}
