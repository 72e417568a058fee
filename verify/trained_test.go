package verify_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/verify"
)

// Trained counts exact answers: the compiled cell itself, run as a
// "trained" model, answers every instance; the same cell with f[pmax]
// pulled down by 0.2 at every step answers pmax where the item sizes
// total a little over 1 (Appendix D's profits sum to pmax), and the
// verdict says so.
func TestTrained(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	src, err := os.ReadFile(filepath.Join(root, "examples/knapsack.dp"))
	require.NoError(t, err)
	f, err := dsl.Parse("examples/knapsack.dp", src)
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 6})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	write := func(name string, bump float64) string {
		g := *net.Cell
		g.Bias = slices.Clone(g.Bias)
		g.Bias[g.Outputs[0].Start+5] += bump
		eo := export.Options{Layout: export.Dense, Form: export.Cell, State: net.State, Init: net.Init, DType: export.Float64,
			Source: engine.SourceOf(net, compile.Options{}, "examples/knapsack.dp", src), Metadata: map[string]string{verify.TrainedMark: "1"}}
		path := filepath.Join(t.TempDir(), name+".onnx")
		require.NoError(t, export.WriteFile(path, &g, eo))
		return path
	}
	run, back := open(t, write("same", 0), engine.Go)
	rep, err := verify.Trained(run, back, 300, 1, 10, nil)
	require.NoError(t, err)
	assert.Equal(t, verify.Tally{Exact: 300}, rep.Trained)
	assert.Equal(t, verify.Tally{Exact: 300}, rep.Compiled)
	assert.LessOrEqual(t, float64(rep.MaxErr), 1e-15) // float64 sums of sizes
	require.NoError(t, rep.Err())

	run, back = open(t, write("bumped", -0.2), engine.Go)
	done := 0
	rep, err = verify.Trained(run, back, 300, 1, 10, func(n int) { done = n })
	require.NoError(t, err)
	assert.Equal(t, 300, done)
	assert.Equal(t, verify.Tally{Exact: 300}, rep.Compiled)
	assert.Positive(t, rep.Trained.Wrong)
	assert.Positive(t, rep.Trained.Exact)
	assert.Equal(t, 300, rep.Trained.Exact+rep.Trained.Wrong)
	assert.GreaterOrEqual(t, rep.MaxMiss, 1.0)
	assert.GreaterOrEqual(t, float64(rep.MaxErr), 0.2-1e-12)
	require.NotEmpty(t, rep.Failures)
	assert.Contains(t, rep.Failures[0], "trained 6, exact DP")
	assert.ErrorContains(t, rep.Err(), "the trained model gave the exact answer on")
	var b strings.Builder
	rep.WriteText(&b)
	assert.Regexp(t, `compiled +300 +100.0%`, b.String())
}
