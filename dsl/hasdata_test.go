package dsl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// A program with a steps line or data runs on per-instance data; one
// with per-step inputs does not.
func TestHasData(t *testing.T) {
	for program, want := range map[string]bool{
		"examples/lcs.dp": true, "examples/csp.dp": true, "examples/knapsack.dp": false, "examples/topk.dp": false,
	} {
		f, err := repo.ReadProgram(program)
		require.NoError(t, err)
		assert.Equal(t, want, f.HasData(), program)
	}
	f, err := dsl.Parse("s.dp", []byte("dp s\nstate f[i in 1..2] int in 0..1 = 0\nf[i <= 0] = 0\nsteps 1\nstep f[i] = f[i]\nanswer f[1]\n"))
	require.NoError(t, err)
	assert.True(t, f.HasData(), "a steps line alone")
}
