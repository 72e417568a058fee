package compile_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
)

// The fptas scheme's rounded table starts from one value: a state with a
// per-cell initial value is refused by the rule (it was lowered from
// s.Init, 0 here, and answered pmax) and by the rounded DP of truth.
func TestFPTASRefusesPerCellInit(t *testing.T) {
	const src = `dp kinit
param pmax int = 9
input profit int in 1..pmax
input size real in 0..1
state f[p in 1..pmax] real in 0..2 = if p <= 2 then 0.1 else 2
f[p <= 0] = 0
step f[p] = min(f[p], f[p - profit] + size)
answer max p where f[p] <= 1
`
	m, err := repo.Source("t.dp", src, nil)
	require.NoError(t, err)
	_, err = compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 5})
	assert.ErrorContains(t, err, "t.dp:5:1: the fptas rounding rule starts its rounded table from one initial value; f has a value per cell (= if p <= 2 then 0.1 else 2)")
	_, err = truth.RunRoundedDP(m, [][]float64{{3, 0.5}}, 5)
	assert.ErrorContains(t, err, "per cell")
}
